/**
 * Compliance suite for congestion controllers. Call
 * {@link describeCongestionCompliance} from a vitest file with a controller
 * factory; it declares tests that drive the controller through the
 * contract's events (send, ACK, loss, timeout, undo, idle, MSS change) and
 * check the invariants every controller must keep.
 *
 * @example
 * ```ts
 * import { describeCongestionCompliance } from 'toukit/testing';
 * describeCongestionCompliance('my-cc', myFactory);
 * ```
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type {
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionParameters,
  CongestionPhase,
} from '../contracts/congestion.js';
import { SeededRandom } from '../random/random.js';
import { nullTracer } from '../trace/tracer.js';

/** Options of {@link describeCongestionCompliance}. */
export interface CongestionComplianceOptions {
  /** Segment size in bytes (default 1200). */
  readonly mss?: number;
  /**
   * Whether the controller reacts to congestion (default true). Set false for
   * controllers with a constant window such as `none` and `fixed`: the
   * reduction, timeout and growth checks are then replaced by "the window
   * never changes".
   */
  readonly reactive?: boolean;
  /** Whether a reduction can be undone by `onSpuriousCongestion` (default: true when the method exists). */
  readonly undo?: boolean;
  /** Random event sequences to run (default 25). */
  readonly sequences?: number;
  /** Events per random sequence (default 400). */
  readonly steps?: number;
}

const PHASES: readonly CongestionPhase[] = ['slow-start', 'avoidance', 'recovery', 'loss'];

/** A minimal transport model that feeds a controller and tracks what is in flight. */
class Harness {
  now = 0;
  inFlight = 0;
  recoveryStart = -Infinity;
  inRecovery = false;
  readonly sent: number[] = [];
  readonly rtt = { latest: 0, smoothed: 0, variance: 0, min: Infinity };
  readonly cc: CongestionController;

  constructor(
    factory: CongestionControllerFactory,
    readonly mss: number,
    params: CongestionParameters,
  ) {
    const ctx: CongestionContext = { mss, clock: { now: () => this.now }, rtt: this.rtt, tracer: nullTracer, params };
    this.cc = factory.create(ctx);
  }

  send(bytes = this.mss): void {
    this.cc.onPacketSent({ now: this.now, bytes, bytesInFlight: this.inFlight, retransmission: false, appLimited: false });
    this.inFlight += bytes;
    this.sent.push(this.now);
  }

  /** Acknowledge the oldest outstanding packet after `dt` ms. */
  ack(dt = 1, appLimited = false): void {
    const sentAt = this.sent.shift();
    if (sentAt === undefined) return;
    this.now += dt;
    const r = Math.max(1, this.now - sentAt);
    const rtt = this.rtt;
    rtt.latest = r;
    rtt.min = Math.min(rtt.min, r);
    if (rtt.smoothed === 0) {
      rtt.smoothed = r;
      rtt.variance = r / 2;
    } else {
      rtt.variance = 0.75 * rtt.variance + 0.25 * Math.abs(rtt.smoothed - r);
      rtt.smoothed = 0.875 * rtt.smoothed + 0.125 * r;
    }
    if (sentAt > this.recoveryStart) this.inRecovery = false;
    const prior = this.inFlight;
    const bytes = Math.min(this.mss, prior);
    this.inFlight -= bytes;
    this.cc.onAckBegin(this.now);
    this.cc.onPacketAcked({ bytes, sentAt });
    this.cc.onAckEnd({
      now: this.now,
      ackedBytes: bytes,
      priorBytesInFlight: prior,
      bytesInFlight: this.inFlight,
      rttSample: r,
      appLimited,
      inRecovery: this.inRecovery,
    });
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
    this.cc.onCongestionEvent({
      now: this.now,
      cause: 'loss',
      lostBytes: this.mss,
      bytesInFlight: flight,
      largestLostSentAt: sentAt,
      persistent: false,
    });
  }

  timeout(dt = 200): void {
    this.now += dt;
    const flight = this.inFlight;
    this.sent.length = 0;
    this.inFlight = 0;
    this.recoveryStart = this.now;
    this.inRecovery = true;
    this.cc.onRetransmissionTimeout({ now: this.now, bytesInFlight: flight });
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
 * first violation, or undefined. (Plain checks: this runs after every event
 * of the random sequences.)
 */
function violation(h: Harness, floor: number): string | undefined {
  const { cc } = h;
  const cwnd = cc.cwnd;
  if (Number.isNaN(cwnd) || cwnd < floor) return `cwnd ${cwnd} below the floor ${floor}`;
  if (Number.isNaN(cc.ssthresh) || !(cc.ssthresh > 0)) return `ssthresh ${cc.ssthresh} not positive`;
  if (!PHASES.includes(cc.phase)) return `unknown phase ${String(cc.phase)}`;
  if (cwnd !== Infinity) {
    if (!cc.canSend(0)) return 'canSend(0) is false';
    if (!cc.canSend(Math.max(0, cwnd - 1))) return `canSend(cwnd - 1) is false (cwnd ${cwnd})`;
    if (cc.canSend(cwnd)) return `canSend(cwnd) is true (cwnd ${cwnd})`;
  } else if (!cc.canSend(1e12)) {
    return 'canSend is false with an infinite cwnd';
  }
  const snap = cc.snapshot();
  const json = JSON.stringify(snap);
  if (json !== JSON.stringify(JSON.parse(json)) || Object.keys(JSON.parse(json) as object).length !== Object.keys(snap).length) {
    return `snapshot is not JSON-serialisable: ${json}`;
  }
  for (const [k, v] of Object.entries(snap)) {
    if (typeof v === 'number' && !Number.isFinite(v)) return `snapshot field ${k} is ${v} (not JSON)`;
  }
  if (cc.pacingRate !== undefined && !(cc.pacingRate >= 0)) return `pacingRate ${cc.pacingRate}`;
  return undefined;
}

/** Assert the invariants. */
function checkInvariants(h: Harness, floor: number, context = ''): void {
  const v = violation(h, floor);
  if (v !== undefined) expect.fail(`${context}${v}; snapshot ${JSON.stringify(h.cc.snapshot())}`);
}

/**
 * Declare the congestion-controller compliance tests for `factory`.
 * @param name - controller name used in the test titles
 * @param factory - the factory under test
 * @param options - see {@link CongestionComplianceOptions}
 */
export function describeCongestionCompliance(
  name: string,
  factory: CongestionControllerFactory,
  options: CongestionComplianceOptions = {},
): void {
  const mss = options.mss ?? 1200;
  const reactive = options.reactive ?? true;
  const sequences = options.sequences ?? 25;
  const steps = options.steps ?? 400;

  describe(`congestion compliance: ${name}`, () => {
    it('starts with a positive window, a positive ssthresh and a valid phase', () => {
      const h = new Harness(factory, mss, {});
      checkInvariants(h, mss);
    });

    it('lets the sender fill exactly cwnd (canSend consistent with cwnd)', () => {
      const h = new Harness(factory, mss, {});
      let sent = 0;
      while (h.cc.canSend(h.inFlight) && sent < 10_000) {
        h.send();
        sent++;
      }
      if (h.cc.cwnd === Infinity) {
        expect(sent).toBe(10_000);
      } else {
        expect(h.inFlight).toBeGreaterThanOrEqual(h.cc.cwnd);
        expect(h.inFlight - mss).toBeLessThan(h.cc.cwnd);
      }
    });

    if (!reactive) {
      it('keeps its window whatever happens', () => {
        const h = new Harness(factory, mss, {});
        const w = h.cc.cwnd;
        h.round();
        h.send();
        h.send();
        h.lose();
        h.timeout();
        h.cc.onSpuriousCongestion?.(h.now);
        h.cc.onIdleRestart?.(h.now + 10_000);
        expect(h.cc.cwnd).toBe(w);
        checkInvariants(h, mss);
      });
    } else {
      it('grows the window when a full window is acknowledged', () => {
        const h = new Harness(factory, mss, {});
        const w = h.cc.cwnd;
        h.round();
        h.round();
        expect(h.cc.cwnd).toBeGreaterThan(w);
      });

      it('reduces on loss, once per recovery epoch', () => {
        const h = new Harness(factory, mss, {});
        for (let i = 0; i < 3; i++) h.round();
        for (let i = 0; i < 20; i++) h.send();
        const before = h.cc.cwnd;
        h.lose();
        const after = h.cc.cwnd;
        const ssthresh = h.cc.ssthresh;
        expect(after).toBeLessThan(before);
        // More losses of packets sent before the recovery began: no further reduction.
        h.lose();
        h.lose();
        h.cc.onCongestionEvent({
          now: h.now + 1,
          cause: 'ecn-ce',
          lostBytes: 0,
          bytesInFlight: h.inFlight,
          largestLostSentAt: h.recoveryStart,
          persistent: false,
        });
        expect(h.cc.cwnd).toBe(after);
        expect(h.cc.ssthresh).toBe(ssthresh);
        // ACKs during recovery do not grow the window.
        h.ack(1);
        expect(h.cc.cwnd).toBeLessThanOrEqual(after);
      });

      it('reduces again for a loss in a later window', () => {
        const h = new Harness(factory, mss, {});
        for (let i = 0; i < 3; i++) h.round();
        for (let i = 0; i < 10; i++) h.send();
        h.lose();
        while (h.sent.length > 0) h.ack(1);
        h.round();
        for (let i = 0; i < 10; i++) h.send();
        const before = h.cc.cwnd;
        h.lose(5);
        expect(h.cc.cwnd).toBeLessThan(before);
      });

      it('collapses to the loss window on a retransmission timeout', () => {
        const h = new Harness(factory, mss, {});
        for (let i = 0; i < 3; i++) h.round();
        for (let i = 0; i < 10; i++) h.send();
        h.timeout();
        expect(h.cc.cwnd).toBeLessThanOrEqual(mss);
        checkInvariants(h, mss);
        h.round();
        expect(h.cc.cwnd).toBeGreaterThan(mss);
      });

      it('honours params.minCwnd and params.minSsthresh', () => {
        const h = new Harness(factory, mss, { minCwnd: 3 * mss, minSsthresh: 4 * mss });
        for (let i = 0; i < 2; i++) h.send();
        h.lose();
        expect(h.cc.cwnd).toBeGreaterThanOrEqual(3 * mss);
        expect(h.cc.ssthresh).toBeGreaterThanOrEqual(4 * mss);
        h.timeout();
        expect(h.cc.cwnd).toBeGreaterThanOrEqual(3 * mss);
      });

      if (options.undo ?? true) {
        it('undoes a spurious reduction', () => {
          const h = new Harness(factory, mss, {});
          if (h.cc.onSpuriousCongestion === undefined) {
            expect.fail('onSpuriousCongestion is not implemented (pass { undo: false } if that is intended)');
          }
          for (let i = 0; i < 3; i++) h.round();
          for (let i = 0; i < 20; i++) h.send();
          const before = h.cc.cwnd;
          h.lose();
          expect(h.cc.cwnd).toBeLessThan(before);
          h.cc.onSpuriousCongestion?.(h.now + 1);
          expect(h.cc.cwnd).toBeGreaterThanOrEqual(before - mss);
        });
      }
    }

    it('survives random event sequences with its invariants intact', () => {
      for (let seq = 0; seq < sequences; seq++) {
        const rnd = new SeededRandom(0xc0ffee + seq);
        const withParams = seq % 3 === 2;
        const floor = withParams ? 2 * mss : mss;
        const params: CongestionParameters = withParams ? { minCwnd: 2 * mss, minSsthresh: 4 * mss } : {};
        const h = new Harness(factory, mss, params);
        for (let i = 0; i < steps; i++) {
          const op = rnd.uint32() % 100;
          if (op < 40) {
            if (h.cc.canSend(h.inFlight) || h.sent.length === 0) h.send(1 + (rnd.uint32() % mss));
          } else if (op < 80) h.ack(rnd.float() * 20, rnd.uint32() % 10 === 0);
          else if (op < 88) h.lose(rnd.float() * 5);
          else if (op < 91) h.timeout(100 + rnd.float() * 500);
          else if (op < 94) h.cc.onSpuriousCongestion?.(h.now);
          else if (op < 96) h.cc.onRecoveryEnd?.(h.now);
          else if (op < 98) h.cc.onIdleRestart?.((h.now += 1000));
          else {
            h.cc.onAckBegin(h.now);
            h.cc.onAckEnd({
              now: h.now,
              ackedBytes: 0,
              priorBytesInFlight: h.inFlight,
              bytesInFlight: h.inFlight,
              appLimited: false,
              inRecovery: h.inRecovery,
            });
          }
          const v = violation(h, floor);
          if (v !== undefined) checkInvariants(h, floor, `sequence ${seq}, step ${i} (op ${op}): `);
          if (withParams && reactive && h.cc.ssthresh < 4 * mss) {
            expect.fail(`sequence ${seq}, step ${i}: ssthresh ${h.cc.ssthresh} below params.minSsthresh`);
          }
        }
      }
    });

    it('keeps a window of at least one new MSS after an MSS change', () => {
      const h = new Harness(factory, mss, {});
      h.round();
      h.cc.onMtuChange?.(mss * 2);
      expect(h.cc.cwnd).toBeGreaterThanOrEqual(reactive ? 2 * mss : mss);
      h.cc.onMtuChange?.(mss / 2);
      expect(h.cc.cwnd).toBeGreaterThanOrEqual(mss / 2);
      checkInvariants(h, mss / 2);
    });
  });
}
