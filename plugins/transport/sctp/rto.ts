/**
 * Retransmission timeout calculation (RFC 9260 §6.3.1): SRTT / RTTVAR with
 * RTO.Alpha = 1/8 and RTO.Beta = 1/4, RTO = SRTT + 4·RTTVAR clamped to
 * [RTO.Min, RTO.Max], doubled on each T3-rtx expiry (§6.3.3 E2).
 *
 * @module
 */
import { SmoothedRtt } from '../../../core/congestion/smoothed-rtt.js';

/** RTT estimator and RTO for one destination (RFC 9260 §6.3.1). */
export class RtoEstimator extends SmoothedRtt {
  /** Current RTO in ms. */
  rto: number;

  /**
   * @param rtoInitial - RTO.Initial in ms (RFC 9260 §16: 1000)
   * @param rtoMin - RTO.Min in ms (1000)
   * @param rtoMax - RTO.Max in ms (60000)
   */
  constructor(
    rtoInitial: number,
    private readonly rtoMin: number,
    private readonly rtoMax: number,
  ) {
    super();
    this.rto = rtoInitial;
  }

  /** Feed one RTT measurement `r` in ms (rules C1–C3 of §6.3.1). */
  override sample(r: number): void {
    if (!(r >= 0)) return;
    super.sample(r);
    this.rto = Math.min(this.rtoMax, Math.max(this.rtoMin, this.smoothed + 4 * this.variance));
  }

  /** Double the RTO after a timeout (§6.3.3 E2), up to RTO.Max. */
  backoff(): void {
    this.rto = Math.min(this.rtoMax, this.rto * 2);
  }
}
