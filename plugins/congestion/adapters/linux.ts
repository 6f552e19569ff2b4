/**
 * Porting adapter for Linux-style congestion modules (`struct
 * tcp_congestion_ops`). A ported module implements `ssthresh`, `cong_avoid`
 * and optionally `init`, `pkts_acked`, `set_state`, `cwnd_event` and
 * `undo_cwnd` against a {@link TcpSock} view whose windows are in segments,
 * as in the kernel; the adapter turns the contract's byte events into those
 * calls and runs the recovery state machine (Open / Recovery / Loss) that
 * `tcp_input.c` runs around the module.
 *
 * Deliberate differences from the kernel: windows may be fractional when the
 * MSS changes; cwnd drops to ssthresh at once on entering recovery (loss
 * recovery and PRR stay in the transport); restart after idle follows
 * RFC 5681 §4.1 (cwnd = min(IW, cwnd)) and then calls `cwnd_event('CWND_RESTART')`;
 * an undo also restores `snd_cwnd_cnt`; cwnd does not grow while the
 * transport reports recovery, except in the Loss state (slow start after RTO).
 *
 * @module
 */
import type {
  AckSummary,
  AckedPacket,
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionEvent,
  CongestionPhase,
  CongestionSnapshot,
  PacketSentEvent,
  RtoEvent,
} from '../../../core/contracts/congestion.js';
import { defaultInitialWindow } from '../../../core/contracts/congestion.js';
import type { TcpCaState, TcpCongestionOps, TcpSock } from './linux-ops.js';
import { tcp_reno_undo_cwnd } from './linux-ops.js';

/** Mutable socket state kept by the adapter. */
class Sock<P> implements TcpSock<P> {
  snd_cwnd: number;
  snd_ssthresh = Infinity;
  snd_cwnd_cnt = 0;
  prior_cwnd = 0;
  prior_ssthresh = 0;
  ca_state: TcpCaState = 'Open';
  is_cwnd_limited = true;
  inFlightBytes = 0;
  mss_cache: number;
  priv: P;

  constructor(
    private readonly ctx: CongestionContext,
    iwSegments: number,
    priv: P,
  ) {
    this.mss_cache = ctx.mss;
    this.snd_cwnd = iwSegments;
    this.priv = priv;
  }
  get srtt_ms(): number {
    return this.ctx.rtt.smoothed;
  }
  get min_rtt_ms(): number {
    return this.ctx.rtt.min;
  }
  get now(): number {
    return this.ctx.clock.now();
  }
  get packets_in_flight(): number {
    return this.inFlightBytes / this.mss_cache;
  }
}

/** A {@link CongestionController} running a Linux-style module. */
export class LinuxCongestionAdapter<P> implements CongestionController {
  private readonly tp: Sock<P>;
  private recoveryStartAt = -Infinity;
  private eligibleBytes = 0;
  private ackedBytesCarry = 0;
  private eligibleCarry = 0;
  private ackedThisAck = 0;
  private lastRtt = -1;
  private undoPossible = false;
  private priorCwndCnt = 0;
  private readonly iwBytes: number;

  /**
   * @param ops - the ported module
   * @param ctx - controller context
   */
  constructor(
    private readonly ops: TcpCongestionOps<P>,
    private readonly ctx: CongestionContext,
  ) {
    this.iwBytes = ctx.params.initialWindow ?? defaultInitialWindow(ctx.mss);
    this.tp = new Sock(ctx, this.iwBytes / ctx.mss, ops.createPriv());
    ops.init?.(this.tp);
  }

  /** cwnd in bytes (segments × MSS). */
  get cwnd(): number {
    return this.tp.snd_cwnd * this.tp.mss_cache;
  }
  /** ssthresh in bytes. */
  get ssthresh(): number {
    return this.tp.snd_ssthresh * this.tp.mss_cache;
  }
  /** Phase from the CA state. */
  get phase(): CongestionPhase {
    const st = this.tp.ca_state;
    if (st === 'Recovery' || st === 'CWR') return 'recovery';
    if (st === 'Loss') return 'loss';
    return this.tp.snd_cwnd < this.tp.snd_ssthresh ? 'slow-start' : 'avoidance';
  }
  /** The socket view (for tests and traces). */
  get sock(): TcpSock<P> {
    return this.tp;
  }

  /** True while `bytesInFlight < cwnd`. */
  canSend(bytesInFlight: number): boolean {
    return bytesInFlight < this.cwnd;
  }

  /** `cwnd_event('TX_START')` when sending starts from an empty pipe. */
  onPacketSent(ev: PacketSentEvent): void {
    if (ev.bytesInFlight === 0) this.ops.cwnd_event?.(this.tp, 'TX_START');
    this.tp.inFlightBytes = ev.bytesInFlight + ev.bytes;
  }

  /** Starts an ACK. */
  onAckBegin(now: number): void {
    void now;
    this.eligibleBytes = 0;
    this.ackedThisAck = 0;
  }

  /** Counts acknowledged bytes (those sent after the recovery began grow cwnd). */
  onPacketAcked(p: AckedPacket): void {
    this.ackedThisAck += p.bytes;
    if (p.sentAt > this.recoveryStartAt || this.tp.ca_state === 'Loss') this.eligibleBytes += p.bytes;
  }

  /** `pkts_acked`, leaving Recovery when appropriate, then `cong_avoid` with acked segments. */
  onAckEnd(s: AckSummary): void {
    const tp = this.tp;
    tp.inFlightBytes = s.bytesInFlight;
    this.lastRtt = s.rttSample ?? -1;
    const total = this.ackedBytesCarry + this.ackedThisAck;
    const segs = Math.floor(total / tp.mss_cache);
    this.ackedBytesCarry = total - segs * tp.mss_cache;
    this.ops.pkts_acked?.(tp, { pkts_acked: segs, rtt_ms: this.lastRtt, in_flight: s.priorBytesInFlight / tp.mss_cache });
    const eligible = this.eligibleBytes;
    this.eligibleBytes = 0;
    if (eligible <= 0) return;
    if (tp.ca_state === 'Recovery' || tp.ca_state === 'CWR') {
      if (s.inRecovery) return;
      this.setState('Open');
    } else if (s.inRecovery && tp.ca_state !== 'Loss') {
      // e.g. after an undo while the transport is still recovering (tcp_may_raise_cwnd)
      return;
    }
    tp.is_cwnd_limited =
      !s.appLimited &&
      !(this.ctx.params.growOnlyWhenCwndFull === true && s.priorBytesInFlight + tp.mss_cache <= this.cwnd);
    const eligibleTotal = this.eligibleCarry + eligible;
    const ackedSegs = Math.floor(eligibleTotal / tp.mss_cache);
    this.eligibleCarry = eligibleTotal - ackedSegs * tp.mss_cache;
    if (ackedSegs > 0) this.ops.cong_avoid(tp, ackedSegs);
    this.clampCwnd(1);
    if (tp.ca_state === 'Loss' && !s.inRecovery) this.setState('Open');
  }

  /** Enter Recovery once per epoch: `ssthresh()`, cwnd = ssthresh, `set_state('Recovery')`. */
  onCongestionEvent(ev: CongestionEvent): void {
    if (ev.largestLostSentAt <= this.recoveryStartAt) return;
    if (ev.persistent) {
      this.onRetransmissionTimeout({ now: ev.now, bytesInFlight: ev.bytesInFlight });
      return;
    }
    const tp = this.tp;
    this.saveUndo();
    this.recoveryStartAt = ev.now;
    tp.inFlightBytes = ev.bytesInFlight;
    if (ev.cause === 'ecn-ce') this.ops.cwnd_event?.(tp, 'ECN_IS_CE');
    this.setSsthresh();
    tp.snd_cwnd = Math.max(tp.snd_ssthresh, 2);
    this.clampCwnd(2);
    tp.snd_cwnd_cnt = 0;
    this.setState(ev.cause === 'ecn-ce' ? 'CWR' : 'Recovery');
  }

  /** Explicit end of recovery: `set_state('Open')`. */
  onRecoveryEnd(now: number): void {
    void now;
    if (this.tp.ca_state === 'Recovery' || this.tp.ca_state === 'CWR') this.setState('Open');
  }

  /** `tcp_enter_loss`: ssthresh (first timeout only), cwnd = 1 segment, `cwnd_event('LOSS')`, state Loss. */
  onRetransmissionTimeout(ev: RtoEvent): void {
    const tp = this.tp;
    tp.inFlightBytes = ev.bytesInFlight;
    if (tp.ca_state !== 'Loss') {
      this.saveUndo();
      this.setSsthresh();
    }
    tp.snd_cwnd = 1;
    this.clampCwnd(1);
    tp.snd_cwnd_cnt = 0;
    this.recoveryStartAt = ev.now;
    this.ops.cwnd_event?.(tp, 'LOSS');
    this.setState('Loss');
  }

  /** `tcp_undo_cwnd_reduction`: cwnd = `undo_cwnd()`, ssthresh = max(ssthresh, prior_ssthresh). */
  onSpuriousCongestion(now: number): void {
    void now;
    if (!this.undoPossible) return;
    this.undoPossible = false;
    const tp = this.tp;
    tp.snd_cwnd = this.ops.undo_cwnd !== undefined ? this.ops.undo_cwnd(tp) : tcp_reno_undo_cwnd(tp);
    if (tp.prior_ssthresh > tp.snd_ssthresh) tp.snd_ssthresh = tp.prior_ssthresh;
    tp.snd_cwnd_cnt = this.priorCwndCnt;
    this.setState('Open');
  }

  /** RFC 5681 §4.1 restart window, then `cwnd_event('CWND_RESTART')`. */
  onIdleRestart(now: number): void {
    void now;
    const tp = this.tp;
    tp.snd_cwnd = Math.min(tp.snd_cwnd, this.iwBytes / tp.mss_cache);
    tp.snd_cwnd_cnt = 0;
    this.ops.cwnd_event?.(tp, 'CWND_RESTART');
  }

  /** Keeps cwnd in segments; only the segment size changes. */
  onMtuChange(mss: number): void {
    if (mss > 0) this.tp.mss_cache = mss;
  }

  /** Name, state, windows in bytes and segments. */
  snapshot(): CongestionSnapshot {
    const tp = this.tp;
    return {
      controller: this.ops.name,
      phase: this.phase,
      caState: tp.ca_state,
      cwnd: this.cwnd,
      ssthresh: tp.snd_ssthresh === Infinity ? 'inf' : this.ssthresh,
      snd_cwnd: tp.snd_cwnd,
      snd_cwnd_cnt: tp.snd_cwnd_cnt,
    };
  }

  /** ssthresh from the module, bounded below by 2 segments and params.minSsthresh. */
  private setSsthresh(): void {
    const tp = this.tp;
    const min = (this.ctx.params.minSsthresh ?? 0) / tp.mss_cache;
    tp.snd_ssthresh = Math.max(this.ops.ssthresh(tp), 2, min);
  }

  /** cwnd at least `segments` and params.minCwnd. */
  private clampCwnd(segments: number): void {
    const tp = this.tp;
    const min = Math.max(segments, (this.ctx.params.minCwnd ?? 0) / tp.mss_cache);
    if (tp.snd_cwnd < min) tp.snd_cwnd = min;
  }

  private saveUndo(): void {
    this.tp.prior_cwnd = this.tp.snd_cwnd;
    this.tp.prior_ssthresh = this.tp.snd_ssthresh;
    this.priorCwndCnt = this.tp.snd_cwnd_cnt;
    this.undoPossible = true;
  }

  private setState(state: TcpCaState): void {
    if (state === this.tp.ca_state) return;
    this.ops.set_state?.(this.tp, state);
    const old = this.tp.ca_state;
    this.tp.ca_state = state;
    if (this.ctx.tracer.enabled) {
      this.ctx.tracer.emit('congestion_state_updated', { old, new: state, cwnd: this.cwnd, controller: this.ops.name });
    }
  }
}

/** A factory running `ops` through the Linux adapter. */
export function linuxCongestionFactory<P>(ops: TcpCongestionOps<P>): CongestionControllerFactory {
  return { create: (ctx) => new LinuxCongestionAdapter(ops, ctx) };
}
