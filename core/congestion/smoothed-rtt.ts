/**
 * RTT smoothing as RFC 6298 §2.2–2.3 (and RFC 9260 §6.3.1 C1–C3) define
 * it: the first sample R sets SRTT = R and RTTVAR = R/2; each later one
 * RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R| and SRTT = 7/8·SRTT + 1/8·R. The
 * {@link RttStats} congestion controllers read; transports add their own
 * RTO rules on top.
 *
 * @module
 */
import type { RttStats } from '../contracts/congestion.js';

/** Smoothed RTT statistics in ms, fed one sample at a time. */
export class SmoothedRtt implements RttStats {
  /** Most recent RTT sample in ms (0 before the first). */
  latest = 0;
  /** SRTT in ms (0 before the first sample). */
  smoothed = 0;
  /** RTTVAR in ms. */
  variance = 0;
  /** Smallest RTT sample in ms. */
  min = Infinity;

  /** Fold in one RTT measurement `r` in ms (ignored unless `r ≥ 0`). */
  sample(r: number): void {
    if (!(r >= 0)) return;
    this.latest = r;
    if (r < this.min) this.min = r;
    if (this.smoothed === 0) {
      this.smoothed = r;
      this.variance = r / 2;
    } else {
      this.variance = 0.75 * this.variance + 0.25 * Math.abs(this.smoothed - r);
      this.smoothed = 0.875 * this.smoothed + 0.125 * r;
    }
  }
}
