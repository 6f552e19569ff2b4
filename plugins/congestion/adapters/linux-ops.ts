/**
 * The Linux-style congestion module interface (`struct tcp_congestion_ops`
 * and the `struct tcp_sock` fields modules use, windows in segments) and
 * the kernel's helper functions (`tcp_slow_start`, `tcp_cong_avoid_ai`,
 * Reno's `ssthresh`, `undo_cwnd` and `cong_avoid`), for modules run by the
 * {@link LinuxCongestionAdapter}.
 *
 * @module
 */
import type { LinuxCongestionAdapter } from './linux.js';

/** Linux congestion-avoidance states (`enum tcp_ca_state`). */
export type TcpCaState = 'Open' | 'Disorder' | 'CWR' | 'Recovery' | 'Loss';

/** Events passed to `cwnd_event` (`enum tcp_ca_event`). */
export type TcpCaEvent = 'TX_START' | 'CWND_RESTART' | 'COMPLETE_CWR' | 'LOSS' | 'ECN_NO_CE' | 'ECN_IS_CE';

/** What `pkts_acked` receives (`struct ack_sample`). */
export interface AckSample {
  /** Segments newly acknowledged by this ACK. */
  readonly pkts_acked: number;
  /** RTT sample in ms, or -1 when none. */
  readonly rtt_ms: number;
  /** Segments in flight before this ACK. */
  readonly in_flight: number;
}

/** The socket view a ported module sees (`struct tcp_sock` plus `inet_csk_ca`). Windows in segments, times in ms. */
export interface TcpSock<P> {
  /** Congestion window in segments. */
  snd_cwnd: number;
  /** Slow-start threshold in segments (Infinity = TCP_INFINITE_SSTHRESH). */
  snd_ssthresh: number;
  /** Linear-increase counter used by {@link tcp_cong_avoid_ai}. */
  snd_cwnd_cnt: number;
  /** cwnd before the last reduction (for `undo_cwnd`). */
  prior_cwnd: number;
  /** ssthresh before the last reduction. */
  prior_ssthresh: number;
  /** Current CA state. */
  ca_state: TcpCaState;
  /** Whether cwnd limited the sender on this ACK (`tcp_is_cwnd_limited`). */
  is_cwnd_limited: boolean;
  /** Segment size in bytes. */
  readonly mss_cache: number;
  /** Smoothed RTT in ms (0 before the first sample). */
  readonly srtt_ms: number;
  /** Minimum RTT in ms (Infinity before the first sample). */
  readonly min_rtt_ms: number;
  /** Current time in ms (`tcp_jiffies32` / `tcp_clock_us`). */
  readonly now: number;
  /** Segments in flight (`tcp_packets_in_flight`). */
  readonly packets_in_flight: number;
  /** The module's private state (`inet_csk_ca(sk)`). */
  priv: P;
}

/** A Linux-style congestion module. All windows in segments. */
export interface TcpCongestionOps<P> {
  /** Module name (as in `net.ipv4.tcp_congestion_control`). */
  readonly name: string;
  /** Fresh private state for a connection. */
  createPriv(): P;
  /** Connection initialisation. */
  init?(tp: TcpSock<P>): void;
  /** New ssthresh on entering recovery or loss (required). */
  ssthresh(tp: TcpSock<P>): number;
  /** Grow cwnd for `acked` newly acknowledged segments (required). */
  cong_avoid(tp: TcpSock<P>, acked: number): void;
  /** Per-ACK sample hook. */
  pkts_acked?(tp: TcpSock<P>, sample: AckSample): void;
  /** CA state change hook (called before the state changes, as in the kernel). */
  set_state?(tp: TcpSock<P>, state: TcpCaState): void;
  /** Event hook. */
  cwnd_event?(tp: TcpSock<P>, ev: TcpCaEvent): void;
  /** cwnd to restore after a spurious reduction. */
  undo_cwnd?(tp: TcpSock<P>): number;
}

/** Whether the socket is in slow start (`tcp_in_slow_start`). */
export function tcp_in_slow_start<P>(tp: TcpSock<P>): boolean {
  return tp.snd_cwnd < tp.snd_ssthresh;
}

/**
 * Slow start (`tcp_slow_start`, RFC 5681 §3.1): cwnd grows by the acked
 * segments, up to ssthresh.
 * @returns acked segments left over for congestion avoidance
 */
export function tcp_slow_start<P>(tp: TcpSock<P>, acked: number): number {
  const cwnd = Math.min(tp.snd_cwnd + acked, tp.snd_ssthresh);
  const left = acked - (cwnd - tp.snd_cwnd);
  tp.snd_cwnd = cwnd;
  return left;
}

/**
 * Additive increase (`tcp_cong_avoid_ai`): one segment per `w` acked
 * segments, counted in `snd_cwnd_cnt`.
 */
export function tcp_cong_avoid_ai<P>(tp: TcpSock<P>, w: number, acked: number): void {
  if (tp.snd_cwnd_cnt >= w) {
    tp.snd_cwnd_cnt = 0;
    tp.snd_cwnd += 1;
  }
  tp.snd_cwnd_cnt += acked;
  if (tp.snd_cwnd_cnt >= w) {
    const delta = Math.floor(tp.snd_cwnd_cnt / w);
    tp.snd_cwnd_cnt -= delta * w;
    tp.snd_cwnd += delta;
  }
}

/** Reno's ssthresh (`tcp_reno_ssthresh`): max(cwnd / 2, 2) segments. */
export function tcp_reno_ssthresh<P>(tp: TcpSock<P>): number {
  return Math.max(Math.floor(tp.snd_cwnd / 2), 2);
}

/** Reno's undo (`tcp_reno_undo_cwnd`): max(cwnd, prior_cwnd). */
export function tcp_reno_undo_cwnd<P>(tp: TcpSock<P>): number {
  return Math.max(tp.snd_cwnd, tp.prior_cwnd);
}

/** Reno's window growth (`tcp_reno_cong_avoid`): slow start, then one segment per window. */
export function tcp_reno_cong_avoid<P>(tp: TcpSock<P>, acked: number): void {
  if (!tp.is_cwnd_limited) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (acked === 0) return;
  }
  tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}
