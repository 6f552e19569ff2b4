/**
 * A `datagram` session: per-peer state for an unreliable, message-preserving
 * transport with zero header bytes. One `write()` is one datagram.
 *
 * @module
 */
import type { MessageInfo, TransportContext, TransportSession } from '../../../core/contracts/transport.js';
import type { Timer } from '../../../core/time/clock.js';
import { PayloadTooLargeError } from '../../../core/errors.js';

/** Message metadata of every datagram (single stream, PPID 0). */
export const DATAGRAM_INFO: MessageInfo = Object.freeze({ stream: 0, ppid: 0, unordered: true });

/** The idle timeout is checked this many times per period (precision: a quarter of it). */
const IDLE_CHECKS = 4;

/** Called when a session closes (the protocol tracks its peer count). */
export type SessionClosedHook = (session: DatagramSession) => void;

/** One datagram peer. */
export class DatagramSession implements TransportSession {
  /** Always 0: one session per peer. */
  readonly demuxKey = 0;
  /** Nothing is ever buffered. */
  readonly bufferedAmount = 0;
  private readonly idleTimer: Timer | undefined;
  /** Traffic since the idle timer last looked (a flag, not a clock read per datagram). */
  private active = false;
  /** Idle checks in a row that found no traffic. */
  private quietChecks = 0;
  private opened = false;
  private closed = false;
  private paused = false;
  // Counters are fields, not a nested object: one object less to touch per datagram.
  private datagramsSent = 0;
  private bytesSent = 0;
  private datagramsReceived = 0;
  private bytesReceived = 0;
  private readonly drops: Record<string, number> = {};

  /**
   * @param ctx - transport context
   * @param idleTimeout - ms without traffic before the session closes (0 = never)
   * @param onClosed - protocol hook
   */
  constructor(
    private readonly ctx: TransportContext,
    private readonly idleTimeout: number,
    private readonly onClosed: SessionClosedHook,
  ) {
    if (idleTimeout > 0) {
      this.idleTimer = ctx.timers.createTimer(() => this.onIdleTimer());
      this.idleTimer.arm(ctx.clock.now() + idleTimeout / IDLE_CHECKS);
    }
  }

  /** Client: open at once (there is no handshake). */
  start(): void {
    this.open();
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.ctx.opened();
  }

  /** Deliver one datagram as one message. */
  handleDatagram(payload: Uint8Array): void {
    if (this.closed) return;
    this.active = true;
    this.open();
    this.datagramsReceived++;
    this.bytesReceived += payload.length;
    if (this.paused) {
      this.drop('receive_buffer_full');
      return;
    }
    if (!this.ctx.deliver(payload, DATAGRAM_INFO)) this.paused = true;
  }

  /**
   * Send `data` as one datagram.
   * @throws PayloadTooLargeError if it does not fit in one datagram
   */
  write(data: Uint8Array): boolean {
    if (data.length > this.ctx.maxDatagramSize) throw new PayloadTooLargeError(data.length, this.ctx.maxDatagramSize);
    if (this.closed) return true;
    this.active = true;
    this.datagramsSent++;
    this.bytesSent += data.length;
    this.ctx.sendDown([data]);
    return true;
  }

  /** Same as {@link DatagramSession.write}; options are ignored (one stream, unreliable). */
  sendMessage(data: Uint8Array): boolean {
    return this.write(data);
  }

  /** The application read: accept datagrams again. */
  resume(): void {
    this.paused = false;
  }

  /** No half-close in a datagram transport: ending closes the session. */
  end(): void {
    this.finish();
  }

  /** Close without notice (there is nothing to tell the peer). */
  abort(): void {
    this.dispose();
  }

  /** Release the idle timer. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.idleTimer?.cancel();
    this.onClosed(this);
  }

  private finish(): void {
    if (this.closed) return;
    this.dispose();
    this.ctx.closed();
  }

  private drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.ctx.drop(reason);
  }

  /**
   * Every `idleTimeout / IDLE_CHECKS` ms: close after {@link IDLE_CHECKS} checks in a
   * row without traffic, so a session closes between `idleTimeout` and
   * `idleTimeout × (1 + 1/IDLE_CHECKS)` ms after its last datagram.
   */
  private onIdleTimer(): void {
    if (this.active) {
      this.active = false;
      this.quietChecks = 0;
    } else if (++this.quietChecks >= IDLE_CHECKS) {
      this.finish();
      return;
    }
    this.idleTimer?.arm(this.ctx.clock.now() + this.idleTimeout / IDLE_CHECKS);
  }

  /** Counters (datagrams, bytes, drops by reason). */
  stats(): Record<string, unknown> {
    return { state: this.closed ? 'closed' : 'open', datagramsSent: this.datagramsSent, bytesSent: this.bytesSent, datagramsReceived: this.datagramsReceived, bytesReceived: this.bytesReceived, drops: { ...this.drops } };
  }
}
