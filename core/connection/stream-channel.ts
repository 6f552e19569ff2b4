/**
 * One stream of a multi-stream connection (SCTP) as its own Duplex: writes
 * are messages on that stream, reads are the messages delivered on it.
 *
 * @module
 */
import { Duplex } from 'node:stream';
import type { Connection } from './connection.js';

/** A Duplex bound to one stream id of a connection. */
export class StreamChannel extends Duplex {
  private pending: ((err?: Error | null) => void) | undefined;
  /** A delivery found the readable buffer full: the session stopped delivering until this stream is read. */
  private readPaused = false;

  /**
   * @param conn - the owning connection
   * @param streamId - the stream identifier
   */
  constructor(
    private readonly conn: Connection,
    readonly streamId: number,
  ) {
    super({ allowHalfOpen: true });
  }

  /** @internal Deliver one message. */
  deliver(data: Uint8Array): boolean {
    if (this.readableEnded || this.destroyed) return true;
    const ok = this.push(data);
    if (!ok) this.readPaused = true;
    return ok;
  }

  /** @internal The connection became writable again. */
  resumeWrites(): void {
    const cb = this.pending;
    this.pending = undefined;
    cb?.();
  }

  /** @internal */
  override _write(chunk: Uint8Array, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (this.conn.send(chunk, { stream: this.streamId })) callback();
      else this.pending = callback;
    } catch (err) {
      callback(err as Error);
    }
  }

  /** @internal */
  override _read(): void {
    // Flow control is per association: a full stream paused the whole session, so
    // reading this stream again must resume it (or every stream would stall for good).
    if (!this.readPaused) return;
    this.readPaused = false;
    this.conn.resumeSession();
  }
}
