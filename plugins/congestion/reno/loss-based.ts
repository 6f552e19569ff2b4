/**
 * The machinery shared by window-based, loss-driven controllers (NewReno,
 * CUBIC): slow start with appropriate byte counting, one reduction per
 * recovery epoch, the RTO loss window, restart after idle, undo of spurious
 * reductions, MSS changes, phase tracing and snapshots. A concrete
 * controller supplies the reduction rule and the congestion-avoidance growth.
 *
 * Recovery epochs follow RFC 6582 (and quiche's `in_congestion_recovery`):
 * a loss of a packet sent at or before the start of the current recovery
 * does not reduce again, and only packets sent after it grow the window.
 *
 * @module
 */
import type {
  AckSummary,
  AckedPacket,
  CongestionContext,
  CongestionController,
  CongestionEvent,
  CongestionPhase,
  CongestionSnapshot,
  PacketSentEvent,
  RtoEvent,
} from '../../../core/contracts/congestion.js';
import { defaultInitialWindow } from '../../../core/contracts/congestion.js';
import type { HyStartPlusPlus } from '../hystart/hystart.js';

/** Appropriate Byte Counting limit L in segments per ACK during slow start (RFC 3465 §2.2). */
export const ABC_LIMIT_SEGMENTS = 2;

/** Options every loss-based controller understands. */
export interface LossBasedOptions {
  /** Slow-start byte-counting limit L in segments (RFC 3465 §2.2). */
  readonly abcLimit: number;
  /** Whether {@link CongestionController.onSpuriousCongestion} restores the pre-reduction state. */
  readonly undo: boolean;
  /** HyStart++ for the initial slow start, if enabled (RFC 9406). */
  readonly hystart?: HyStartPlusPlus | undefined;
}

/** State saved before a reduction so that a spurious one can be undone. */
interface Checkpoint {
  cwnd: number;
  ssthresh: number;
  phase: CongestionPhase;
}

/** Base class of NewReno and CUBIC (bytes and ms throughout). */
export abstract class LossBasedController implements CongestionController {
  /** Controller name used in snapshots. */
  protected abstract readonly name: string;
  /** Congestion window in bytes (RFC 5681 §2 cwnd). */
  protected window: number;
  /** Slow-start threshold in bytes (RFC 5681 §2 ssthresh); Infinity until the first reduction. */
  protected threshold = Infinity;
  /** Current phase. */
  protected state: CongestionPhase = 'slow-start';
  /** Sender MSS in bytes (RFC 5681 SMSS). */
  protected mss: number;
  /** Initial window in bytes (RFC 5681 §3.1 IW / RFC 6928). */
  protected initialWindow: number;
  /** Lower bound of ssthresh in bytes (RFC 5681 eq. 4: 2·SMSS). */
  protected minSsthresh: number;
  /** Lower bound of cwnd after a loss reduction in bytes. */
  protected minCwnd: number;
  /** cwnd after a retransmission timeout in bytes (RFC 5681 §3.1 loss window LW = 1·SMSS). */
  protected lossWindow: number;
  /** Time (ms) the current recovery epoch started; packets sent at or before it belong to it. */
  protected recoveryStartAt = -Infinity;
  /** Bytes acked since the last increment in congestion avoidance (RFC 3465 §2.1 bytes_acked). */
  protected bytesAcked = 0;
  /** Send time (ms) of the newest packet sent. */
  protected lastSentAt = -Infinity;
  /** Reductions applied so far (loss, ECN or RTO). */
  reductions = 0;
  /** Set by an RTO until the transport reports it left recovery: ACKs grow cwnd meanwhile (slow start). */
  private afterTimeout = false;
  private eligibleAcked = 0;
  private largestAckedSentAt = -Infinity;
  private checkpoint: Checkpoint | undefined;
  private readonly growOnlyWhenFull: boolean;
  /** Largest slow-start increase per ACK, bytes: `abcLimit`·SMSS, or the transport's tighter bound. */
  private readonly slowStartBound: number;
  private readonly paramsIw: number | undefined;

  /**
   * @param ctx - controller context (MSS, clock, RTT, tracer, transport parameters)
   * @param opts - shared options
   */
  constructor(
    protected readonly ctx: CongestionContext,
    protected readonly opts: LossBasedOptions,
  ) {
    this.mss = ctx.mss;
    this.paramsIw = ctx.params.initialWindow;
    this.initialWindow = this.paramsIw ?? defaultInitialWindow(ctx.mss);
    this.window = this.initialWindow;
    this.minSsthresh = ctx.params.minSsthresh ?? 2 * ctx.mss;
    this.minCwnd = ctx.params.minCwnd ?? 2 * ctx.mss;
    this.lossWindow = ctx.params.minCwnd ?? ctx.mss;
    this.growOnlyWhenFull = ctx.params.growOnlyWhenCwndFull === true;
    this.slowStartBound = Math.min(opts.abcLimit * ctx.mss, ctx.params.slowStartIncreaseLimit ?? Infinity);
  }

  /** Congestion window in bytes (RFC 5681 §2). */
  get cwnd(): number {
    return this.window;
  }
  /** Slow-start threshold in bytes (RFC 5681 §2). */
  get ssthresh(): number {
    return this.threshold;
  }
  /** Current phase. */
  get phase(): CongestionPhase {
    return this.state;
  }

  /** True while `bytesInFlight < cwnd` (RFC 5681 §3.1). */
  canSend(bytesInFlight: number): boolean {
    return bytesInFlight < this.window;
  }

  /** Records the send time (round tracking for HyStart++ and recovery epochs). */
  onPacketSent(ev: PacketSentEvent): void {
    if (ev.now > this.lastSentAt) this.lastSentAt = ev.now;
  }

  /** Starts a new ACK. */
  onAckBegin(now: number): void {
    void now;
    this.eligibleAcked = 0;
    this.largestAckedSentAt = -Infinity;
  }

  /**
   * Counts bytes of packets sent after the recovery epoch began (only those
   * grow cwnd). After an RTO every acknowledged byte counts: the sender
   * slow-starts from the loss window, and the first retransmission usually
   * leaves at the instant the timer fired.
   */
  onPacketAcked(p: AckedPacket): void {
    if (p.sentAt > this.largestAckedSentAt) this.largestAckedSentAt = p.sentAt;
    if (p.sentAt > this.recoveryStartAt || this.state === 'loss') this.eligibleAcked += p.bytes;
  }

  /** Leaves recovery when new data is acked, then grows cwnd (slow start or avoidance). */
  onAckEnd(s: AckSummary): void {
    const acked = this.eligibleAcked;
    this.eligibleAcked = 0;
    if (!s.inRecovery) this.afterTimeout = false;
    if (acked <= 0) return;
    if (this.state === 'recovery') {
      if (s.inRecovery) return;
      this.setPhase(this.window < this.threshold ? 'slow-start' : 'avoidance', s.now);
    } else if (this.state === 'loss') {
      // After an RTO the sender slow-starts (RFC 5681 §3.1); Linux grows cwnd in CA_Loss too.
      this.setPhase(this.window < this.threshold ? 'slow-start' : 'avoidance', s.now);
    } else if (s.inRecovery && !this.afterTimeout) {
      return;
    }
    if (s.appLimited || (this.growOnlyWhenFull && s.priorBytesInFlight + this.mss <= this.window)) {
      this.onAppLimited(s.now);
      return;
    }
    let rest = acked;
    if (this.window < this.threshold) {
      rest = this.slowStart(acked, s);
      if (this.state === 'slow-start' && this.window >= this.threshold) this.setPhase('avoidance', s.now);
    }
    if (rest > 0 && this.window >= this.threshold) this.congestionAvoidance(rest, s.now);
  }

  /**
   * Reduces once per recovery epoch (RFC 6582 §3.2 step 2 / RFC 5681 eq. 4): an
   * event for a packet sent before the current epoch began is ignored.
   */
  onCongestionEvent(ev: CongestionEvent): void {
    if (ev.largestLostSentAt <= this.recoveryStartAt) return;
    if (ev.persistent) {
      this.onRetransmissionTimeout({ now: ev.now, bytesInFlight: ev.bytesInFlight });
      return;
    }
    this.saveCheckpoint();
    this.opts.hystart?.finish();
    this.afterTimeout = false;
    this.recoveryStartAt = ev.now;
    this.bytesAcked = 0;
    this.reductions++;
    this.reduce(ev.bytesInFlight, ev.now);
    this.setPhase('recovery', ev.now);
  }

  /** Explicit end of the recovery episode. */
  onRecoveryEnd(now: number): void {
    if (this.state === 'recovery') this.setPhase(this.window < this.threshold ? 'slow-start' : 'avoidance', now);
  }

  /**
   * RTO (RFC 5681 §3.1 eq. 4): ssthresh from FlightSize, cwnd = loss window.
   * A repeated timeout before any new ACK keeps ssthresh.
   */
  onRetransmissionTimeout(ev: RtoEvent): void {
    this.opts.hystart?.finish();
    if (this.state !== 'loss') {
      this.saveCheckpoint();
      this.reductions++;
      this.reduce(ev.bytesInFlight, ev.now);
    }
    this.window = this.lossWindow;
    this.afterTimeout = true;
    this.recoveryStartAt = ev.now;
    this.bytesAcked = 0;
    this.setPhase('loss', ev.now);
  }

  /** Undo the last reduction (RFC 9438 §4.9; Linux `undo_cwnd`): cwnd and ssthresh return to their prior values. */
  onSpuriousCongestion(now: number): void {
    const cp = this.checkpoint;
    if (!this.opts.undo || cp === undefined) return;
    this.checkpoint = undefined;
    this.window = Math.max(this.window, cp.cwnd);
    this.threshold = Math.max(this.threshold, cp.ssthresh);
    this.bytesAcked = 0;
    this.restore(now);
    this.setPhase(cp.phase === 'recovery' || cp.phase === 'loss' ? this.basePhase() : cp.phase, now);
  }

  /** Restart after idle (RFC 5681 §4.1): cwnd = min(cwnd, RW) with RW = min(IW, cwnd). */
  onIdleRestart(now: number): void {
    const rw = Math.min(this.initialWindow, this.window);
    if (this.window > rw) this.window = rw;
    this.bytesAcked = 0;
    this.onIdle(now);
    if (this.state === 'slow-start' || this.state === 'avoidance') this.setPhase(this.basePhase(), now);
  }

  /** Rescales byte quantities kept in segments to a new MSS. */
  onMtuChange(mss: number): void {
    if (!(mss > 0) || mss === this.mss) return;
    const ratio = mss / this.mss;
    this.window = Math.max(this.window * ratio, mss);
    if (this.threshold !== Infinity) this.threshold *= ratio;
    this.initialWindow = this.paramsIw ?? defaultInitialWindow(mss);
    this.minSsthresh = this.ctx.params.minSsthresh ?? 2 * mss;
    this.minCwnd = this.ctx.params.minCwnd ?? 2 * mss;
    this.lossWindow = this.ctx.params.minCwnd ?? mss;
    this.onMssRescale(ratio);
    this.mss = mss;
  }

  /** JSON-serialisable state: controller, phase, cwnd, ssthresh (`'inf'` before the first reduction) and extras. */
  snapshot(): CongestionSnapshot {
    return {
      controller: this.name,
      phase: this.state,
      cwnd: this.window,
      ssthresh: this.threshold === Infinity ? 'inf' : this.threshold,
      reductions: this.reductions,
      ...this.extraSnapshot(),
    };
  }

  /**
   * Slow start (RFC 5681 §3.1 with RFC 3465 §2.2 L): cwnd += min(N, L·SMSS),
   * or the transport's `slowStartIncreaseLimit` when smaller, never past ssthresh. HyStart++ (if enabled, initial slow start only) may
   * divide the increment or end slow start.
   * @returns bytes left over for congestion avoidance
   */
  protected slowStart(acked: number, s: AckSummary): number {
    const hs = this.opts.hystart;
    let inc = Math.min(acked, this.slowStartBound);
    if (hs !== undefined && hs.active && this.threshold === Infinity) {
      if (hs.onAck(this.largestAckedSentAt, s.rttSample, this.lastSentAt) === 'exit') {
        this.threshold = this.window;
        return 0;
      }
      inc = hs.scaleIncrease(inc);
    }
    const room = this.threshold - this.window;
    if (inc < room) {
      this.window += inc;
      return 0;
    }
    this.window = this.threshold;
    return acked > room ? acked - room : 0;
  }

  /** Phase implied by cwnd and ssthresh. */
  protected basePhase(): CongestionPhase {
    return this.window < this.threshold ? 'slow-start' : 'avoidance';
  }

  /** Changes the phase, emitting `congestion_state_updated` when traced. */
  protected setPhase(phase: CongestionPhase, now: number): void {
    if (phase === this.state) return;
    const old = this.state;
    this.state = phase;
    if (this.ctx.tracer.enabled) {
      this.ctx.tracer.emit('congestion_state_updated', {
        old,
        new: phase,
        cwnd: this.window,
        ssthresh: this.threshold === Infinity ? 'inf' : this.threshold,
        time: now,
      });
    }
  }

  /** Congestion avoidance for `acked` newly acknowledged bytes. */
  protected abstract congestionAvoidance(acked: number, now: number): void;
  /** Multiplicative decrease: set ssthresh and cwnd from `bytesInFlight` (FlightSize). */
  protected abstract reduce(bytesInFlight: number, now: number): void;
  /** Save controller-specific state before a reduction (see {@link LossBasedController.restore}). */
  protected abstract save(): void;
  /** Restore the controller-specific state saved by {@link LossBasedController.save}. */
  protected abstract restore(now: number): void;
  /** An ACK did not grow cwnd because the sender was application-limited. */
  protected onAppLimited(now: number): void {
    void now;
  }
  /** The connection restarted after idle. */
  protected onIdle(now: number): void {
    void now;
  }
  /** The MSS changed by `ratio` (new / old). */
  protected onMssRescale(ratio: number): void {
    void ratio;
  }
  /** Extra snapshot fields. */
  protected extraSnapshot(): CongestionSnapshot {
    return {};
  }

  private saveCheckpoint(): void {
    this.checkpoint = { cwnd: this.window, ssthresh: this.threshold, phase: this.state };
    this.save();
  }
}
