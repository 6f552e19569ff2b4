/**
 * NewReno written as a Linux-style module (the shape of `tcp_reno` in
 * `net/ipv4/tcp_cong.c`), run through the {@link LinuxCongestionAdapter}.
 * It exists to prove the adapter: on the same run its window stays within
 * one MSS of the native `reno` controller.
 *
 * @module
 */
import type { TcpCongestionOps } from './linux.js';
import { tcp_reno_cong_avoid, tcp_reno_ssthresh, tcp_reno_undo_cwnd } from './linux.js';

/** Reno as `tcp_congestion_ops` (no private state). */
export const tcpRenoOps: TcpCongestionOps<null> = {
  name: 'reno-linux',
  createPriv: () => null,
  ssthresh: tcp_reno_ssthresh,
  cong_avoid: tcp_reno_cong_avoid,
  undo_cwnd: tcp_reno_undo_cwnd,
};
