/**
 * Porting adapter for quiche-style congestion modules
 * (`CongestionControlOps`): `on_init`, `on_packet_sent`, `on_packets_acked`
 * (a batch per ACK), `congestion_event`, `checkpoint` and `rollback`,
 * working on a mutable {@link QuicheCongestionState} in bytes. The module
 * itself decides, as in quiche, whether an acknowledged packet belongs to
 * the current recovery (`in_congestion_recovery(time_sent)`); the adapter
 * calls `checkpoint` before each new reduction and `rollback` when the
 * transport reports it spurious.
 *
 * A retransmission timeout is delivered as a congestion event followed by
 * the collapse of cwnd to the loss window (as quiche does on persistent
 * congestion).
 *
 * @module
 */
import type {
  AckSummary,
  AckedPacket,
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionEvent,
  CongestionPhase,
  CongestionSnapshot,
  PacketSentEvent,
  RtoEvent,
  RttStats,
} from '../../../core/contracts/congestion.js';
import { defaultInitialWindow } from '../../../core/contracts/congestion.js';

/** One acknowledged packet in a batch (quiche `Acked`). */
export interface QuicheAcked {
  /** Send time in ms. */
  time_sent: number;
  /** Size in bytes. */
  size: number;
}

/** The state a quiche-style module reads and writes (bytes and ms). */
export interface QuicheCongestionState<P> {
  /** Congestion window in bytes. */
  congestion_window: number;
  /** Slow-start threshold in bytes (Infinity initially). */
  ssthresh: number;
  /** Byte counter for slow start. */
  bytes_acked_sl: number;
  /** Byte counter for congestion avoidance. */
  bytes_acked_ca: number;
  /** Start of the current recovery (ms), or undefined. */
  congestion_recovery_start_time: number | undefined;
  /** Whether the sender is application-limited on this ACK. */
  app_limited: boolean;
  /** Whether the transport reports it is in loss recovery. */
  in_recovery: boolean;
  /** Segment size in bytes. */
  max_datagram_size: number;
  /** Initial window in bytes. */
  readonly initial_window: number;
  /** Smallest window after a reduction in bytes (2·MSS unless params.minCwnd). */
  readonly minimum_window: number;
  /** Smallest ssthresh in bytes (2·MSS unless params.minSsthresh). */
  readonly minimum_ssthresh: number;
  /** RTT estimates. */
  readonly rtt: RttStats;
  /** Whether a packet sent at `sentTime` belongs to the current recovery. */
  in_congestion_recovery(sentTime: number): boolean;
  /** The module's private state. */
  priv: P;
}

/** A quiche-style congestion module. */
export interface QuicheCongestionOps<P> {
  /** Module name. */
  readonly name: string;
  /** Fresh private state for a connection. */
  createPriv(): P;
  /** Initialisation. */
  on_init?(r: QuicheCongestionState<P>): void;
  /** A packet was sent. */
  on_packet_sent?(r: QuicheCongestionState<P>, sentBytes: number, bytesInFlight: number, now: number): void;
  /** The packets newly acknowledged by one ACK. */
  on_packets_acked(r: QuicheCongestionState<P>, bytesInFlight: number, packets: readonly QuicheAcked[], now: number): void;
  /** Loss or ECN-CE (called for every event; the module checks `in_congestion_recovery`). */
  congestion_event(
    r: QuicheCongestionState<P>,
    bytesInFlight: number,
    lostBytes: number,
    largestLostSentAt: number,
    now: number,
  ): void;
  /** Save what `rollback` restores. */
  checkpoint(r: QuicheCongestionState<P>): void;
  /** Restore the checkpoint; false if there was none. */
  rollback(r: QuicheCongestionState<P>): boolean;
}

class State<P> implements QuicheCongestionState<P> {
  congestion_window: number;
  ssthresh = Infinity;
  bytes_acked_sl = 0;
  bytes_acked_ca = 0;
  congestion_recovery_start_time: number | undefined = undefined;
  app_limited = false;
  in_recovery = false;
  max_datagram_size: number;
  initial_window: number;
  minimum_window: number;
  minimum_ssthresh: number;
  rtt: RttStats;
  priv: P;

  constructor(ctx: CongestionContext, priv: P) {
    this.max_datagram_size = ctx.mss;
    this.initial_window = ctx.params.initialWindow ?? defaultInitialWindow(ctx.mss);
    this.congestion_window = this.initial_window;
    this.minimum_window = ctx.params.minCwnd ?? 2 * ctx.mss;
    this.minimum_ssthresh = ctx.params.minSsthresh ?? 2 * ctx.mss;
    this.rtt = ctx.rtt;
    this.priv = priv;
  }

  in_congestion_recovery(sentTime: number): boolean {
    const start = this.congestion_recovery_start_time;
    return start !== undefined && sentTime <= start;
  }
}

/** A {@link CongestionController} running a quiche-style module. */
export class QuicheCongestionAdapter<P> implements CongestionController {
  private readonly r: State<P>;
  private readonly pool: QuicheAcked[] = [];
  private readonly batch: QuicheAcked[] = [];
  private timedOut = false;
  private rtoAt = -Infinity;
  private hasCheckpoint = false;

  /**
   * @param ops - the ported module
   * @param ctx - controller context
   */
  constructor(
    private readonly ops: QuicheCongestionOps<P>,
    private readonly ctx: CongestionContext,
  ) {
    this.r = new State(ctx, ops.createPriv());
    ops.on_init?.(this.r);
  }

  /** cwnd in bytes. */
  get cwnd(): number {
    return this.r.congestion_window;
  }
  /** ssthresh in bytes. */
  get ssthresh(): number {
    return this.r.ssthresh;
  }
  /** Phase derived from the recovery state and the windows. */
  get phase(): CongestionPhase {
    if (this.timedOut) return 'loss';
    if (this.r.congestion_recovery_start_time !== undefined && this.r.in_recovery) return 'recovery';
    return this.r.congestion_window < this.r.ssthresh ? 'slow-start' : 'avoidance';
  }
  /** The module state (for tests and traces). */
  get state(): QuicheCongestionState<P> {
    return this.r;
  }

  /** True while `bytesInFlight < cwnd`. */
  canSend(bytesInFlight: number): boolean {
    return bytesInFlight < this.r.congestion_window;
  }

  /** `on_packet_sent`. */
  onPacketSent(ev: PacketSentEvent): void {
    this.ops.on_packet_sent?.(this.r, ev.bytes, ev.bytesInFlight, ev.now);
  }

  /** Starts a batch. */
  onAckBegin(now: number): void {
    void now;
    this.batch.length = 0;
  }

  /** Adds a packet to the batch (entries are reused: no allocation per ACK in steady state). */
  onPacketAcked(p: AckedPacket): void {
    let e = this.pool[this.batch.length];
    if (e === undefined) {
      e = { time_sent: 0, size: 0 };
      this.pool.push(e);
    }
    e.time_sent = p.sentAt;
    e.size = p.bytes;
    this.batch.push(e);
  }

  /** `on_packets_acked` with the batch. */
  onAckEnd(s: AckSummary): void {
    const r = this.r;
    r.app_limited = s.appLimited || (this.ctx.params.growOnlyWhenCwndFull === true && s.priorBytesInFlight + r.max_datagram_size <= r.congestion_window);
    r.in_recovery = s.inRecovery && !this.timedOut;
    if (this.timedOut) {
      // Slow start from the loss window: the retransmissions count as new data.
      r.congestion_recovery_start_time = undefined;
      this.timedOut = false;
    }
    if (this.batch.length === 0) return;
    this.ops.on_packets_acked(r, s.bytesInFlight, this.batch, s.now);
  }

  /** `checkpoint` (new epoch only) then `congestion_event`; losses of data sent before the last RTO are ignored. */
  onCongestionEvent(ev: CongestionEvent): void {
    if (ev.largestLostSentAt <= this.rtoAt) return;
    if (ev.persistent) {
      this.onRetransmissionTimeout({ now: ev.now, bytesInFlight: ev.bytesInFlight });
      return;
    }
    if (!this.r.in_congestion_recovery(ev.largestLostSentAt)) {
      this.ops.checkpoint(this.r);
      this.hasCheckpoint = true;
      this.r.in_recovery = true;
    }
    this.ops.congestion_event(this.r, ev.bytesInFlight, ev.lostBytes, ev.largestLostSentAt, ev.now);
    this.clamp();
  }

  /** Recovery ended. */
  onRecoveryEnd(now: number): void {
    void now;
    this.r.in_recovery = false;
  }

  /** A congestion event for everything in flight, then cwnd = loss window (1·MSS or params.minCwnd). */
  onRetransmissionTimeout(ev: RtoEvent): void {
    const r = this.r;
    if (!this.timedOut) {
      this.ops.checkpoint(r);
      this.hasCheckpoint = true;
      r.congestion_recovery_start_time = undefined;
      this.ops.congestion_event(r, ev.bytesInFlight, ev.bytesInFlight, ev.now, ev.now);
    }
    r.congestion_recovery_start_time = ev.now;
    this.rtoAt = ev.now;
    r.congestion_window = this.ctx.params.minCwnd ?? r.max_datagram_size;
    r.bytes_acked_ca = 0;
    r.bytes_acked_sl = 0;
    this.timedOut = true;
    this.clamp();
  }

  /** `rollback`. */
  onSpuriousCongestion(now: number): void {
    void now;
    if (!this.hasCheckpoint) return;
    this.hasCheckpoint = false;
    if (this.ops.rollback(this.r)) {
      this.timedOut = false;
      this.r.in_recovery = false;
    }
  }

  /** RFC 5681 §4.1 restart window. */
  onIdleRestart(now: number): void {
    void now;
    const r = this.r;
    r.congestion_window = Math.min(r.congestion_window, r.initial_window);
  }

  /** Keeps the window in segments across an MSS change. */
  onMtuChange(mss: number): void {
    const r = this.r;
    if (!(mss > 0)) return;
    const ratio = mss / r.max_datagram_size;
    r.congestion_window = Math.max(r.congestion_window * ratio, mss);
    if (r.ssthresh !== Infinity) r.ssthresh *= ratio;
    r.max_datagram_size = mss;
  }

  /** Name, phase and windows. */
  snapshot(): CongestionSnapshot {
    const r = this.r;
    return {
      controller: this.ops.name,
      phase: this.phase,
      cwnd: r.congestion_window,
      ssthresh: r.ssthresh === Infinity ? 'inf' : r.ssthresh,
      bytesAckedCa: r.bytes_acked_ca,
    };
  }

  private clamp(): void {
    const r = this.r;
    if (r.ssthresh !== Infinity && r.ssthresh < r.minimum_ssthresh) r.ssthresh = r.minimum_ssthresh;
    const floor = this.timedOut ? (this.ctx.params.minCwnd ?? r.max_datagram_size) : r.minimum_window;
    if (r.congestion_window < floor) r.congestion_window = floor;
  }
}

/** A factory running `ops` through the quiche adapter. */
export function quicheCongestionFactory<P>(ops: QuicheCongestionOps<P>): CongestionControllerFactory {
  return { create: (ctx) => new QuicheCongestionAdapter(ops, ctx) };
}
