/**
 * The transport model that drives a congestion controller in the
 * congestion compliance checks: it sends, acknowledges, loses and times out
 * packets, keeps RTT estimates, and hands the controller reused event
 * objects (see `congestion-events.ts`). Also the invariants every
 * controller keeps after every event.
 *
 * @module
 */
import { SmoothedRtt } from '../congestion/smoothed-rtt.js';
import type { CongestionContext, CongestionController, CongestionControllerFactory, CongestionEvent, CongestionParameters, CongestionPhase } from '../contracts/congestion.js';
import { nullTracer } from '../trace/tracer.js';
import { EVENT_METHODS, findRetained, HarnessEvents } from './congestion-events.js';
import { violated } from './scenario.js';

const PHASES: readonly CongestionPhase[] = ['slow-start', 'avoidance', 'recovery', 'loss'];

/** The rule about event lifetimes, quoted by failure messages. */
export const EVENT_RULE =
  'Event objects are valid only during the call: transports reuse one object per event kind (ReusedCongestionEvents), so a controller copies the fields it keeps (docs/guides/congestion.md)';

/** A minimal transport model that feeds a controller and tracks what is in flight. */
export class Harness {
  /** Virtual time, ms. */
  now = 0;
  /** Bytes in flight. */
  inFlight = 0;
  /** When the current recovery episode began. */
  recoveryStart = -Infinity;
  /** Whether the transport is in loss recovery. */
  inRecovery = false;
  /** Send times of the outstanding packets, oldest first. */
  readonly sent: number[] = [];
  /** RTT estimates handed to the controller. */
  readonly rtt = new SmoothedRtt();
  /** The reused event objects. */
  readonly events = new HarnessEvents();
  /** The controller under test. */
  readonly cc: CongestionController;

  /**
   * @param factory - the factory under test
   * @param mss - segment size in bytes
   * @param params - transport parameters
   */
  constructor(
    factory: CongestionControllerFactory,
    readonly mss: number,
    params: CongestionParameters,
  ) {
    const ctx: CongestionContext = { mss, clock: { now: () => this.now }, rtt: this.rtt, tracer: nullTracer, params };
    this.cc = factory.create(ctx);
  }

  /** Run `fn` as the controller method `name` (for messages), then check no stale event field was read. */
  call(name: string, fn: () => void): void {
    const log = this.events.log;
    log.current = name;
    try {
      fn();
    } finally {
      log.current = undefined;
    }
    this.assertNoStaleReads();
  }

  /** Fail if the controller read an event field outside the call the event was passed to. */
  assertNoStaleReads(): void {
    const reads = this.events.log.reads;
    if (reads.length > 0) violated(`the controller read an event after its call: ${reads.join('; ')}. ${EVENT_RULE}.`);
  }

  /** Fail if the controller still references one of the event objects (or read one late). */
  assertEventsReleased(context = ''): void {
    this.assertNoStaleReads();
    const found = findRetained(this.cc, this.events);
    if (found !== undefined) {
      violated(`${context}the controller keeps a reference to the ${found.kind} object passed to ${EVENT_METHODS[found.kind]} (found at ${found.path}); the transport overwrites it before the next call. ${EVENT_RULE}.`);
    }
  }

  /** Send one packet of `bytes`. */
  send(bytes = this.mss): void {
    const { now, inFlight } = this;
    this.call('onPacketSent', () => this.events.sent.pass({ now, bytes, bytesInFlight: inFlight, retransmission: false, appLimited: false }, (ev) => this.cc.onPacketSent(ev)));
    this.inFlight += bytes;
    this.sent.push(this.now);
  }

  /** Acknowledge the oldest outstanding packet after `dt` ms. */
  ack(dt = 1, appLimited = false): void {
    const sentAt = this.sent.shift();
    if (sentAt === undefined) return;
    this.now += dt;
    const r = Math.max(1, this.now - sentAt);
    this.rtt.sample(r);
    if (sentAt > this.recoveryStart) this.inRecovery = false;
    const prior = this.inFlight;
    const bytes = Math.min(this.mss, prior);
    this.inFlight -= bytes;
    const now = this.now;
    this.call('onAckBegin', () => this.cc.onAckBegin(now));
    this.call('onPacketAcked', () => this.events.acked.pass({ bytes, sentAt }, (ev) => this.cc.onPacketAcked(ev)));
    this.ackEnd({ now, ackedBytes: bytes, priorBytesInFlight: prior, bytesInFlight: this.inFlight, rttSample: r, appLimited, inRecovery: this.inRecovery });
  }

  /** `onAckEnd` with `summary` (after `onAckBegin` and the `onPacketAcked` calls). */
  ackEnd(summary: { now: number; ackedBytes: number; priorBytesInFlight: number; bytesInFlight: number; rttSample?: number; appLimited: boolean; inRecovery: boolean }): void {
    this.call('onAckEnd', () => this.events.summary.pass({ rttSample: undefined, ...summary }, (ev) => this.cc.onAckEnd(ev)));
  }

  /** `onCongestionEvent` with `ev`. */
  congestion(ev: CongestionEvent): void {
    this.call('onCongestionEvent', () => this.events.congestion.pass(ev, (e) => this.cc.onCongestionEvent(e)));
  }

  /** Declare the oldest outstanding packet lost. */
  lose(dt = 1): void {
    const sentAt = this.sent.shift();
    if (sentAt === undefined) return;
    this.now += dt;
    const flight = this.inFlight;
    this.inFlight -= Math.min(this.mss, flight);
    if (sentAt > this.recoveryStart) {
      this.recoveryStart = this.now;
      this.inRecovery = true;
    }
    this.congestion({ now: this.now, cause: 'loss', lostBytes: this.mss, bytesInFlight: flight, largestLostSentAt: sentAt, persistent: false });
  }

  /** The retransmission timer fires after `dt` ms: everything outstanding is lost. */
  timeout(dt = 200): void {
    this.now += dt;
    const flight = this.inFlight;
    this.sent.length = 0;
    this.inFlight = 0;
    this.recoveryStart = this.now;
    this.inRecovery = true;
    const now = this.now;
    this.call('onRetransmissionTimeout', () => this.events.rto.pass({ now, bytesInFlight: flight }, (ev) => this.cc.onRetransmissionTimeout(ev)));
  }

  /** `onSpuriousCongestion`, `onRecoveryEnd` or `onIdleRestart` at `now`, if the controller has it. */
  signal(name: 'onSpuriousCongestion' | 'onRecoveryEnd' | 'onIdleRestart', now = this.now): void {
    const fn = this.cc[name];
    if (fn !== undefined) this.call(name, () => fn.call(this.cc, now));
  }

  /** Send while allowed (bounded), then acknowledge everything. */
  round(rtt = 50): void {
    for (let i = 0; i < 1000 && this.cc.canSend(this.inFlight); i++) this.send();
    const n = this.sent.length;
    for (let i = 0; i < n; i++) this.ack(i === 0 ? rtt : 0.01);
  }
}

/**
 * The invariants that hold after every event; returns a description of the
 * first violation, or undefined.
 */
export function violation(h: Harness, floor: number): string | undefined {
  const { cc } = h;
  const cwnd = cc.cwnd;
  if (Number.isNaN(cwnd)) return 'cwnd is NaN';
  if (cwnd < floor) return `cwnd ${cwnd} is below the floor of ${floor} bytes (one MSS, or params.minCwnd; cwnd is in bytes, not segments)`;
  if (Number.isNaN(cc.ssthresh) || !(cc.ssthresh > 0)) return `ssthresh ${cc.ssthresh} is not positive (Infinity before the first reduction)`;
  if (!PHASES.includes(cc.phase)) return `unknown phase ${String(cc.phase)} (expected one of ${PHASES.join(', ')})`;
  if (cwnd !== Infinity) {
    if (!cc.canSend(0)) return 'canSend(0) is false: with nothing in flight one packet may always be sent';
    if (!cc.canSend(Math.max(0, cwnd - 1))) return `canSend(cwnd - 1) is false (cwnd ${cwnd}): canSend(b) must be b < cwnd`;
    if (cc.canSend(cwnd)) return `canSend(cwnd) is true (cwnd ${cwnd}): canSend(b) must be b < cwnd, so a full window stops the sender`;
  } else if (!cc.canSend(1e12)) {
    return 'canSend is false with an infinite cwnd';
  }
  const snap = cc.snapshot();
  const json = JSON.stringify(snap);
  if (json !== JSON.stringify(JSON.parse(json)) || Object.keys(JSON.parse(json) as object).length !== Object.keys(snap).length) {
    return `snapshot() is not JSON-serialisable: ${json}`;
  }
  for (const [k, v] of Object.entries(snap)) {
    if (typeof v === 'number' && !Number.isFinite(v)) return `snapshot() field ${k} is ${v}, which JSON turns into null (report Infinity as a string, e.g. 'inf')`;
  }
  if (cc.pacingRate !== undefined && !(cc.pacingRate >= 0)) return `pacingRate ${cc.pacingRate} is not a non-negative number`;
  return undefined;
}

/** Fail with the first invariant broken, if any. */
export function checkInvariants(h: Harness, floor: number, context = ''): void {
  h.assertNoStaleReads();
  const v = violation(h, floor);
  if (v !== undefined) violated(`${context}${v}; controller snapshot ${JSON.stringify(h.cc.snapshot())}`);
}
