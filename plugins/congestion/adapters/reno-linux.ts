/**
 * NewReno written as a Linux-style module (the shape of `tcp_reno` in
 * `net/ipv4/tcp_cong.c`), run through the {@link LinuxCongestionAdapter}.
 * It exists to prove the adapter: on the same run its window stays within
 * one MSS of the native `reno` controller.
 *
 * Two deliberate differences from the kernel's `tcp_reno`, both to follow
 * the RFCs as the native controller does: slow start grows by at most
 * L = 2 segments per ACK (RFC 3465 §2.2; the kernel has no such limit), and
 * ssthresh is half the FlightSize (RFC 5681 §3.1 eq. 4; the kernel halves
 * cwnd, which `tcp_reno_ssthresh` still provides).
 *
 * @module
 */
import type { TcpCongestionOps, TcpSock } from './linux-ops.js';
import { tcp_cong_avoid_ai, tcp_in_slow_start, tcp_reno_undo_cwnd } from './linux-ops.js';

/** Appropriate Byte Counting limit L in segments per ACK (RFC 3465 §2.2). */
const ABC_L = 2;

/** `tcp_reno_cong_avoid` with the RFC 3465 per-ACK limit in slow start. */
function renoCongAvoid(tp: TcpSock<null>, acked: number): void {
  if (!tp.is_cwnd_limited) return;
  if (tcp_in_slow_start(tp)) {
    const room = tp.snd_ssthresh - tp.snd_cwnd;
    const inc = Math.min(acked, ABC_L);
    if (inc < room) {
      tp.snd_cwnd += inc;
      return;
    }
    tp.snd_cwnd = tp.snd_ssthresh;
    acked -= room;
    if (acked <= 0) return;
  }
  tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}

/** ssthresh = max(FlightSize / 2, 2) segments (RFC 5681 §3.1 eq. 4). */
function renoSsthresh(tp: TcpSock<null>): number {
  return Math.max(tp.packets_in_flight / 2, 2);
}

/** Reno as `tcp_congestion_ops` (no private state). */
export const tcpRenoOps: TcpCongestionOps<null> = {
  name: 'reno-linux',
  createPriv: () => null,
  ssthresh: renoSsthresh,
  cong_avoid: renoCongAvoid,
  undo_cwnd: tcp_reno_undo_cwnd,
};
