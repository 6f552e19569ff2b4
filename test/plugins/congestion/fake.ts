/**
 * Event-level helpers for controller unit tests: a fake context and
 * one-line wrappers around the begin/acked/end ACK protocol.
 *
 * @module
 */
import type {
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionParameters,
} from '../../../core/contracts/congestion.js';
import type { Tracer } from '../../../core/trace/tracer.js';
import { nullTracer } from '../../../core/trace/tracer.js';
import { RttEstimator } from './driver.js';

/** Segment size used by the unit tests. */
export const MSS = 1000;

/** A fake context with a settable clock and RTT estimator. */
export interface FakeContext extends CongestionContext {
  /** Mutable RTT estimator behind `rtt`. */
  readonly rtt: RttEstimator;
  /** Set the clock. */
  setNow(ms: number): void;
}

/** Build a fake context. */
export function fakeContext(params: CongestionParameters = {}, tracer: Tracer = nullTracer, mss = MSS): FakeContext {
  let now = 0;
  return {
    mss,
    clock: { now: () => now },
    rtt: new RttEstimator(),
    tracer,
    params,
    setNow: (ms) => {
      now = ms;
    },
  };
}

/** Create a controller with a fake context. */
export function make(
  factory: CongestionControllerFactory,
  params: CongestionParameters = {},
  tracer?: Tracer,
): { cc: CongestionController; ctx: FakeContext } {
  const ctx = fakeContext(params, tracer);
  return { cc: factory.create(ctx), ctx };
}

/** Options of {@link ack}. */
export interface AckOptions {
  /** Time of the ACK (ms). */
  now: number;
  /** Bytes acknowledged (one packet). */
  bytes?: number;
  /** Send time of the acked packet. */
  sentAt?: number;
  /** Bytes in flight before the ACK. */
  prior?: number;
  /** RTT sample. */
  rtt?: number;
  /** Application-limited. */
  appLimited?: boolean;
  /** Transport in recovery. */
  inRecovery?: boolean;
}

/** Deliver one ACK acknowledging one packet. */
export function ack(cc: CongestionController, o: AckOptions): void {
  const bytes = o.bytes ?? MSS;
  const prior = o.prior ?? cc.cwnd;
  cc.onAckBegin(o.now);
  cc.onPacketAcked({ bytes, sentAt: o.sentAt ?? o.now - 100 });
  cc.onAckEnd({
    now: o.now,
    ackedBytes: bytes,
    priorBytesInFlight: prior,
    bytesInFlight: Math.max(0, prior - bytes),
    rttSample: o.rtt,
    appLimited: o.appLimited ?? false,
    inRecovery: o.inRecovery ?? false,
  });
}

/** Report a loss. */
export function lose(
  cc: CongestionController,
  o: { now: number; flight: number; largestLostSentAt: number; lostBytes?: number; persistent?: boolean },
): void {
  cc.onCongestionEvent({
    now: o.now,
    cause: 'loss',
    lostBytes: o.lostBytes ?? MSS,
    bytesInFlight: o.flight,
    largestLostSentAt: o.largestLostSentAt,
    persistent: o.persistent ?? false,
  });
}
