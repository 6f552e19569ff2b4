/**
 * The `datagram` transport: unreliable and message-preserving like UDP,
 * with **zero header bytes**, so that `encapsulation: 'none'` plus a
 * security layer is wire-compatible with plain peers (e.g. a plain DTLS
 * peer). GUE Proto 253 (RFC 3692 experimental) by default. Per-peer state is
 * created by the first datagram, with an idle timeout and a cap on peers.
 *
 * @module toukit/plugins/transport/datagram
 */
import { z } from 'zod';
import type { TransportAcceptContext, TransportContext, TransportProtocol, SessionInit } from '../../../core/contracts/transport.js';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import { DatagramSession } from './session.js';

export { DatagramSession, DATAGRAM_INFO } from './session.js';
export type { SessionClosedHook } from './session.js';

/** IP protocol number 253: "use for experimentation and testing" (RFC 3692 §2.1). */
export const DATAGRAM_PROTO = 253;

/** Options of the `datagram` transport. */
export interface DatagramOptions {
  /** GUE Proto value (IP protocol number) to carry (default 253, RFC 3692). */
  readonly proto: number;
  /** ms without traffic before per-peer state is dropped (checked every quarter of it, so it goes between 1× and 1.25× this after the last datagram); 0 = never (default 120000). */
  readonly idleTimeout: number;
  /** Most peers a listener keeps state for (default 10000). */
  readonly maxPeers: number;
}

/** Schema of {@link DatagramOptions}. */
export const datagramOptionsSchema: z.ZodType<DatagramOptions> = z
  .object({
    proto: z.number().int().min(0).max(255).default(DATAGRAM_PROTO).describe('GUE Proto value (IP protocol number) to carry'),
    idleTimeout: z.number().min(0).default(120_000).describe('ms without traffic before per-peer state is dropped, checked every quarter of it (0 = never)'),
    maxPeers: z.number().int().min(1).default(10_000).describe('most peers a listener keeps state for'),
  })
  .strict();

/** The datagram transport protocol. */
export class DatagramTransport implements TransportProtocol {
  /** `datagram`. */
  readonly name = 'datagram';
  /** Zero header bytes. */
  readonly overhead = 0;
  /** GUE Proto. */
  readonly proto: number;
  private serverPeers = 0;
  private readonly onServerClosed = (): void => {
    this.serverPeers--;
  };

  /** @param options - validated options */
  constructor(private readonly options: DatagramOptions) {
    this.proto = options.proto;
  }

  /** Always 0: one session per peer. */
  demuxKey(): number {
    return 0;
  }

  /** A datagram from a new peer: create its state if a listener exists and the cap allows. */
  handleUnmatched(payload: Uint8Array, ctx: TransportAcceptContext): void {
    if (!ctx.listening(0)) {
      ctx.drop('no_listener');
      return;
    }
    if (this.serverPeers >= this.options.maxPeers) {
      ctx.drop('peer_limit');
      return;
    }
    const session = ctx.accept({ role: 'server', localPort: 0, remotePort: 0 });
    session.handleDatagram(payload);
  }

  /** Create a session. */
  createSession(ctx: TransportContext, init: SessionInit): DatagramSession {
    if (init.role === 'server') {
      this.serverPeers++;
      return new DatagramSession(ctx, this.options.idleTimeout, this.onServerClosed);
    }
    return new DatagramSession(ctx, this.options.idleTimeout, () => {});
  }

  /** Number of server-side peers with state. */
  get peers(): number {
    return this.serverPeers;
  }
}

/** The `datagram` transport plugin. */
export const datagramPlugin: Plugin<'transport', DatagramOptions> = definePlugin({
  name: 'datagram',
  layer: 'transport',
  description: 'unreliable, message-preserving datagrams with zero header bytes (GUE Proto 253)',
  capabilities: ['messages'],
  options: datagramOptionsSchema,
  create: (options: DatagramOptions) => new DatagramTransport(options),
});

export default datagramPlugin;
