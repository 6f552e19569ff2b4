/**
 * A connection as a Node `Duplex` stream. `pipeline()` works, backpressure
 * is honoured both ways, `end()` half-closes where the transport can,
 * `destroy()` aborts. Connection-level events (`'message'`, `'handshake'`,
 * `'keylog'`) are emitted on the Duplex itself.
 *
 * @module
 */
// Imported, not the global: `globalThis.Buffer` is an accessor in Node 20, a getter call per read.
import { Buffer } from 'node:buffer';
import { Duplex } from 'node:stream';
import type { HandshakeInfo } from '../contracts/security.js';
import type { MessageInfo, SendOptions, TransportSession } from '../contracts/transport.js';
import { StateError } from '../errors.js';
import { StreamChannel } from './stream-channel.js';

/** What a connection needs from the stack that owns it. */
export interface ConnectionOwner {
  /** The session ended: forget the connection. */
  release(conn: Connection): void;
}

/** Address information of a connection. */
export interface ConnectionAddresses {
  /** Local IP address. */
  readonly localAddress: string;
  /** Local UDP port. */
  readonly localPort: number;
  /** Remote IP address. */
  readonly remoteAddress: string;
  /** Remote UDP port. */
  readonly remotePort: number;
  /** `IPv4` or `IPv6`. */
  readonly remoteFamily: 'IPv4' | 'IPv6';
}

const DEFAULT_INFO: MessageInfo = Object.freeze({ stream: 0, ppid: 0, unordered: false });

/**
 * A toukit connection. Events beyond the Duplex ones:
 * - `'connect'` (): the handshake(s) completed;
 * - `'message'` (data: Uint8Array, info: MessageInfo): one message (message transports and datagram);
 *   while the application has never read the stream itself (no `'data'`/`'readable'` listener,
 *   no `resume()`/`pipe()`), messages go to this event only and are not also queued there;
 * - `'handshake'` (info: HandshakeInfo): the security handshake completed;
 * - `'keylog'` (line: string): an NSS key-log line (DTLS).
 */
export class Connection extends Duplex {
  /**
   * Connection id for traces, e.g. `c3`: numbered from `c1` in creation order, and unique
   * among the connections of every stack that traces to the same sink (or tracer).
   */
  readonly id: string;
  /** Local IP address. */
  readonly localAddress: string;
  /** Local UDP port. */
  readonly localPort: number;
  /** Remote IP address. */
  readonly remoteAddress: string;
  /** Remote UDP port. */
  readonly remotePort: number;
  /** Remote address family. */
  readonly remoteFamily: 'IPv4' | 'IPv6';
  /** Security handshake result, once known. */
  handshake: HandshakeInfo | undefined;

  /** @internal */
  session: TransportSession | undefined;
  /** Time the connection was created (stack clock, ms). */
  readonly createdAt: number;
  /** Whether the transport handshake completed. */
  connected = false;

  private pendingWrite: ((err?: Error | null) => void) | undefined;
  private readPaused = false;
  private inRead = false;
  private sessionClosed = false;
  private readonly channels = new Map<number, StreamChannel>();
  private readonly dropCounts: Record<string, number> = {};

  static {
    // `writableNeedDrain` also answers for writes that went straight to the session (write(), send()).
    // Node's typings declare it a plain property, so it cannot be overridden as a class accessor.
    const writableNeedDrain = Object.getOwnPropertyDescriptor(Duplex.prototype, 'writableNeedDrain')?.get;
    Object.defineProperty(Connection.prototype, 'writableNeedDrain', {
      configurable: true,
      enumerable: false,
      get(this: Connection): boolean {
        return this.needDrain || writableNeedDrain?.call(this) === true;
      },
    });
  }

  /**
   * @param owner - the stack side
   * @param id - connection id
   * @param addresses - local and remote addresses
   * @param createdAt - creation time in ms
   */
  constructor(
    private readonly owner: ConnectionOwner,
    id: string,
    addresses: ConnectionAddresses,
    createdAt: number,
  ) {
    super({ allowHalfOpen: true });
    this.id = id;
    this.localAddress = addresses.localAddress;
    this.localPort = addresses.localPort;
    this.remoteAddress = addresses.remoteAddress;
    this.remotePort = addresses.remotePort;
    this.remoteFamily = addresses.remoteFamily;
    this.createdAt = createdAt;
  }

  /**
   * Write `chunk` (see `stream.Writable.write`). A `Uint8Array` written with
   * neither an encoding nor a callback, while the Writable side holds nothing
   * (no queued or pending write, not corked, ended or destroyed, smaller than
   * the high-water mark), goes straight to the session: Node's Writable would
   * call `_write` at once, and the session answers synchronously, so its
   * bookkeeping (about 0.15 µs a write, a tenth of a GUE + datagram send)
   * changes nothing. The result is the session's: false means wait for
   * `'drain'`, as always. Everything else takes the Writable path.
   */
  override write(chunk: unknown, encoding?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    const session = this.session;
    if (
      encoding === undefined &&
      cb === undefined &&
      chunk instanceof Uint8Array &&
      session !== undefined &&
      !this.sessionClosed &&
      this.writableLength === 0 &&
      this.writableCorked === 0 &&
      !this.writableEnded &&
      !this.destroyed &&
      this.errored === null &&
      chunk.length < this.writableHighWaterMark
    ) {
      let ok: boolean;
      try {
        ok = session.write(chunk);
      } catch (err) {
        // Report it exactly as the Writable path does: through _write's callback.
        this.failedWrite = err as Error;
        return super.write(chunk);
      }
      this.bytesWrittenCount += chunk.length;
      if (!ok) this.needDrain = true;
      return ok;
    }
    return super.write(chunk, encoding as BufferEncoding, cb);
  }

  /** Send one message with options (message transports; datagram ignores options). Returns false when the caller should wait for `'drain'`. */
  send(data: Uint8Array, options: SendOptions = {}): boolean {
    const s = this.requireSession();
    const ok = s.sendMessage ? s.sendMessage(data, options) : s.write(data);
    if (!ok) this.needDrain = true;
    return ok;
  }

  /** A Duplex for one stream of a multi-stream transport (SCTP). */
  stream(id: number): Duplex {
    const s = this.requireSession();
    if (!s.sendMessage) throw new StateError('ERR_NOT_MULTISTREAM', 'this transport has no streams');
    let ch = this.channels.get(id);
    if (ch === undefined) {
      ch = new StreamChannel(this, id);
      this.channels.set(id, ch);
      ch.once('close', () => this.channels.delete(id));
    }
    return ch;
  }

  /** Statistics of the transport session plus stream counters (JSON-serialisable). */
  stats(): Record<string, unknown> {
    return {
      id: this.id,
      connected: this.connected,
      bytesRead: this.bytesReadCount,
      bytesWritten: this.bytesWrittenCount,
      drops: { ...this.dropCounts },
      security: this.handshake ? { protocol: this.handshake.protocol, cipherSuite: this.handshake.cipherSuite } : undefined,
      transport: this.session?.stats(),
    };
  }

  /** Disable Nagle's algorithm (transports that have it). */
  setNoDelay(noDelay = true): this {
    this.session?.setNoDelay?.(noDelay);
    return this;
  }

  /** Enable keepalive probes after `initialDelay` ms idle (transports that have it). */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.session?.setKeepAlive?.(enable, initialDelay);
    return this;
  }

  /**
   * Reset outgoing streams (transports that can: sctp with its `streamReset`
   * option, RFC 6525): their sequence numbers restart at 0 on both sides; an
   * empty list means every outgoing stream. The outcome arrives as the event
   * `'sctp-stream-reset'` (streams, result code).
   * @throws StateError `ERR_NOT_SUPPORTED` when the transport has no stream reset; the transport's own errors otherwise
   */
  resetStreams(streams: readonly number[] = []): void {
    const s = this.requireSession();
    if (!s.resetStreams) throw new StateError('ERR_NOT_SUPPORTED', 'this transport cannot reset streams');
    s.resetStreams(streams);
  }

  private bytesReadCount = 0;
  private bytesWrittenCount = 0;
  /** A direct write or a `send()` returned false: emit `'drain'` when the session can take more. */
  private needDrain = false;

  /** Set while {@link Connection.drainFromTransport} runs: every delivery is accepted. */
  private draining = false;
  /** The error a direct write threw, reported through `_write` (see {@link Connection.write}). */
  private failedWrite: Error | undefined;

  private requireSession(): TransportSession {
    if (this.session === undefined || this.sessionClosed) throw new StateError('ERR_NOT_CONNECTED', 'the connection is not open');
    return this.session;
  }

  // ---- called by the context (transport side) ----

  /** @internal Deliver data or a message from the transport. */
  deliverFromTransport(data: Uint8Array, info: MessageInfo | undefined): boolean {
    this.bytesReadCount += data.length;
    const messages = this.listenerCount('message') > 0;
    if (messages) this.emit('message', data, info ?? DEFAULT_INFO);
    if (info !== undefined && info.stream !== 0) {
      const ch = this.channels.get(info.stream);
      return ch === undefined || ch.deliver(data) || this.draining;
    }
    if (this.readableEnded || this.destroyed) return true;
    // An application that takes 'message' events and has never read the stream: the message is
    // delivered, and queueing it in a buffer nobody reads would only stall the transport.
    if (messages && this.readableFlowing === null && this.listenerCount('readable') === 0) return true;
    if (this.readableFlowing === true && this.readableLength === 0 && !this.inRead && this.readableEncoding === null) {
      // Flowing with nothing buffered: push() would emit 'data' at once too, but it also
      // schedules a process.nextTick (maybeReadMore) per chunk; emit directly instead.
      this.emit('data', Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return true;
    }
    if (this.push(data) || this.draining) return true;
    this.readPaused = true;
    return false;
  }

  /** @internal The transport handshake completed. */
  openedFromTransport(): void {
    if (this.connected) return;
    this.connected = true;
    this.emit('connect');
  }

  /** @internal Buffered data fell below the high-water mark. */
  writableFromTransport(): void {
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    if (cb) cb();
    if (this.needDrain) {
      this.needDrain = false;
      this.emit('drain');
    }
    for (const ch of this.channels.values()) ch.resumeWrites();
  }

  /** @internal The peer finished sending. */
  remoteEndedFromTransport(): void {
    if (!this.readableEnded) this.push(null);
    for (const ch of this.channels.values()) ch.push(null);
  }

  /**
   * @internal The layer below closed cleanly (the peer's DTLS close_notify): take everything the
   * session received and acknowledged but held for a slow reader, into the readable buffer.
   */
  drainFromTransport(): void {
    if (this.sessionClosed || this.session === undefined) return;
    this.draining = true;
    try {
      this.session.resume();
    } finally {
      this.draining = false;
    }
  }

  /** @internal The session closed. */
  closedFromTransport(error?: Error): void {
    if (this.sessionClosed) return;
    this.sessionClosed = true;
    this.owner.release(this);
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    if (error) {
      for (const ch of this.channels.values()) ch.destroy(error);
      cb?.(error);
      this.destroy(error);
      return;
    }
    cb?.();
    for (const ch of this.channels.values()) ch.push(null);
    if (!this.readableEnded) this.push(null);
    if (!this.writableEnded) this.end();
  }

  /** @internal Count a drop attributed to this connection. */
  countDrop(reason: string): void {
    this.dropCounts[reason] = (this.dropCounts[reason] ?? 0) + 1;
  }

  /** @internal Whether the session has closed. */
  get isSessionClosed(): boolean {
    return this.sessionClosed;
  }

  // ---- Duplex implementation ----

  /** @internal */
  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const failed = this.failedWrite;
    if (failed !== undefined) {
      this.failedWrite = undefined;
      callback(failed);
      return;
    }
    if (this.session === undefined || this.sessionClosed) {
      callback(new StateError('ERR_NOT_CONNECTED', 'write after the connection closed'));
      return;
    }
    let ok: boolean;
    try {
      ok = this.session.write(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.bytesWrittenCount += chunk.length;
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  /** @internal */
  override _final(callback: (error?: Error | null) => void): void {
    if (this.session !== undefined && !this.sessionClosed) this.session.end();
    callback();
  }

  /** @internal A stream channel ({@link Connection.stream}) was read after it had filled: let the session deliver again. */
  resumeSession(): void {
    this.session?.resume();
  }

  /** @internal */
  override _read(): void {
    if (this.readPaused) {
      this.readPaused = false;
      // Data the session delivers from inside resume() must go through push(): Node
      // buffers chunks pushed during _read instead of emitting them re-entrantly.
      this.inRead = true;
      try {
        this.session?.resume();
      } finally {
        this.inRead = false;
      }
    }
  }

  /** @internal */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.sessionClosed) {
      // Both directions ended normally (autoDestroy after end() and the peer's FIN): the
      // session is closing gracefully and must finish (retransmit its FIN, TIME-WAIT);
      // it stays registered until it reports closed(). Anything else aborts it.
      const graceful = error === null && this.session !== undefined && this.writableFinished && this.readableEnded;
      if (!graceful) this.abortSession();
    }
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    cb?.(error ?? new StateError('ERR_DESTROYED', 'connection destroyed'));
    callback(error);
  }

  /** @internal Abort the session (RST / ABORT) and forget it; used by destroy() and stack teardown. */
  abortSession(): void {
    if (this.sessionClosed) return;
    this.sessionClosed = true;
    try {
      this.session?.abort();
    } finally {
      this.owner.release(this);
    }
    if (!this.destroyed) this.destroy();
  }
}
