/**
 * One TCP connection: the RFC 9293 §3.3.2 state machine and segment
 * arrival processing (§3.10.7) with the RFC 5961 protections, RFC 7323
 * timestamps/PAWS and the application interface. The send half
 * (retransmission, loss recovery, congestion and flow control) lives in
 * `sender.ts`, the receive half in `receiver.ts`, the wire format in
 * `header.ts` / `options.ts`.
 *
 * @module
 */
import type { SessionInit, TransportContext, TransportSession } from '../../../core/contracts/transport.js';
import type { Timer } from '../../../core/time/clock.js';
import { DecodeError, StateError, TimeoutError } from '../../../core/errors.js';
import { TcpResetError } from './types.js';
import type { TcpSessionHooks, TcpState, TimeWaitInfo } from './types.js';

export { TcpResetError } from './types.js';
export type { TcpSessionHooks, TcpState, TimeWaitInfo, TimeWaitTimestamps } from './types.js';
import { PseudoHeader } from './addresses.js';
import type { TcpConfig } from './config.js';
import { emptyTcpHeader, parseTcpHeader, TcpFlags } from './header.js';
import type { TcpHeader } from './header.js';
import { flagNames, SegmentWriter } from './output.js';
import { ReceiveResult, TcpReceiver } from './receiver.js';
import { TcpSender } from './sender.js';
import { unwrapSeq } from './seq.js';
import { TcpOptionsBuilder } from './segment-options.js';
import { isn } from './isn.js';
import type { SynCookieState } from './syn-cookie.js';

/** How long an orphaned connection may make no progress before it is dropped, ms (like Linux tcp_fin_timeout). */
const ORPHAN_TIMEOUT = 60_000;

const SYNCHRONIZED: ReadonlySet<TcpState> = new Set([
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
]);

const EMPTY = new Uint8Array(0);

/** A TCP connection (sans-IO: driven by `handleDatagram` and its timers). */
export class TcpSession implements TransportSession {
  /** Demux key: remote port · 65536 + local port. */
  readonly demuxKey: number;
  /** Current state. */
  state: TcpState;
  /** Send half. @internal */
  readonly snd: TcpSender;
  /** Receive half. @internal */
  readonly rcv: TcpReceiver;
  /** Segment writer. @internal */
  readonly out: SegmentWriter;
  /** Option builder shared by every outgoing segment. @internal */
  readonly opts: TcpOptionsBuilder;
  /** Drops by reason. */
  readonly drops: Record<string, number> = {};
  /** Segments received (valid checksum and header). */
  segmentsReceived = 0;
  /** Challenge ACKs sent (RFC 5961). */
  challengeAcks = 0;

  private readonly pseudo: PseudoHeader | undefined;
  private readonly seg: TcpHeader = emptyTcpHeader();
  private readonly delAckTimer: Timer;
  private readonly keepTimer: Timer;
  private readonly idleTimer: Timer;
  private closedReported = false;
  /** Released by the application but still finishing its close (see {@link TcpSessionHooks.orphan}). */
  orphaned = false;
  private closeDeferred = false;
  private disposed = false;
  private ackDebt = 0;
  private lastRecvAt: number;
  private keepAliveDelay = 0;
  private keepAliveSent = 0;
  private challengeWindowStart = -Infinity;
  private challengeCount = 0;
  private synRetries = 0;
  private halfOpen = false;
  private opened = false;

  /**
   * @param ctx - the stack side of the session
   * @param init - role and ports
   * @param cfg - validated plugin options
   * @param hooks - protocol hooks (half-open accounting, TIME-WAIT table)
   */
  constructor(
    readonly ctx: TransportContext,
    readonly init: SessionInit,
    readonly cfg: TcpConfig,
    private readonly hooks: TcpSessionHooks = {},
  ) {
    this.demuxKey = init.remotePort * 65536 + init.localPort;
    this.pseudo = cfg.checksum === 'outer' ? new PseudoHeader(ctx.local.address, ctx.peer.address) : undefined;
    this.out = new SegmentWriter(ctx, init.localPort, init.remotePort, this.pseudo, ctx.tracer);
    this.opts = new TcpOptionsBuilder(ctx.clock, ctx.random, cfg);
    this.rcv = new TcpReceiver(
      { deliver: (d) => ctx.deliver(d), remoteEnded: () => this.onRemoteEnded() },
      cfg.receiveBuffer,
    );
    const iss = isn(ctx, init);
    this.snd = new TcpSender(this, iss, ctx.maxDatagramSize - 20);
    this.delAckTimer = ctx.timers.createTimer(() => this.guarded(this.sendAck));
    this.keepTimer = ctx.timers.createTimer(() => this.guarded(this.onKeepAliveTimer));
    this.idleTimer = ctx.timers.createTimer(() => this.guarded(this.onIdleTimer));
    this.lastRecvAt = ctx.clock.now();
    this.state = init.role === 'client' ? 'CLOSED' : 'LISTEN';
    const cookie = init.state as SynCookieState | undefined;
    if (cookie !== undefined && cookie !== null && typeof cookie === 'object' && cookie.kind === 'tcp-syn-cookie') {
      this.restoreFromCookie(cookie);
    } else if (init.role === 'server') {
      this.halfOpen = true;
    }
    if (cfg.idleTimeout > 0) this.idleTimer.arm(this.lastRecvAt + cfg.idleTimeout);
  }

  // ------------------------------------------------------------ application side

  /** Bytes accepted by `write()` and not yet acknowledged. */
  get bufferedAmount(): number {
    return this.snd.buffered;
  }

  /** Client: send the SYN (RFC 9293 §3.10.1). */
  start(): void {
    if (this.init.role !== 'client' || this.state !== 'CLOSED') return;
    this.setState('SYN-SENT');
    this.snd.sendSyn(false);
  }

  /**
   * Queue stream bytes (copied). Returns false once more than `sendBuffer` bytes are buffered; wait for `ctx.writable()`.
   * @throws StateError after `end()` or once the connection closed
   */
  write(data: Uint8Array): boolean {
    if (this.snd.finQueued || this.state === 'CLOSED' || this.state === 'TIME-WAIT' || this.closedReported) {
      throw new StateError('ERR_TCP_WRITE_AFTER_END', `cannot write in state ${this.state}${this.snd.finQueued ? ' after end()' : ''}`);
    }
    return this.snd.write(data);
  }

  /** The application consumed data: deliver what is pending and re-open the window. */
  resume(): void {
    if (this.disposed) return;
    this.rcv.resume();
    if (this.closeDeferred) {
      if (this.rcv.pendingBytes === 0) this.report(undefined);
      return;
    }
    if (SYNCHRONIZED.has(this.state) && this.rcv.windowUpdateDue(this.snd.rcvMss)) this.sendAck();
  }

  /** Half-close: queue a FIN after the buffered data (RFC 9293 §3.10.4). */
  end(): void {
    if (this.snd.finQueued || this.closedReported) return;
    if (this.state === 'CLOSED' && this.snd.buffered === 0) {
      this.finish(undefined); // never started: nothing to close (RFC 9293 §3.10.4)
      return;
    }
    this.snd.finQueued = true;
    if (this.state === 'ESTABLISHED') this.setState('FIN-WAIT-1');
    else if (this.state === 'CLOSE-WAIT') this.setState('LAST-ACK');
    this.snd.trySend();
  }

  /** Abort: send RST in synchronized states and release everything (RFC 9293 §3.10.5). */
  abort(): void {
    if (this.closedReported && !this.orphaned) {
      this.dispose();
      return;
    }
    if (this.orphaned) return;
    // close() semantics after end(): a connection whose sending side was ended and that holds no
    // unread data finishes in the background (FIN retransmissions, TIME-WAIT) instead of being
    // reset. Only without a security layer: after release its segments would bypass it.
    if (
      this.snd.finQueued &&
      !this.ctx.secured &&
      this.rcv.pendingBytes === 0 &&
      this.hooks.orphan !== undefined &&
      (this.state === 'FIN-WAIT-1' || this.state === 'FIN-WAIT-2' || this.state === 'CLOSING' || this.state === 'LAST-ACK')
    ) {
      this.orphaned = true;
      this.closedReported = true; // the application is gone: nothing more to report
      this.hooks.orphan(this);
      this.idleTimer.arm(this.ctx.clock.now() + ORPHAN_TIMEOUT);
      return;
    }
    if (SYNCHRONIZED.has(this.state) || this.state === 'SYN-RECEIVED') {
      this.out.send(this.snd.sndNxt, this.rcv.rcvNxt, TcpFlags.RST | TcpFlags.ACK, 0, undefined);
    }
    this.finish(undefined);
  }

  /** Release timers without sending anything. */
  dispose(): void {
    this.disposed = true;
    this.snd.dispose();
    this.delAckTimer.cancel();
    this.keepTimer.cancel();
    this.idleTimer.cancel();
    if (this.halfOpen) {
      this.halfOpen = false;
      this.hooks.halfOpenEnded?.();
    }
  }

  /** Disable (true) or enable (false) Nagle's algorithm (RFC 9293 §3.7.4). */
  setNoDelay(noDelay: boolean): void {
    this.snd.noDelay = noDelay;
    if (noDelay) this.snd.trySend();
  }

  /** Keepalive probes after `initialDelay` ms idle (RFC 9293 §3.8.4); 0 uses the `keepAliveTime` option. */
  setKeepAlive(enable: boolean, initialDelay: number): void {
    this.keepAliveDelay = enable ? (initialDelay > 0 ? initialDelay : this.cfg.keepAliveTime) : 0;
    this.keepAliveSent = 0;
    if (this.keepAliveDelay > 0) this.keepTimer.arm(this.ctx.clock.now() + this.keepAliveDelay);
    else this.keepTimer.cancel();
  }

  /** JSON-serialisable statistics: state, cwnd, ssthresh, srtt, rttvar, rto (ms), bytes, retransmissions, drops by reason. */
  stats(): Record<string, unknown> {
    return {
      state: this.state,
      ...this.snd.stats(),
      rcvNxt: this.rcv.rcvNxt >>> 0,
      rcvWnd: this.rcv.window,
      bytesReceived: this.rcv.bytesReceived,
      bytesDelivered: this.rcv.bytesDelivered,
      duplicateBytesReceived: this.rcv.duplicateBytes,
      outOfOrderBytes: this.rcv.reasm.bytes,
      segmentsSent: this.out.segmentsSent,
      segmentsReceived: this.segmentsReceived,
      challengeAcks: this.challengeAcks,
      drops: { ...this.drops },
    };
  }

  // ------------------------------------------------------------ SenderHost

  /** @internal Run a timer callback; a bug in it is counted and traced, never thrown into the timer service. */
  guarded(fn: () => void): void {
    try {
      fn.call(this);
    } catch (err) {
      if (this.ctx.tracer.enabled) this.ctx.tracer.emit('internal_error', { message: String(err) });
      this.drop('tcp_internal_error');
    }
  }

  /** @internal Count a drop. */
  drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.ctx.drop(reason);
  }

  /** @internal The window field to send now. */
  windowField(): number {
    return this.rcv.windowField(this.snd.rcvMss);
  }

  /** @internal A segment carrying our ACK went out: delayed ACK satisfied. */
  ackSent(): void {
    this.ackDebt = 0;
    this.delAckTimer.cancel();
    this.opts.lastAckSent = this.rcv.rcvNxt;
  }

  /** @internal Whether the ACK flag may be set (we know the peer's ISN). */
  get haveIrs(): boolean {
    return this.state !== 'SYN-SENT' && this.state !== 'CLOSED' && this.state !== 'LISTEN';
  }

  /** @internal The send half ran out of retries, or the SYN was never answered. */
  failTimeout(what: string): void {
    this.finish(new TimeoutError('ERR_TCP_TIMEOUT', `${what}: no answer from the peer`));
  }

  /** @internal Our FIN was acknowledged (RFC 9293 §3.10.7.4 fifth check). */
  finAcked(): void {
    switch (this.state) {
      case 'FIN-WAIT-1':
        this.setState('FIN-WAIT-2');
        break;
      case 'CLOSING':
        this.enterTimeWait();
        break;
      case 'LAST-ACK':
        this.finish(undefined);
        break;
      default:
        break;
    }
  }

  /** @internal Send buffer fell below the high-water mark. */
  writable(): void {
    if (!this.closedReported) this.ctx.writable();
  }

  // ------------------------------------------------------------ receive path

  /** Handle one incoming segment. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (this.disposed || this.state === 'CLOSED') return;
    try {
      this.receive(payload);
    } catch (err) {
      if (err instanceof DecodeError) this.drop(err.reason);
      else {
        // A bug, never the peer's fault: count it and make it visible in traces.
        if (this.ctx.tracer.enabled) this.ctx.tracer.emit('internal_error', { message: String(err) });
        this.drop('tcp_internal_error');
      }
    }
  }

  private receive(bytes: Uint8Array): void {
    const seg = parseTcpHeader(bytes, this.seg);
    if (this.pseudo !== undefined && !this.pseudo.verify(bytes)) {
      this.drop('tcp_bad_checksum');
      return;
    }
    this.segmentsReceived++;
    const now = this.ctx.clock.now();
    this.lastRecvAt = now;
    this.keepAliveSent = 0;
    const data = bytes.length > seg.headerLength ? bytes.subarray(seg.headerLength) : EMPTY;
    const tracer = this.ctx.tracer;
    if (tracer.enabled) {
      tracer.emit('packet_received', {
        seq: seg.seq,
        ack: seg.ack,
        flags: flagNames(seg.flags),
        window: seg.window,
        length: data.length,
      });
    }
    switch (this.state) {
      case 'LISTEN':
        this.onListen(seg);
        return;
      case 'SYN-SENT':
        this.onSynSent(seg);
        return;
      default:
        this.onSegment(seg, data, now);
    }
  }

  /** RFC 9293 §3.10.7.2: a SYN to the listening (new server) session. */
  private onListen(seg: TcpHeader): void {
    const f = seg.flags;
    if (f & TcpFlags.RST) return;
    if (f & TcpFlags.ACK) {
      this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
      this.finish(undefined);
      return;
    }
    if (!(f & TcpFlags.SYN)) {
      this.finish(undefined);
      return;
    }
    this.rcv.init(seg.seq);
    this.negotiate(seg, false);
    this.setState('SYN-RECEIVED');
    this.snd.sendSyn(true);
  }

  /** RFC 9293 §3.10.7.3: segments while waiting for SYN-ACK. */
  private onSynSent(seg: TcpHeader): void {
    const f = seg.flags;
    const snd = this.snd;
    let ackOk = false;
    if (f & TcpFlags.ACK) {
      const ack = unwrapSeq(seg.ack, snd.sndNxt);
      if (ack <= snd.iss || ack > snd.sndNxt) {
        if (!(f & TcpFlags.RST)) this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
        this.drop('tcp_bad_ack');
        return;
      }
      ackOk = true;
    }
    if (f & TcpFlags.RST) {
      if (ackOk) this.finish(new TcpResetError(true));
      else this.drop('tcp_rst_without_ack');
      return;
    }
    if (!(f & TcpFlags.SYN)) return;
    this.rcv.init(seg.seq);
    this.negotiate(seg, true);
    if (ackOk) {
      snd.onSynAcked(unwrapSeq(seg.ack, snd.sndNxt), seg);
      this.establish();
      this.sendAck();
      snd.trySend();
    } else {
      // Simultaneous open (RFC 9293 §3.5, figure 7).
      this.setState('SYN-RECEIVED');
      snd.sendSyn(true);
    }
  }

  /** Record what the peer's SYN offered (RFC 9293 §3.7.1, RFC 7323, RFC 2018). */
  private negotiate(seg: TcpHeader, synAck: boolean): void {
    const o = seg.options;
    this.opts.negotiate(o, seg.flags, synAck);
    this.rcv.shift = this.opts.rcvShift;
    this.snd.negotiate(o.mss, this.opts.sndShift, this.opts.sackOk, this.opts.tsOk, this.ctx.peer.family);
  }

  private establish(): void {
    this.setState('ESTABLISHED');
    if (this.halfOpen) {
      this.halfOpen = false;
      this.hooks.halfOpenEnded?.();
    }
    if (!this.opened) {
      this.opened = true;
      this.ctx.opened();
    }
    if (this.snd.finQueued) this.setState('FIN-WAIT-1');
  }

  /** RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state (`now`: arrival time). */
  private onSegment(seg: TcpHeader, data: Uint8Array, now: number): void {
    const f = seg.flags;
    const rcv = this.rcv;
    const snd = this.snd;
    const seq = unwrapSeq(seg.seq, rcv.rcvNxt);
    const segLen = data.length + (f & TcpFlags.SYN ? 1 : 0) + (f & TcpFlags.FIN ? 1 : 0);

    // Simultaneous open (RFC 9293 §3.5 figure 7): the peer's SYN-ACK repeats its SYN and acknowledges ours.
    if (this.state === 'SYN-RECEIVED' && f & TcpFlags.SYN && f & TcpFlags.ACK && seq === rcv.irs && !(f & TcpFlags.RST)) {
      const ack = unwrapSeq(seg.ack, snd.sndUna);
      if (ack > snd.sndUna && ack <= snd.sndNxt) {
        snd.onSynAcked(ack, seg);
        this.establish();
        this.sendAck();
        snd.trySend();
        return;
      }
    }
    // RFC 7323 §5.3 PAWS.
    if (this.opts.tsOk && seg.options.hasTimestamps && !(f & TcpFlags.RST) && this.opts.pawsReject(seg.options.tsVal)) {
      this.drop('tcp_paws');
      this.sendAck();
      return;
    }
    // First check: sequence number acceptability.
    if (!rcv.acceptable(seq, segLen)) {
      if (f & TcpFlags.RST) {
        this.drop('tcp_rst_out_of_window');
        return;
      }
      if (this.state === 'SYN-RECEIVED' && f & TcpFlags.SYN && seq === rcv.irs) {
        snd.sendSyn(true); // our SYN-ACK was lost: the peer repeats its SYN
        return;
      }
      if (f & TcpFlags.SYN) {
        this.challengeAck();
        return;
      }
      if (data.length > 0 && seq + data.length <= rcv.rcvNxt) rcv.noteDuplicate(seq, data.length); // RFC 2883 D-SACK
      else if (segLen > 0 || seq !== rcv.rcvNxt - 1) this.drop('tcp_out_of_window');
      this.sendAck();
      return;
    }
    // Second check: RST (RFC 5961 §3.2).
    if (f & TcpFlags.RST) {
      if (seq !== rcv.rcvNxt) {
        this.challengeAck();
        return;
      }
      if (this.state === 'TIME-WAIT') return; // RFC 1337
      this.finish(this.state === 'SYN-RECEIVED' && this.init.role === 'client' ? new TcpResetError(true) : new TcpResetError(false));
      return;
    }
    // Fourth check: SYN in a synchronized state (RFC 5961 §4.2).
    if (f & TcpFlags.SYN) {
      if (this.state === 'SYN-RECEIVED' && seq === rcv.irs) {
        snd.sendSyn(true);
        return;
      }
      this.challengeAck();
      return;
    }
    // Fifth check: ACK.
    if (!(f & TcpFlags.ACK)) {
      this.drop('tcp_no_ack');
      return;
    }
    if (this.opts.tsOk && seg.options.hasTimestamps) this.opts.updateRecent(seg.options.tsVal, seq, now);
    const ack = unwrapSeq(seg.ack, snd.sndUna);
    if (this.state === 'SYN-RECEIVED') {
      if (ack <= snd.sndUna || ack > snd.sndNxt) {
        this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
        this.drop('tcp_bad_ack');
        return;
      }
      snd.onSynAcked(ack, seg);
      this.establish();
    }
    // RFC 5961 §5.2: ACK value acceptability.
    if (ack > snd.sndNxt) {
      this.drop('tcp_ack_unsent');
      this.challengeAck();
      return;
    }
    if (ack < snd.sndUna - snd.maxSndWnd) {
      this.drop('tcp_ack_too_old');
      this.challengeAck();
      return;
    }
    snd.onAck(seg, ack, seq, data.length, now);
    if ((this.state as TcpState) === 'CLOSED' || this.disposed) return;

    // Seventh and eighth: segment text and FIN.
    const hasFin = (f & TcpFlags.FIN) !== 0;
    if (data.length === 0 && !hasFin) {
      if (this.state !== 'TIME-WAIT') snd.trySend();
      return;
    }
    if (this.state === 'TIME-WAIT') {
      if (hasFin) this.sendAck(); // a retransmitted FIN: ACK it again
      return;
    }
    const acceptsText = this.state === 'ESTABLISHED' || this.state === 'FIN-WAIT-1' || this.state === 'FIN-WAIT-2';
    const wasFin = rcv.finReceived;
    const result = acceptsText || hasFin ? rcv.receive(seq, acceptsText ? data : EMPTY, hasFin) : ReceiveResult.Duplicate;
    if (!wasFin && rcv.finReceived) this.onFin();
    if ((this.state as TcpState) === 'TIME-WAIT') {
      this.sendAck(); // ACK the FIN that completed the close
      return;
    }
    if ((this.state as TcpState) === 'CLOSED') return;
    const immediate =
      result !== ReceiveResult.InOrder ||
      hasFin ||
      (!wasFin && rcv.finReceived) ||
      this.cfg.delayedAck === 0 ||
      (f & TcpFlags.PSH && data.length < snd.rcvMss);
    if (immediate) this.sendAck();
    else {
      this.ackDebt += data.length;
      if (this.ackDebt >= 2 * snd.rcvMss) this.sendAck();
      else if (!this.delAckTimer.armed) this.delAckTimer.arm(now + this.cfg.delayedAck);
    }
    snd.trySend();
  }

  /** The peer's FIN reached RCV.NXT (RFC 9293 §3.10.7.4 eighth check). */
  private onFin(): void {
    switch (this.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.setState('CLOSE-WAIT');
        break;
      case 'FIN-WAIT-1':
        if (this.snd.finAckedFlag) this.enterTimeWait();
        else this.setState('CLOSING');
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait();
        break;
      default:
        break;
    }
  }

  private onRemoteEnded(): void {
    if (!this.closedReported) this.ctx.remoteEnded();
  }

  // ------------------------------------------------------------ output helpers

  /** Send a bare ACK now (with timestamps and SACK blocks). */
  sendAck(): void {
    if (this.disposed || !this.haveIrs) return;
    const o = this.opts.forSegment(this.rcv, this.snd.sackBlocksRoom(0), true);
    this.out.send(this.snd.sndNxt, this.rcv.rcvNxt, TcpFlags.ACK, this.windowField(), o);
    this.ackSent();
  }

  /** RFC 5961 §7: a rate-limited challenge ACK. */
  private challengeAck(): void {
    const now = this.ctx.clock.now();
    if (now - this.challengeWindowStart >= 1000) {
      this.challengeWindowStart = now;
      this.challengeCount = 0;
    }
    if (this.challengeCount >= this.cfg.challengeAckLimit) {
      this.drop('tcp_challenge_ack_limited');
      return;
    }
    this.challengeCount++;
    this.challengeAcks++;
    this.drop('tcp_challenge_ack');
    this.sendAck();
  }

  // ------------------------------------------------------------ timers

  private onKeepAliveTimer(): void {
    if (this.disposed || this.keepAliveDelay <= 0 || !SYNCHRONIZED.has(this.state)) return;
    const now = this.ctx.clock.now();
    const idleSince = Math.max(this.lastRecvAt, this.snd.lastSendAt);
    if (this.keepAliveSent === 0 && now - idleSince < this.keepAliveDelay) {
      this.keepTimer.arm(idleSince + this.keepAliveDelay);
      return;
    }
    if (this.keepAliveSent >= this.cfg.keepAliveProbes) {
      this.finish(new TimeoutError('ERR_TCP_KEEPALIVE_TIMEOUT', `no answer to ${this.keepAliveSent} keepalive probes`));
      return;
    }
    this.keepAliveSent++;
    this.snd.sendProbe();
    this.keepTimer.arm(now + this.cfg.keepAliveInterval);
  }

  private onIdleTimer(): void {
    if (this.orphaned) {
      const deadline = this.lastRecvAt + ORPHAN_TIMEOUT;
      if (this.ctx.clock.now() < deadline) this.idleTimer.arm(deadline);
      else this.finish(undefined);
      return;
    }
    if (this.disposed || this.closedReported) return;
    const deadline = this.lastRecvAt + this.cfg.idleTimeout;
    if (this.ctx.clock.now() < deadline) {
      this.idleTimer.arm(deadline);
      return;
    }
    if (SYNCHRONIZED.has(this.state) || this.state === 'SYN-RECEIVED') {
      this.out.send(this.snd.sndNxt, this.rcv.rcvNxt, TcpFlags.RST | TcpFlags.ACK, 0, undefined);
    }
    this.finish(new TimeoutError('ERR_TCP_IDLE_TIMEOUT', `nothing received for ${this.cfg.idleTimeout} ms`));
  }

  // ------------------------------------------------------------ state changes

  /** @internal Change state (traced). */
  setState(next: TcpState): void {
    if (next === this.state) return;
    const prev = this.state;
    this.state = next;
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('connection_state_updated', { old: prev, new: next });
  }

  private enterTimeWait(): void {
    this.setState('TIME-WAIT');
    this.hooks.timeWait?.({
      demuxKey: this.demuxKey,
      sndNxt: this.snd.sndNxt >>> 0,
      rcvNxt: this.rcv.rcvNxt >>> 0,
      duration: this.cfg.timeWait,
      ts: this.opts.tsOk ? { recent: this.opts.tsRecent, offset: this.opts.tsOffset } : undefined,
    });
    this.report(undefined);
    this.releaseTimers();
  }

  /** Close: report to the stack once and release timers. */
  private finish(error: Error | undefined): void {
    if (this.state !== 'TIME-WAIT') this.setState('CLOSED');
    this.report(error);
    this.releaseTimers();
  }

  private report(error: Error | undefined): void {
    if (this.closedReported) return;
    if (error === undefined && this.rcv.pendingBytes > 0) {
      // A graceful close waits until the application has taken every byte (see resume()).
      this.closeDeferred = true;
      return;
    }
    this.closedReported = true;
    this.closeDeferred = false;
    this.ctx.closed(error);
  }

  private releaseTimers(): void {
    if (this.orphaned) {
      this.orphaned = false;
      this.hooks.orphanEnded?.(this);
    }
    this.snd.dispose();
    this.delAckTimer.cancel();
    this.keepTimer.cancel();
    this.idleTimer.cancel();
    if (this.halfOpen) {
      this.halfOpen = false;
      this.hooks.halfOpenEnded?.();
    }
  }

  private restoreFromCookie(c: SynCookieState): void {
    this.rcv.init(c.irs);
    this.snd.restoreSynSent(c.iss);
    this.opts.restore(c);
    this.rcv.shift = this.opts.rcvShift;
    this.snd.negotiate(c.mss, this.opts.sndShift, this.opts.sackOk, this.opts.tsOk, this.ctx.peer.family);
    this.state = 'SYN-RECEIVED';
  }

  /** @internal Count a SYN (re)transmission; false when retries are exhausted. */
  synRetry(): boolean {
    return this.synRetries++ < this.cfg.synRetries;
  }
}
