/**
 * One TCP connection: the application interface (RFC 9293 §3.10 user
 * calls: write, end, abort, options) on top of segment arrival
 * (`arrival.ts`, RFC 9293 §3.10.7) and the shared connection state
 * (`session-core.ts`). The send half (retransmission, loss recovery,
 * congestion and flow control) lives in `sender.ts` and `sender-transmit.ts`,
 * the receive half in `receiver.ts`, the wire format in `header.ts` /
 * `options.ts`.
 *
 * @module
 */
import type { TransportSession } from '../../../core/contracts/transport.js';
import { StateError } from '../../../core/errors.js';
import { TcpFlags } from './header.js';
import { TcpSegmentArrival } from './arrival.js';
import { ORPHAN_TIMEOUT, SYNCHRONIZED } from './session-core.js';

export { TcpResetError } from './types.js';
export type { TcpSessionHooks, TcpState, TimeWaitInfo, TimeWaitTimestamps } from './types.js';

/** A TCP connection (sans-IO: driven by `handleDatagram` and its timers). */
export class TcpSession extends TcpSegmentArrival implements TransportSession {
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

  /** An orphaned connection finished: report it to the hooks (they hold the session, not its core). @internal */
  protected orphanFinished(): void {
    this.hooks.orphanEnded?.(this);
  }

  /** Release timers without sending anything. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimers();
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
}
