/**
 * TCP Vegas (Brakmo and Peterson, 1994; the shape of Linux `tcp_vegas.c`),
 * written directly against the congestion contract as an example of a
 * custom, delay-based controller.
 *
 * Once per round trip Vegas compares the expected rate (cwnd / BaseRTT)
 * with the actual one (cwnd / RTT) and estimates the segments it keeps
 * queued at the bottleneck: diff = cwnd · (RTT − BaseRTT) / BaseRTT. In
 * congestion avoidance it adds a segment when diff < α, removes one when
 * diff > β, and holds otherwise; slow start ends as soon as diff > γ. As
 * in the paper, slow start grows the window only every other round trip and
 * holds it in between, so that each check measures the queue of a window
 * that stood for a whole round (per-ACK growth doubles the window within the
 * round being measured and overshoots). Loss and timeouts are handled like
 * NewReno.
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
} from '../../core/contracts/congestion.js';
import { defaultInitialWindow } from '../../core/contracts/congestion.js';

/** Vegas thresholds in segments. */
export interface VegasOptions {
  /** Grow when fewer than α segments are queued. */
  readonly alpha: number;
  /** Shrink when more than β segments are queued. */
  readonly beta: number;
  /** Leave slow start when more than γ segments are queued. */
  readonly gamma: number;
}

/** The Vegas controller (bytes and ms). */
export class Vegas implements CongestionController {
  private window: number;
  private threshold = Infinity;
  private state: CongestionPhase = 'slow-start';
  private readonly mss: number;
  private readonly iw: number;
  /** Smallest RTT ever seen, ms (Vegas BaseRTT). */
  private baseRtt = Infinity;
  /** Smallest RTT of the current round, ms. */
  private roundMinRtt = Infinity;
  private roundSamples = 0;
  private roundEnd = -Infinity;
  private lastSentAt = -Infinity;
  private recoveryStartAt = -Infinity;
  private eligible = 0;
  private largestAckedSentAt = -Infinity;
  private bytesAcked = 0;
  private saved: { cwnd: number; ssthresh: number } | undefined;
  /** Last queue estimate in segments. */
  private diff = 0;
  /** Slow start: whether this round grows the window (every other round does). */
  private ssGrow = true;

  /**
   * @param ctx - controller context
   * @param opts - thresholds
   */
  constructor(
    private readonly ctx: CongestionContext,
    private readonly opts: VegasOptions,
  ) {
    this.mss = ctx.mss;
    this.iw = ctx.params.initialWindow ?? defaultInitialWindow(ctx.mss);
    this.window = this.iw;
  }

  /** Congestion window in bytes. */
  get cwnd(): number {
    return this.window;
  }
  /** Slow-start threshold in bytes. */
  get ssthresh(): number {
    return this.threshold;
  }
  /** Current phase. */
  get phase(): CongestionPhase {
    return this.state;
  }

  /** True while `bytesInFlight < cwnd`. */
  canSend(bytesInFlight: number): boolean {
    return bytesInFlight < this.window;
  }

  /** Remembers the newest send time (round boundaries). */
  onPacketSent(ev: PacketSentEvent): void {
    if (ev.now > this.lastSentAt) this.lastSentAt = ev.now;
  }

  /** Starts an ACK. */
  onAckBegin(now: number): void {
    void now;
    this.eligible = 0;
    this.largestAckedSentAt = -Infinity;
  }

  /** Counts bytes sent after the last reduction. */
  onPacketAcked(p: AckedPacket): void {
    if (p.sentAt > this.largestAckedSentAt) this.largestAckedSentAt = p.sentAt;
    if (p.sentAt > this.recoveryStartAt || this.state === 'loss') this.eligible += p.bytes;
  }

  /** RTT bookkeeping every ACK; the Vegas decision once per round trip; Reno-style slow start per ACK. */
  onAckEnd(s: AckSummary): void {
    const r = s.rttSample;
    if (r !== undefined && r > 0) {
      if (r < this.baseRtt) this.baseRtt = r;
      if (r < this.roundMinRtt) this.roundMinRtt = r;
      this.roundSamples++;
    }
    const acked = this.eligible;
    if (acked <= 0) return;
    if (this.state === 'recovery' || this.state === 'loss') {
      if (s.inRecovery && this.state === 'recovery') return;
      this.state = this.window < this.threshold ? 'slow-start' : 'avoidance';
    } else if (s.inRecovery) {
      return;
    }
    if (s.appLimited) return;
    if (this.largestAckedSentAt > this.roundEnd) {
      this.endOfRound();
      this.roundEnd = this.lastSentAt;
    }
    if (this.state === 'slow-start') {
      if (!this.ssGrow) return;
      this.window = Math.min(this.window + Math.min(acked, 2 * this.mss), this.threshold);
      if (this.window >= this.threshold) this.state = 'avoidance';
    } else if (this.baseRtt === Infinity) {
      // Not enough RTT samples yet: behave like Reno (byte counting).
      this.bytesAcked += acked;
      if (this.bytesAcked >= this.window) {
        this.bytesAcked -= this.window;
        this.window += this.mss;
      }
    }
  }

  /** NewReno reduction, once per recovery epoch. */
  onCongestionEvent(ev: CongestionEvent): void {
    if (ev.largestLostSentAt <= this.recoveryStartAt) return;
    this.saved = { cwnd: this.window, ssthresh: this.threshold };
    this.recoveryStartAt = ev.now;
    this.threshold = Math.max(ev.bytesInFlight / 2, this.ctx.params.minSsthresh ?? 2 * this.mss);
    this.window = Math.max(this.threshold, this.ctx.params.minCwnd ?? 2 * this.mss);
    this.state = ev.persistent ? 'loss' : 'recovery';
    if (ev.persistent) this.window = this.ctx.params.minCwnd ?? this.mss;
  }

  /** Recovery ended. */
  onRecoveryEnd(now: number): void {
    void now;
    if (this.state === 'recovery') this.state = this.window < this.threshold ? 'slow-start' : 'avoidance';
  }

  /** RTO: ssthresh = FlightSize / 2, cwnd = one segment. */
  onRetransmissionTimeout(ev: RtoEvent): void {
    if (this.state !== 'loss') {
      this.saved = { cwnd: this.window, ssthresh: this.threshold };
      this.threshold = Math.max(ev.bytesInFlight / 2, this.ctx.params.minSsthresh ?? 2 * this.mss);
    }
    this.window = this.ctx.params.minCwnd ?? this.mss;
    this.recoveryStartAt = ev.now;
    this.state = 'loss';
  }

  /** Restores the window saved before the last reduction. */
  onSpuriousCongestion(now: number): void {
    void now;
    const s = this.saved;
    if (s === undefined) return;
    this.saved = undefined;
    this.window = Math.max(this.window, s.cwnd);
    this.threshold = Math.max(this.threshold, s.ssthresh);
    this.state = this.window < this.threshold ? 'slow-start' : 'avoidance';
  }

  /** RFC 5681 §4.1 restart window; the RTT history is kept. */
  onIdleRestart(now: number): void {
    void now;
    this.window = Math.min(this.window, this.iw);
  }

  /** Name, phase, windows, BaseRTT and the queue estimate. */
  snapshot(): CongestionSnapshot {
    return {
      controller: 'vegas',
      phase: this.state,
      cwnd: this.window,
      ssthresh: this.threshold === Infinity ? 'inf' : this.threshold,
      baseRtt: this.baseRtt === Infinity ? -1 : this.baseRtt,
      diff: this.diff,
    };
  }

  /** The once-per-RTT Vegas decision. */
  private endOfRound(): void {
    const rtt = this.roundMinRtt;
    const samples = this.roundSamples;
    this.roundMinRtt = Infinity;
    this.roundSamples = 0;
    const grew = this.ssGrow;
    this.ssGrow = !grew;
    if (samples <= 2 || rtt === Infinity || this.baseRtt === Infinity) return;
    const mss = this.mss;
    const cwndSegs = this.window / mss;
    const diff = (cwndSegs * (rtt - this.baseRtt)) / this.baseRtt;
    this.diff = diff;
    if (this.state === 'slow-start') {
      // Judge only a round whose window was held: a growing round measures a moving target.
      if (!grew && diff > this.opts.gamma) {
        // Leave slow start at the window the path supports, plus one segment.
        const target = (cwndSegs * this.baseRtt) / rtt;
        this.window = Math.max(Math.min(this.window, (target + 1) * mss), 2 * mss, this.ctx.params.minCwnd ?? 0);
        this.threshold = Math.max(Math.min(this.threshold, this.window), this.ctx.params.minSsthresh ?? 2 * mss);
        this.state = 'avoidance';
      }
      return;
    }
    if (diff > this.opts.beta) this.window = Math.max(this.window - mss, 2 * mss, this.ctx.params.minCwnd ?? 0);
    else if (diff < this.opts.alpha) this.window += mss;
    if (this.threshold !== Infinity && this.window > this.threshold) this.threshold = this.window;
  }
}
