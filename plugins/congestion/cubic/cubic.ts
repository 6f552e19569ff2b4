/**
 * CUBIC congestion control (RFC 9438) on top of the shared loss-based
 * machinery: the cubic window function with target W_cubic(t + RTT) capped at
 * 1.5·cwnd, the Reno-friendly estimate W_est, concave and convex regions,
 * β_cubic = 0.7 reductions with fast convergence, RTO handling, undo, and
 * the application-limited epoch shift (RFC 9438 §5.8). Slow start is Reno's,
 * with HyStart++ (RFC 9406) when enabled.
 *
 * @module
 */
import type { CongestionContext, CongestionSnapshot } from '../../../core/contracts/congestion.js';
import type { LossBasedOptions } from '../reno/loss-based.js';
import { LossBasedController } from '../reno/loss-based.js';
import { ALPHA_CUBIC, BETA_CUBIC, CUBIC_C, TARGET_CAP, cubicK, wCubic } from './math.js';

/** CUBIC-specific options. */
export interface CubicOptions extends LossBasedOptions {
  /** Fast convergence (RFC 9438 §4.7). */
  readonly fastConvergence: boolean;
  /** Use the Reno-friendly region (RFC 9438 §4.3). */
  readonly renoFriendly: boolean;
}

interface CubicState {
  wMax: number;
  k: number;
  epochStart: number;
  cwndEpoch: number;
  wEst: number;
  cwndPrior: number;
}

/** A CUBIC controller (bytes and ms; W_max, W_est and cwnd_epoch kept in bytes). */
export class Cubic extends LossBasedController {
  /** `'cubic'`. */
  protected readonly name = 'cubic';
  /** W_max in bytes: the window before the last reduction (RFC 9438 §4.1). */
  wMax = 0;
  /** K in seconds (RFC 9438 §4.2 eq. 2). */
  k = 0;
  /** Start of the current congestion-avoidance epoch in ms, or -1 when none (RFC 9438 §4.1 t_epoch). */
  epochStart = -1;
  /** cwnd at the start of the epoch in bytes (RFC 9438 §4.1 cwnd_epoch). */
  cwndEpoch = 0;
  /** Reno-friendly window estimate in bytes (RFC 9438 §4.3 W_est). */
  wEst = 0;
  /** cwnd before the last reduction in bytes (RFC 9438 §4.6 cwnd_prior). */
  cwndPrior = 0;
  private appLimitedSince = -1;
  private saved: CubicState | undefined;

  /**
   * @param ctx - controller context
   * @param cubicOpts - CUBIC options
   */
  constructor(
    ctx: CongestionContext,
    private readonly cubicOpts: CubicOptions,
  ) {
    super(ctx, cubicOpts);
  }

  /**
   * Per-ACK growth in congestion avoidance (RFC 9438 §4.2–§4.5): target =
   * W_cubic(t + RTT) clamped to [cwnd, 1.5·cwnd], cwnd += (target − cwnd)/cwnd
   * per acked segment; W_est += α·acked/cwnd; if W_cubic(t) < W_est then cwnd = W_est.
   */
  protected congestionAvoidance(acked: number, now: number): void {
    const mss = this.mss;
    if (this.epochStart < 0) this.startEpoch(now);
    else if (this.appLimitedSince >= 0) this.epochStart += now - this.appLimitedSince;
    this.appLimitedSince = -1;
    const t = (now - this.epochStart) / 1000;
    const rtt = (this.ctx.rtt.smoothed > 0 ? this.ctx.rtt.smoothed : this.ctx.rtt.latest) / 1000;
    const wMaxSeg = this.wMax / mss;
    let target = wCubic(t + rtt, this.k, wMaxSeg) * mss;
    const cwnd = this.window;
    if (target < cwnd) target = cwnd;
    else if (target > TARGET_CAP * cwnd) target = TARGET_CAP * cwnd;
    const alpha = this.wEst >= this.cwndPrior ? 1 : ALPHA_CUBIC;
    this.wEst += (alpha * acked * mss) / cwnd;
    if (this.cubicOpts.renoFriendly && wCubic(t, this.k, wMaxSeg) * mss < this.wEst) {
      if (this.wEst > cwnd) this.window = this.wEst;
    } else {
      this.window = cwnd + ((target - cwnd) * acked) / cwnd;
    }
  }

  /**
   * Multiplicative decrease with fast convergence (RFC 9438 §4.6–§4.7):
   * cwnd_prior = cwnd; W_max = cwnd, or cwnd·(1 + β)/2 when cwnd < W_max;
   * ssthresh = max(FlightSize·β, 2·SMSS); cwnd = ssthresh; new epoch.
   */
  protected reduce(bytesInFlight: number): void {
    const cwnd = this.window;
    this.cwndPrior = cwnd;
    this.wMax = this.cubicOpts.fastConvergence && cwnd < this.wMax ? (cwnd * (1 + BETA_CUBIC)) / 2 : cwnd;
    this.threshold = Math.max(bytesInFlight * BETA_CUBIC, this.minSsthresh);
    this.window = Math.max(this.threshold, this.minCwnd);
    this.epochStart = -1;
    this.appLimitedSince = -1;
  }

  /** Saves W_max, K, the epoch, W_est and cwnd_prior (RFC 9438 §4.9). */
  protected save(): void {
    this.saved = {
      wMax: this.wMax,
      k: this.k,
      epochStart: this.epochStart,
      cwndEpoch: this.cwndEpoch,
      wEst: this.wEst,
      cwndPrior: this.cwndPrior,
    };
  }

  /** Restores the state saved before the spurious reduction (RFC 9438 §4.9). */
  protected restore(): void {
    const s = this.saved;
    if (s === undefined) return;
    this.saved = undefined;
    this.wMax = s.wMax;
    this.k = s.k;
    this.epochStart = s.epochStart;
    this.cwndEpoch = s.cwndEpoch;
    this.wEst = s.wEst;
    this.cwndPrior = s.cwndPrior;
  }

  /** Application-limited ACK: the epoch is shifted by the time cwnd did not grow (RFC 9438 §5.8). */
  protected override onAppLimited(now: number): void {
    if (this.epochStart >= 0 && this.appLimitedSince < 0) this.appLimitedSince = now;
  }

  /** After idle cwnd was cut back, so a new epoch starts at the next avoidance ACK. */
  protected override onIdle(): void {
    this.epochStart = -1;
    this.appLimitedSince = -1;
  }

  /** Rescales W_max, W_est, cwnd_epoch and cwnd_prior. */
  protected override onMssRescale(ratio: number): void {
    this.wMax *= ratio;
    this.wEst *= ratio;
    this.cwndEpoch *= ratio;
    this.cwndPrior *= ratio;
  }

  /** `wMax`, `k`, `wEst`, `epochStart` and the HyStart++ state. */
  protected override extraSnapshot(): CongestionSnapshot {
    return {
      wMax: this.wMax,
      k: this.k,
      wEst: this.wEst,
      epochStart: this.epochStart,
      hystart: this.opts.hystart?.state ?? 'off',
    };
  }

  /**
   * Starts an epoch (RFC 9438 §4.2): cwnd_epoch = cwnd, W_est = cwnd, and
   * K from W_max; when cwnd ≥ W_max (no prior loss, or already above it)
   * W_max = cwnd and K = 0.
   */
  private startEpoch(now: number): void {
    this.epochStart = now;
    this.cwndEpoch = this.window;
    this.wEst = this.window;
    if (this.wMax <= this.window) {
      this.wMax = this.window;
      this.k = 0;
    } else {
      this.k = cubicK(this.wMax / this.mss, this.window / this.mss, CUBIC_C);
    }
  }
}
