/**
 * Round-trip time estimation and retransmission timeout (RFC 6298 §2),
 * in milliseconds, exposing the {@link RttStats} view that congestion
 * controllers read.
 *
 * @module
 */
import type { RttStats } from '../../../core/contracts/congestion.js';

/** RFC 6298 §2 estimator: SRTT, RTTVAR and RTO (with backoff). */
export class RttEstimator implements RttStats {
  /** Most recent sample in ms (0 before the first). */
  latest = 0;
  /** SRTT in ms (0 before the first sample). */
  smoothed = 0;
  /** RTTVAR in ms. */
  variance = 0;
  /** Smallest sample in ms (Infinity before the first). */
  min = Infinity;
  /** Current RTO in ms, before backoff (RFC 6298 §2.1: 1 s initially). */
  private baseRto: number;
  /** Exponential backoff exponent (RFC 6298 §5.5). */
  backoff = 0;

  /**
   * @param minRto - lower bound of the RTO in ms (RFC 6298 §2.4 says 1000; 200 is common)
   * @param maxRto - upper bound of the RTO in ms (RFC 6298 §2.5: at least 60 s)
   * @param initialRto - RTO before any sample in ms (RFC 6298 §2.1)
   * @param granularity - clock granularity G in ms
   */
  constructor(
    private readonly minRto: number,
    private readonly maxRto: number,
    initialRto = 1000,
    private readonly granularity = 1,
  ) {
    this.baseRto = initialRto;
  }

  /** Whether at least one sample was taken. */
  get hasSample(): boolean {
    return this.smoothed > 0 || this.latest > 0;
  }

  /** Fold in one RTT measurement `r` ms (RFC 6298 §2.2–2.3). */
  sample(r: number): void {
    if (!(r >= 0)) return;
    if (this.min === Infinity && this.smoothed === 0) {
      this.smoothed = Math.max(r, 0.001);
      this.variance = r / 2;
    } else {
      this.variance = 0.75 * this.variance + 0.25 * Math.abs(this.smoothed - r);
      this.smoothed = 0.875 * this.smoothed + 0.125 * r;
    }
    this.latest = r;
    if (r < this.min) this.min = r;
    this.baseRto = this.smoothed + Math.max(this.granularity, 4 * this.variance);
  }

  /** The RTO to arm now, in ms: clamped base RTO doubled per backoff step (RFC 6298 §2.4–2.5, §5.5). */
  get rto(): number {
    const base = Math.min(this.maxRto, Math.max(this.minRto, this.baseRto));
    return Math.min(this.maxRto, base * 2 ** this.backoff);
  }

  /** RFC 6298 §5.7: after a SYN timed out with no sample, use 3 s for data. */
  resetAfterSynTimeout(): void {
    if (this.smoothed === 0) this.baseRto = Math.max(this.baseRto, 3000);
  }
}
