/**
 * NewReno written as a quiche-style module (the shape of quiche's
 * `recovery/congestion/reno.rs`), run through the
 * {@link QuicheCongestionAdapter}: per-packet byte counting in slow start
 * and avoidance, one halving per recovery (RFC 6582), checkpoint/rollback
 * for undo. It exists to prove the adapter against the native `reno`.
 *
 * @module
 */
import type { QuicheCongestionOps, QuicheCongestionState } from './quiche.js';

/** Saved state for rollback. */
export interface RenoCheckpoint {
  /** cwnd before the reduction. */
  cwnd: number;
  /** ssthresh before the reduction. */
  ssthresh: number;
  /** Avoidance byte counter before the reduction. */
  bytesAckedCa: number;
  /** Recovery start before the reduction. */
  recoveryStart: number | undefined;
  /** Whether a checkpoint is held. */
  valid: boolean;
}

/** Multiplicative decrease factor (RFC 5681 §3.1 eq. 4). */
const LOSS_REDUCTION_FACTOR = 0.5;

/** Reno as quiche-style ops. */
export const quicheRenoOps: QuicheCongestionOps<RenoCheckpoint> = {
  name: 'reno-quiche',
  createPriv: () => ({ cwnd: 0, ssthresh: 0, bytesAckedCa: 0, recoveryStart: undefined, valid: false }),

  on_packets_acked(r, _bytesInFlight, packets) {
    const mss = r.max_datagram_size;
    // Slow start grows by at most L = 2·SMSS per ACK (RFC 3465 §2.2); one ACK is one batch.
    let budget = 2 * mss;
    for (const p of packets) {
      if (r.in_congestion_recovery(p.time_sent) || r.app_limited) continue;
      let ca = p.size;
      if (r.congestion_window < r.ssthresh) {
        const room = r.ssthresh - r.congestion_window;
        const inc = Math.min(p.size, budget);
        budget -= inc;
        if (inc < room) {
          r.congestion_window += inc;
          continue;
        }
        r.congestion_window = r.ssthresh;
        ca = p.size - room;
        if (ca <= 0) continue;
      }
      r.bytes_acked_ca += ca;
      if (r.bytes_acked_ca >= r.congestion_window) {
        r.bytes_acked_ca -= r.congestion_window;
        r.congestion_window += mss;
      }
    }
  },

  congestion_event(r, bytesInFlight, _lostBytes, largestLostSentAt, now) {
    if (r.in_congestion_recovery(largestLostSentAt)) return;
    r.congestion_recovery_start_time = now;
    r.ssthresh = Math.max(bytesInFlight * LOSS_REDUCTION_FACTOR, r.minimum_ssthresh);
    r.congestion_window = Math.max(r.ssthresh, r.minimum_window);
    r.bytes_acked_ca = 0;
  },

  checkpoint(r: QuicheCongestionState<RenoCheckpoint>) {
    const c = r.priv;
    c.cwnd = r.congestion_window;
    c.ssthresh = r.ssthresh;
    c.bytesAckedCa = r.bytes_acked_ca;
    c.recoveryStart = r.congestion_recovery_start_time;
    c.valid = true;
  },

  rollback(r) {
    const c = r.priv;
    if (!c.valid) return false;
    c.valid = false;
    r.congestion_window = Math.max(r.congestion_window, c.cwnd);
    r.ssthresh = Math.max(r.ssthresh, c.ssthresh);
    r.bytes_acked_ca = c.bytesAckedCa;
    return true;
  },
};
