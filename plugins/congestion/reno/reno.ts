/**
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance
 * with appropriate byte counting (RFC 3465), multiplicative decrease by half
 * once per window of data (RFC 6582), loss window after RTO, restart after
 * idle and undo of spurious reductions (see {@link LossBasedController}).
 *
 * @module
 */
import type { CongestionContext, CongestionSnapshot } from '../../../core/contracts/congestion.js';
import type { LossBasedOptions } from './loss-based.js';
import { LossBasedController } from './loss-based.js';

/** Multiplicative decrease factor: ssthresh = FlightSize / 2 (RFC 5681 §3.1 eq. 4). */
export const RENO_BETA = 0.5;

/** A NewReno controller (bytes and ms). */
export class Reno extends LossBasedController {
  /** `'reno'`. */
  protected readonly name = 'reno';
  private savedBytesAcked = 0;

  /**
   * @param ctx - controller context
   * @param opts - shared options (ABC limit, undo, optional HyStart++)
   */
  constructor(ctx: CongestionContext, opts: LossBasedOptions) {
    super(ctx, opts);
  }

  /**
   * Congestion avoidance by byte counting (RFC 3465 §2.1): bytes_acked grows
   * by the acked bytes; each time it reaches cwnd, cwnd grows by one SMSS.
   */
  protected congestionAvoidance(acked: number): void {
    this.bytesAcked += acked;
    if (this.bytesAcked >= this.window) {
      this.bytesAcked -= this.window;
      this.window += this.mss;
    }
  }

  /** ssthresh = max(FlightSize · {@link RENO_BETA}, 2·SMSS); cwnd = ssthresh (RFC 5681 eq. 4, RFC 6582 §3.2). */
  protected reduce(bytesInFlight: number): void {
    this.threshold = Math.max(bytesInFlight * RENO_BETA, this.minSsthresh);
    this.window = Math.max(this.threshold, this.minCwnd);
  }

  /** Saves the CA byte counter. */
  protected save(): void {
    this.savedBytesAcked = this.bytesAcked;
  }

  /** Restores the CA byte counter. */
  protected restore(): void {
    this.bytesAcked = this.savedBytesAcked;
  }

  /** `bytesAcked` (RFC 3465 bytes_acked). */
  protected override extraSnapshot(): CongestionSnapshot {
    return { bytesAcked: this.bytesAcked };
  }
}
