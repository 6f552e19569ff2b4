/**
 * The congestion-control contract. One controller per connection (per path
 * for SCTP), created by a named factory. Inputs are event objects; loss
 * detection and recovery stay in the transport, which reports what happened.
 * Units: bytes and milliseconds.
 *
 * @module
 */
import type { Clock } from '../time/clock.js';
import type { Tracer } from '../trace/tracer.js';

/** Controller phase (as in qlog's `congestion_state_updated`). */
export type CongestionPhase = 'slow-start' | 'avoidance' | 'recovery' | 'loss';

/** Round-trip estimates maintained by the transport (RFC 6298 §2), in ms. */
export interface RttStats {
  /** Most recent RTT sample, or 0 if none yet. */
  readonly latest: number;
  /** Smoothed RTT (SRTT), or 0 if none yet. */
  readonly smoothed: number;
  /** RTT variation (RTTVAR). */
  readonly variance: number;
  /** Minimum RTT observed, or Infinity if none yet. */
  readonly min: number;
}

/**
 * Transport-specific parameters passed to the controller (e.g. SCTP's
 * RFC 9260 §7.2 rules). Controllers that do not understand a field ignore it.
 */
export interface CongestionParameters {
  /** Initial window in bytes (default: RFC 6928 style `min(10·mss, max(2·mss, 14600))`). */
  readonly initialWindow?: number;
  /** Lower bound for `ssthresh` in bytes (default 2·mss). */
  readonly minSsthresh?: number;
  /** Lower bound for `cwnd` in bytes (default 1·mss after RTO, 2·mss otherwise). */
  readonly minCwnd?: number;
  /** Only grow cwnd when it was fully used (RFC 9260 §7.2.1). */
  readonly growOnlyWhenCwndFull?: boolean;
  /** Max.Burst in packets (RFC 9260 §7.2.4), if the transport enforces one. */
  readonly maxBurst?: number;
  /**
   * Largest cwnd increase from one ACK in slow start, in bytes (SCTP: one
   * path MTU per SACK, RFC 9260 §7.2.1). Default: the controller's own bound
   * (the built-ins: RFC 3465 byte counting, `abcLimit`·SMSS).
   */
  readonly slowStartIncreaseLimit?: number;
}

/** What a controller factory receives. */
export interface CongestionContext {
  /** Sender maximum segment size in bytes (payload of one full packet). */
  readonly mss: number;
  /** The stack clock. */
  readonly clock: Clock;
  /** RTT estimates kept by the transport. */
  readonly rtt: RttStats;
  /** Tracer for this connection. */
  readonly tracer: Tracer;
  /** Transport-specific parameters. */
  readonly params: CongestionParameters;
}

/** A packet was sent. */
export interface PacketSentEvent {
  /** Send time in ms. */
  readonly now: number;
  /** Bytes counted against cwnd. */
  readonly bytes: number;
  /** Bytes in flight before this packet. */
  readonly bytesInFlight: number;
  /** True for a retransmission. */
  readonly retransmission: boolean;
  /** True when the sender had nothing more to send (application-limited). */
  readonly appLimited: boolean;
}

/** One acknowledged packet (between `onAckBegin` and `onAckEnd`). */
export interface AckedPacket {
  /** Bytes newly acknowledged for this packet. */
  readonly bytes: number;
  /** When it was sent (ms). */
  readonly sentAt: number;
}

/** Summary at the end of processing one ACK. */
export interface AckSummary {
  /** Time in ms. */
  readonly now: number;
  /** Bytes newly acknowledged by this ACK. */
  readonly ackedBytes: number;
  /** Bytes in flight before this ACK was processed. */
  readonly priorBytesInFlight: number;
  /** Bytes in flight after it. */
  readonly bytesInFlight: number;
  /** RTT sample taken from this ACK in ms, if any (Karn's rule applied by the transport). */
  readonly rttSample?: number;
  /** Whether the sender was application-limited (cwnd not fully used). */
  readonly appLimited: boolean;
  /** Whether the transport is in loss recovery (controllers must not grow cwnd then). */
  readonly inRecovery: boolean;
}

/** A congestion signal: loss detected (once per recovery episode) or ECN-CE. */
export interface CongestionEvent {
  /** Time in ms. */
  readonly now: number;
  /** Cause of the event. */
  readonly cause: 'loss' | 'ecn-ce';
  /** Bytes declared lost. */
  readonly lostBytes: number;
  /** Bytes in flight when the loss was detected (RFC 5681 FlightSize). */
  readonly bytesInFlight: number;
  /** Send time of the most recently sent lost packet (ms). */
  readonly largestLostSentAt: number;
  /** Persistent congestion (treated like an RTO). */
  readonly persistent: boolean;
}

/** A retransmission timeout fired. */
export interface RtoEvent {
  /** Time in ms. */
  readonly now: number;
  /** Bytes in flight when the timer fired. */
  readonly bytesInFlight: number;
}

/** A JSON-serialisable snapshot of controller state for traces. */
export type CongestionSnapshot = Readonly<Record<string, number | string | boolean>>;

/**
 * A per-connection congestion controller. Event objects are valid only
 * during the call: transports reuse them (see `ReusedCongestionEvents`), so a
 * controller copies what it keeps.
 */
export interface CongestionController {
  /** Congestion window in bytes. */
  readonly cwnd: number;
  /** Slow-start threshold in bytes (Infinity before the first reduction). */
  readonly ssthresh: number;
  /** Pacing rate in bytes per second, if the controller paces. */
  readonly pacingRate?: number;
  /** Current phase. */
  readonly phase: CongestionPhase;
  /** Whether a packet may be sent with `bytesInFlight` outstanding. */
  canSend(bytesInFlight: number): boolean;
  /** A packet was sent. */
  onPacketSent(ev: PacketSentEvent): void;
  /** ACK processing begins (time in ms). */
  onAckBegin(now: number): void;
  /** One packet was acknowledged. */
  onPacketAcked(p: AckedPacket): void;
  /** ACK processing ends. */
  onAckEnd(s: AckSummary): void;
  /** Loss detected or ECN-CE received: reduce (once per recovery epoch; the transport calls this once per epoch). */
  onCongestionEvent(ev: CongestionEvent): void;
  /** The recovery episode ended (all data outstanding at its start acknowledged). */
  onRecoveryEnd?(now: number): void;
  /** The retransmission timer expired (RFC 5681 §3.1, eq. 4). */
  onRetransmissionTimeout(ev: RtoEvent): void;
  /** The last reduction was spurious (D-SACK, F-RTO, Eifel): undo it. */
  onSpuriousCongestion?(now: number): void;
  /** The connection was idle for more than one RTO (RFC 5681 §4.1 / RFC 7661). */
  onIdleRestart?(now: number): void;
  /** The maximum segment size changed. */
  onMtuChange?(mss: number): void;
  /** State for traces and tests. */
  snapshot(): CongestionSnapshot;
}

/** A congestion-controller factory, registered as a `congestion` plugin. */
export interface CongestionControllerFactory {
  /** Create a controller for one connection (or path). */
  create(ctx: CongestionContext): CongestionController;
}

/** Default initial window (RFC 6928 §2: min(10·MSS, max(2·MSS, 14600))). */
export function defaultInitialWindow(mss: number): number {
  return Math.min(10 * mss, Math.max(2 * mss, 14600));
}
