/**
 * The shared state of one TCP connection and everything that is neither
 * segment arrival nor the application interface: the connection state
 * (RFC 9293 §3.3.2) and its changes, closing and TIME-WAIT, the keepalive
 * (RFC 9293 §3.8.4) and idle timers, bare and challenge ACKs (RFC 5961 §7),
 * and the {@link SenderHost} side the send half talks to. Segment arrival
 * is in `arrival.ts`, the application interface in `session.ts`.
 *
 * @module
 */
import type { SessionInit, TransportContext } from '../../../core/contracts/transport.js';
import type { Timer } from '../../../core/time/clock.js';
import { TimeoutError } from '../../../core/errors.js';
import type { TcpSessionHooks, TcpState } from './types.js';
import { PseudoHeader } from './addresses.js';
import type { TcpConfig } from './config.js';
import { emptyTcpHeader, TcpFlags } from './header.js';
import type { TcpHeader } from './header.js';
import { SegmentWriter } from './output.js';
import { TcpReceiver } from './receiver.js';
import { TcpSender } from './sender.js';
import type { SenderHost } from './sender-host.js';
import { TcpOptionsBuilder } from './segment-options.js';
import { isn } from './isn.js';
import type { SynCookieState } from './syn-cookie.js';

/** How long an orphaned connection may make no progress before it is dropped, ms (like Linux tcp_fin_timeout). */
export const ORPHAN_TIMEOUT = 60_000;

/** States in which both sequence spaces are synchronized (RFC 9293 §3.3.2). */
export const SYNCHRONIZED: ReadonlySet<TcpState> = new Set([
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
]);

/** Connection state and teardown shared by segment arrival and the application interface. */
export abstract class TcpSessionCore implements SenderHost {
  /** An orphaned connection (see {@link TcpSessionHooks.orphan}) finished: tell the hooks. @internal */
  protected abstract orphanFinished(): void;

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

  /** Pseudo-header addresses for the checksum (undefined with `checksum: 'none'`). @internal */
  protected readonly pseudo: PseudoHeader | undefined;
  /** Header of the segment being processed (reused). @internal */
  protected readonly seg: TcpHeader = emptyTcpHeader();
  /** Delayed-ACK timer (RFC 9293 §3.8.6.3). @internal */
  protected readonly delAckTimer: Timer;
  /** Keepalive timer (RFC 9293 §3.8.4). @internal */
  protected readonly keepTimer: Timer;
  /** Idle / orphan timeout. @internal */
  protected readonly idleTimer: Timer;
  /** `ctx.closed()` was called. @internal */
  protected closedReported = false;
  /** Released by the application but still finishing its close (see {@link TcpSessionHooks.orphan}). */
  orphaned = false;
  /** A graceful close waits for the application to take the remaining bytes. @internal */
  protected closeDeferred = false;
  /** Timers released; nothing more is processed. @internal */
  protected disposed = false;
  /** Bytes received and not yet acknowledged (delayed ACK). @internal */
  protected ackDebt = 0;
  /** Arrival time of the latest valid segment (ms). @internal */
  protected lastRecvAt: number;
  /** Idle time before keepalive probes, ms (0: off). @internal */
  protected keepAliveDelay = 0;
  /** Unanswered keepalive probes. @internal */
  protected keepAliveSent = 0;
  private challengeWindowStart = -Infinity;
  private challengeCount = 0;
  private synRetries = 0;
  /** Counted as half-open by the protocol (server in SYN-RECEIVED). @internal */
  protected halfOpen = false;
  /** `ctx.opened()` was called. @internal */
  protected opened = false;

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
    protected readonly hooks: TcpSessionHooks = {},
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

  private onRemoteEnded(): void {
    if (!this.closedReported) this.ctx.remoteEnded();
  }

  // ------------------------------------------------------------ output helpers

  /**
   * Send a bare ACK now (with timestamps and SACK blocks).
   * @param now - the current time in ms when the caller has it (one clock read per segment)
   */
  sendAck(now?: number): void {
    if (this.disposed || !this.haveIrs) return;
    const o = this.opts.forSegment(this.rcv, this.snd.sackBlocksRoom(0), true, now);
    this.out.send(this.snd.sndNxt, this.rcv.rcvNxt, TcpFlags.ACK, this.windowField(), o);
    this.ackSent();
  }

  /** RFC 5961 §7: a rate-limited challenge ACK. @internal */
  protected challengeAck(): void {
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

  /** Enter TIME-WAIT: hand the 2·MSL state to the protocol's table and release the session (RFC 9293 §3.6.1). @internal */
  /**
   * Enter TIME-WAIT (RFC 9293 §3.6) and report the close.
   * @param ackFin - the peer's FIN brought us here: acknowledge it first, while the
   *   connection's socket is still there (reporting the close may release it)
   */
  protected enterTimeWait(ackFin = false): void {
    this.setState('TIME-WAIT');
    if (ackFin) this.sendAck();
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

  /** Close: report to the stack once and release timers. @internal */
  protected finish(error: Error | undefined): void {
    if (this.state !== 'TIME-WAIT') this.setState('CLOSED');
    this.report(error);
    this.releaseTimers();
  }

  /** Report the close to the stack once (a graceful close waits until every byte was taken). @internal */
  protected report(error: Error | undefined): void {
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
      this.orphanFinished();
    }
    this.cancelTimers();
  }

  /** Stop every timer of the connection and end its half-open accounting. @internal */
  protected cancelTimers(): void {
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
    this.out.windowShift = this.opts.rcvShift;
    this.snd.negotiate(c.mss, this.opts.sndShift, this.opts.sackOk, this.opts.tsOk, this.ctx.peer.family);
    this.state = 'SYN-RECEIVED';
  }

  /** @internal Count a SYN (re)transmission; false when retries are exhausted. */
  synRetry(): boolean {
    return this.synRetries++ < this.cfg.synRetries;
  }
}
