/**
 * The congestion-controller compliance checks, one function each: it
 * returns `undefined` when the controller passes, a reason when the check
 * does not apply, and throws a {@link ComplianceViolation} naming the rule
 * (and the RFC it comes from) when the controller breaks it.
 * `describeCongestionCompliance` declares one test per check.
 *
 * @module
 */
import type { CongestionControllerFactory, CongestionParameters } from '../contracts/congestion.js';
import { SeededRandom } from '../random/random.js';
import { checkInvariants, Harness, violation } from './congestion-harness.js';
import type { CongestionComplianceOptions } from './congestion.js';
import { violated } from './scenario.js';
import type { CheckResult } from './transport-rules.js';

function setup(factory: CongestionControllerFactory, options: CongestionComplianceOptions, params: CongestionParameters = {}): Harness {
  return new Harness(factory, options.mss ?? 1200, params);
}

/** The controller starts with a positive window, a positive ssthresh and a valid phase. */
export function checkInitialState(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  checkInvariants(h, h.mss, 'initial state: ');
  return undefined;
}

/** `canSend` lets a sender fill exactly `cwnd`: it stops it once `cwnd` bytes are in flight, not before. */
export function checkCanSendFillsCwnd(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  let sent = 0;
  while (h.cc.canSend(h.inFlight) && sent < 10_000) {
    h.send();
    sent++;
  }
  const cwnd = h.cc.cwnd;
  if (cwnd === Infinity) {
    if (sent < 10_000) violated(`cwnd is Infinity but canSend() stopped the sender after ${sent} packets`);
  } else if (h.inFlight < cwnd || h.inFlight - h.mss >= cwnd) {
    violated(
      `canSend() let the sender put ${h.inFlight} bytes in flight (${sent} packets of ${h.mss} bytes) with cwnd ${cwnd}: ` +
        `canSend(bytesInFlight) must be bytesInFlight < cwnd, so a sender fills the window and stops within one packet of it (cwnd is in bytes)`,
    );
  }
  return undefined;
}

/** Non-reactive controllers (`reactive: false`): the window never changes, whatever happens. */
export function checkConstantWindow(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  const w = h.cc.cwnd;
  h.round();
  h.send();
  h.send();
  h.lose();
  h.timeout();
  h.signal('onSpuriousCongestion');
  h.signal('onIdleRestart', h.now + 10_000);
  if (h.cc.cwnd !== w) violated(`the window changed from ${w} to ${h.cc.cwnd} bytes although the controller is declared non-reactive (reactive: false)`);
  checkInvariants(h, h.mss);
  return undefined;
}

/** The window grows when full windows are acknowledged without loss (RFC 5681 §3.1). */
export function checkGrowth(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  const w = h.cc.cwnd;
  h.round();
  h.round();
  if (!(h.cc.cwnd > w)) {
    violated(`cwnd did not grow after two fully used and acknowledged windows without loss (${w} bytes before, ${h.cc.cwnd} after): the window opens while ACKs arrive (RFC 5681 §3.1, slow start and congestion avoidance)`);
  }
  return undefined;
}

/** A loss reduces the window once per recovery episode, and ACKs during recovery do not grow it (RFC 5681 §3.2, RFC 6582, RFC 6675). */
export function checkOneReductionPerEpisode(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  for (let i = 0; i < 3; i++) h.round();
  for (let i = 0; i < 20; i++) h.send();
  const before = h.cc.cwnd;
  h.lose();
  const after = h.cc.cwnd;
  const ssthresh = h.cc.ssthresh;
  if (!(after < before)) violated(`cwnd did not decrease on a loss (${before} bytes before, ${after} after): a loss reduces the window (RFC 5681 §3.2: ssthresh = max(FlightSize / 2, 2·SMSS))`);
  // More losses of packets sent before the recovery began, and an ECN-CE mark: no further reduction.
  h.lose();
  h.lose();
  h.congestion({ now: h.now + 1, cause: 'ecn-ce', lostBytes: 0, bytesInFlight: h.inFlight, largestLostSentAt: h.recoveryStart, persistent: false });
  const once = '(RFC 5681 §3.2: one reduction per window of data; a controller ignores a congestion event whose largestLostSentAt is not after the start of the current recovery)';
  if (h.cc.cwnd !== after) violated(`cwnd was reduced twice in one recovery episode: ${before} → ${after} bytes on the first loss, then ${h.cc.cwnd} on losses of packets sent before the recovery began ${once}`);
  if (h.cc.ssthresh !== ssthresh) violated(`ssthresh changed twice in one recovery episode: ${ssthresh} after the first loss, then ${h.cc.ssthresh} ${once}`);
  h.ack(1);
  if (h.cc.cwnd > after) violated(`cwnd grew from ${after} to ${h.cc.cwnd} bytes on an ACK received during loss recovery (AckSummary.inRecovery true): controllers do not grow the window during loss recovery (RFC 6582, RFC 6675; see AckSummary.inRecovery)`);
  return undefined;
}

/** A loss in a later window, after recovery, reduces again (RFC 5681 §3.2). */
export function checkReductionInLaterWindow(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  for (let i = 0; i < 3; i++) h.round();
  for (let i = 0; i < 10; i++) h.send();
  h.lose();
  while (h.sent.length > 0) h.ack(1);
  h.round();
  for (let i = 0; i < 10; i++) h.send();
  const before = h.cc.cwnd;
  h.lose(5);
  if (!(h.cc.cwnd < before)) {
    violated(`a loss of a packet sent after the previous recovery ended did not reduce cwnd (${before} bytes before, ${h.cc.cwnd} after): every new congestion episode reduces once (RFC 5681 §3.2)`);
  }
  return undefined;
}

/** A retransmission timeout collapses the window to one MSS, then slow start grows it (RFC 5681 §3.1). */
export function checkRtoCollapse(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  for (let i = 0; i < 3; i++) h.round();
  for (let i = 0; i < 10; i++) h.send();
  h.timeout();
  if (h.cc.cwnd > h.mss) violated(`cwnd is ${h.cc.cwnd} bytes after a retransmission timeout, more than one MSS (${h.mss}): after an RTO, cwnd is at most the loss window LW = 1·SMSS (RFC 5681 §3.1)`);
  checkInvariants(h, h.mss, 'after a retransmission timeout: ');
  h.round();
  if (!(h.cc.cwnd > h.mss)) violated(`cwnd stayed at ${h.cc.cwnd} bytes for a whole acknowledged window after a retransmission timeout: slow start restarts from one MSS (RFC 5681 §3.1)`);
  return undefined;
}

/** `params.minCwnd` and `params.minSsthresh` are floors, after losses and timeouts (e.g. RFC 9260 §7.2.3 for SCTP). */
export function checkParameterFloors(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const mss = options.mss ?? 1200;
  const h = setup(factory, options, { minCwnd: 3 * mss, minSsthresh: 4 * mss });
  for (let i = 0; i < 2; i++) h.send();
  h.lose();
  if (h.cc.cwnd < 3 * mss) violated(`cwnd is ${h.cc.cwnd} bytes after a loss, below params.minCwnd (${3 * mss}): the transport's floors apply (CongestionParameters)`);
  if (h.cc.ssthresh < 4 * mss) violated(`ssthresh is ${h.cc.ssthresh} bytes after a loss, below params.minSsthresh (${4 * mss})`);
  h.timeout();
  if (h.cc.cwnd < 3 * mss) violated(`cwnd is ${h.cc.cwnd} bytes after a retransmission timeout, below params.minCwnd (${3 * mss})`);
  return undefined;
}

/**
 * `onSpuriousCongestion` undoes the last reduction (Eifel, RFC 3522 and RFC 4015).
 * Skipped when `options.undo` is false, or when it is not given and the
 * controller has no `onSpuriousCongestion` (the method is optional).
 */
export function checkUndo(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  if (options.undo === false) return 'options.undo is false';
  const h = setup(factory, options);
  if (h.cc.onSpuriousCongestion === undefined) {
    if (options.undo === true) violated('options.undo is true but the controller has no onSpuriousCongestion method');
    return 'the controller has no onSpuriousCongestion (optional in the contract)';
  }
  for (let i = 0; i < 3; i++) h.round();
  for (let i = 0; i < 20; i++) h.send();
  const before = h.cc.cwnd;
  h.lose();
  const reduced = h.cc.cwnd;
  if (!(reduced < before)) violated(`cwnd did not decrease on a loss (${before} bytes before, ${reduced} after), so there is nothing to undo (RFC 5681 §3.2)`);
  h.signal('onSpuriousCongestion', h.now + 1);
  if (h.cc.cwnd < before - h.mss) {
    violated(`after onSpuriousCongestion cwnd is ${h.cc.cwnd} bytes; the spurious loss had reduced it from ${before} to ${reduced}: undo restores the window to what it was, at least ${before - h.mss} bytes (Eifel response, RFC 4015)`);
  }
  return undefined;
}

/** Random event sequences: the invariants hold after every event, and `params.minSsthresh` is kept. */
export function checkRandomSequences(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const mss = options.mss ?? 1200;
  const reactive = options.reactive ?? true;
  const sequences = options.sequences ?? 25;
  const steps = options.steps ?? 400;
  for (let seq = 0; seq < sequences; seq++) {
    const rnd = new SeededRandom(0xc0ffee + seq);
    const withParams = seq % 3 === 2;
    const floor = withParams ? 2 * mss : mss;
    const params: CongestionParameters = withParams ? { minCwnd: 2 * mss, minSsthresh: 4 * mss } : {};
    const h = new Harness(factory, mss, params);
    for (let i = 0; i < steps; i++) {
      const op = rnd.uint32() % 100;
      const at = `sequence ${seq}, step ${i}`;
      let what: string;
      if (op < 40) {
        what = 'send';
        if (h.cc.canSend(h.inFlight) || h.sent.length === 0) h.send(1 + (rnd.uint32() % mss));
      } else if (op < 80) {
        what = 'ack';
        h.ack(rnd.float() * 20, rnd.uint32() % 10 === 0);
      } else if (op < 88) {
        what = 'loss';
        h.lose(rnd.float() * 5);
      } else if (op < 91) {
        what = 'retransmission timeout';
        h.timeout(100 + rnd.float() * 500);
      } else if (op < 94) {
        what = 'onSpuriousCongestion';
        h.signal('onSpuriousCongestion');
      } else if (op < 96) {
        what = 'onRecoveryEnd';
        h.signal('onRecoveryEnd');
      } else if (op < 98) {
        what = 'onIdleRestart';
        h.signal('onIdleRestart', (h.now += 1000));
      } else {
        what = 'an ACK acknowledging nothing';
        h.call('onAckBegin', () => h.cc.onAckBegin(h.now));
        h.ackEnd({ now: h.now, ackedBytes: 0, priorBytesInFlight: h.inFlight, bytesInFlight: h.inFlight, appLimited: false, inRecovery: h.inRecovery });
      }
      if (violation(h, floor) !== undefined) checkInvariants(h, floor, `${at}, after ${what}${withParams ? ` (params minCwnd ${2 * mss}, minSsthresh ${4 * mss})` : ''}: `);
      if (withParams && reactive && h.cc.ssthresh < 4 * mss) violated(`${at}, after ${what}: ssthresh ${h.cc.ssthresh} is below params.minSsthresh (${4 * mss})`);
    }
  }
  return undefined;
}

/** After an MSS change the window still allows at least one full new segment. */
export function checkMtuChange(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  const mss = h.mss;
  h.round();
  const fn = h.cc.onMtuChange;
  if (fn !== undefined) h.call('onMtuChange', () => fn.call(h.cc, mss * 2));
  const min = (options.reactive ?? true) ? 2 * mss : mss;
  if (h.cc.cwnd < min) violated(`after onMtuChange(${mss * 2}) cwnd is ${h.cc.cwnd} bytes, below ${min}: the window must still hold at least one full segment of the new size`);
  if (fn !== undefined) h.call('onMtuChange', () => fn.call(h.cc, mss / 2));
  if (h.cc.cwnd < mss / 2) violated(`after onMtuChange(${mss / 2}) cwnd is ${h.cc.cwnd} bytes, below one new MSS`);
  checkInvariants(h, mss / 2, 'after an MSS change: ');
  return undefined;
}

/**
 * Event objects are valid only during the call (docs/guides/congestion.md):
 * after a mix of every event kind, handed over as one reused object per
 * kind and overwritten after each call, the controller must neither have
 * read a field late nor hold a reference to any of the objects.
 */
export function checkEventLifetime(factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): CheckResult {
  const h = setup(factory, options);
  for (let i = 0; i < 3; i++) h.round();
  h.assertEventsReleased('after three acknowledged windows, ');
  for (let i = 0; i < 10; i++) h.send();
  h.lose();
  h.signal('onSpuriousCongestion');
  h.round();
  h.timeout();
  h.round();
  h.signal('onRecoveryEnd');
  h.signal('onIdleRestart', h.now + 5000);
  h.congestion({ now: h.now + 1, cause: 'ecn-ce', lostBytes: 0, bytesInFlight: h.inFlight, largestLostSentAt: h.now, persistent: true });
  h.round();
  h.assertEventsReleased('after losses, a timeout, an undo, an idle restart and an ECN mark, ');
  return undefined;
}
