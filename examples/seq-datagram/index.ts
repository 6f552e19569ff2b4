/**
 * Example plugin: `seq-datagram`, a tiny transport invented on the spot.
 * Every datagram carries a 4-byte sequence number so the receiver can count
 * losses and reordering; it is otherwise unreliable like UDP. It shows every
 * part of the transport contract: an options schema, the demux key, handling
 * datagrams that match no session, a sans-IO session driven by
 * `handleDatagram`, and statistics.
 *
 * Used in docs/guides/write-a-plugin.md and run through the transport
 * compliance suite in test/examples/seq-datagram.test.ts.
 *
 * @module
 */
import { z } from 'zod';
import {
  definePlugin,
  DecodeError,
  PayloadTooLargeError,
  type SessionInit,
  type TransportAcceptContext,
  type TransportContext,
  type TransportProtocol,
  type TransportSession,
} from '../../core/index.js';

/** Header: a 32-bit sequence number, big-endian. */
export const SEQ_HEADER_BYTES = 4;

/** Options of the example transport. */
export const seqDatagramOptions = z
  .object({
    proto: z.number().int().min(0).max(255).default(254).describe('GUE Proto (254: RFC 3692 experimental)'),
  })
  .strict();

/** A datagram shorter than its header. */
export class SeqTruncatedError extends DecodeError {
  constructor() {
    super('ERR_SEQ_TRUNCATED', 'seq_truncated', 'seq-datagram payload shorter than its 4-byte header');
  }
}

/** One peer of the example transport. */
export class SeqDatagramSession implements TransportSession {
  /** One session per peer. */
  readonly demuxKey = 0;
  /** Nothing is buffered. */
  readonly bufferedAmount = 0;
  private nextSeq = 0;
  private highest = -1;
  private received = 0;
  private reordered = 0;
  private opened = false;

  /** @param ctx - the only way out of the session */
  constructor(private readonly ctx: TransportContext) {}

  /** Client: there is no handshake, so the session is open at once. */
  start(): void {
    this.open();
  }

  private open(): void {
    if (!this.opened) {
      this.opened = true;
      this.ctx.opened();
    }
  }

  /** Parse the header, count, deliver the payload. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (payload.length < SEQ_HEADER_BYTES) {
      this.ctx.drop('seq_truncated');
      return;
    }
    this.open();
    const seq = ((payload[0] << 24) | (payload[1] << 16) | (payload[2] << 8) | payload[3]) >>> 0;
    if (seq < this.highest) this.reordered++;
    else this.highest = seq;
    this.received++;
    this.ctx.deliver(payload.subarray(SEQ_HEADER_BYTES));
  }

  /** Send one datagram: a fresh 4-byte header, then the data (no copy). */
  write(data: Uint8Array): boolean {
    const budget = this.ctx.maxDatagramSize - SEQ_HEADER_BYTES;
    if (data.length > budget) throw new PayloadTooLargeError(data.length, budget);
    const seq = this.nextSeq++ >>> 0;
    const header = new Uint8Array([seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff]);
    this.ctx.sendDown([header, data]);
    return true;
  }

  /** Nothing to resume: datagrams are not flow-controlled. */
  resume(): void {}

  /** No half-close: ending closes the session. */
  end(): void {
    this.ctx.closed();
  }

  /** Nothing to tell the peer. */
  abort(): void {}

  /** No timers to release. */
  dispose(): void {}

  /** Counters: sent, received, reordered, and losses inferred from gaps. */
  stats(): Record<string, unknown> {
    return { sent: this.nextSeq, received: this.received, reordered: this.reordered, lost: Math.max(0, this.highest + 1 - this.received) };
  }
}

/** The protocol: one instance per stack. */
export class SeqDatagramTransport implements TransportProtocol {
  /** Plugin name. */
  readonly name = 'seq-datagram';
  /** Header bytes per datagram. */
  readonly overhead = SEQ_HEADER_BYTES;

  /** @param proto - GUE Proto value */
  constructor(readonly proto: number) {}

  /** One session per peer: the key is constant, but short payloads are malformed. */
  demuxKey(payload: Uint8Array): number {
    if (payload.length < SEQ_HEADER_BYTES) throw new SeqTruncatedError();
    return 0;
  }

  /** A datagram from a new peer: accept it when something listens. */
  handleUnmatched(payload: Uint8Array, ctx: TransportAcceptContext): void {
    if (!ctx.listening(0)) {
      ctx.drop('no_listener');
      return;
    }
    ctx.accept({ role: 'server', localPort: 0, remotePort: 0 }).handleDatagram(payload);
  }

  /** Create a session for a connection. */
  createSession(ctx: TransportContext, _init: SessionInit): SeqDatagramSession {
    return new SeqDatagramSession(ctx);
  }
}

/** The plugin definition: use it by object, or register it and use it by name. */
export const seqDatagramPlugin = definePlugin({
  name: 'seq-datagram',
  layer: 'transport',
  description: 'example: unreliable datagrams with a sequence number (counts loss and reordering)',
  capabilities: ['messages'],
  options: seqDatagramOptions,
  create: (options: z.output<typeof seqDatagramOptions>) => new SeqDatagramTransport(options.proto),
});

export default seqDatagramPlugin;
