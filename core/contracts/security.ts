/**
 * The security contract (DTLS, or `none`). A security session exists per
 * peer (remote address and UDP port); it sits between the encapsulation and
 * the transport: outgoing transport segments are protected into records,
 * incoming records are verified and decrypted before the transport sees them.
 *
 * Sessions are sans-IO: they talk to the world only through their
 * {@link SecurityContext}.
 *
 * @module
 */
import type { PeerAddress } from './address.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { RandomSource } from '../random/random.js';
import type { Tracer } from '../trace/tracer.js';

/** What a security handshake established. */
export interface HandshakeInfo {
  /** Negotiated protocol version, e.g. `DTLSv1.2`. */
  readonly protocol: string;
  /** Negotiated cipher suite (IANA name). */
  readonly cipherSuite: string;
  /** Peer certificate chain (DER), if any. */
  readonly peerCertificates?: readonly Uint8Array[];
  /** PSK identity used, if any. */
  readonly pskIdentity?: string;
  /** Handshake duration in ms. */
  readonly durationMs: number;
}

/** Kind of content in an outgoing security-layer datagram. */
export type SecurityContentKind = 'handshake' | 'application';

/** Everything a security session may use. */
export interface SecurityContext {
  /** Role of this side. */
  readonly role: 'client' | 'server';
  /** The peer's address. */
  readonly peer: PeerAddress;
  /** Largest datagram the security layer may emit (bytes, after encapsulation overhead). */
  readonly maxDatagramSize: number;
  /** Send one protected datagram down; `kind` lets GUE mark handshake-only datagrams. */
  sendDown(parts: readonly Uint8Array[], kind: SecurityContentKind): void;
  /**
   * Deliver decrypted application data up to the transport. The buffer then
   * belongs to the transport (see `TransportSession.handleDatagram`):
   * never write to it again or reuse it for the next record.
   */
  deliver(plaintext: Uint8Array): void;
  /** The handshake finished; application data may flow. */
  established(info: HandshakeInfo): void;
  /** The session failed (handshake timeout, fatal alert, …). */
  failed(error: Error): void;
  /** The peer closed the session (close_notify) or it ended. */
  closed(): void;
  /** Emit a connection-level event on the connection (e.g. `keylog`). */
  emitEvent(name: string, ...args: unknown[]): void;
  /** Count a dropped record under `reason`. */
  drop(reason: string): void;
  /** The stack's clock. */
  readonly clock: Clock;
  /** The stack's timer service. */
  readonly timers: TimerService;
  /** The stack's random source. */
  readonly random: RandomSource;
  /** Tracer for this connection. */
  readonly tracer: Tracer;
}

/** One security session (per peer). */
export interface SecuritySession {
  /** Start the handshake (client) or process the first datagram (server; see {@link SecurityProtocol.accept}). */
  start(): void;
  /** Feed one received datagram payload (after decapsulation). Never throws. */
  handleDatagram(data: Uint8Array): void;
  /**
   * Protect and send application data made of `parts` concatenated (one call,
   * one datagram). The parts must not be modified afterwards.
   */
  send(parts: readonly Uint8Array[]): void;
  /** Bytes of overhead this session adds to a datagram (record header, nonce, tag). */
  readonly overhead: number;
  /** Whether application data can be sent. */
  readonly established: boolean;
  /** Send close_notify (if applicable) and release timers. */
  close(): void;
  /** JSON-serialisable counters. */
  stats(): Record<string, unknown>;
}

/** Context for datagrams from a peer without a session (stateless cookie exchange). */
export interface SecurityAcceptContext {
  /** The peer the datagram came from. */
  readonly peer: PeerAddress;
  /** Reply statelessly (e.g. HelloVerifyRequest). */
  reply(parts: readonly Uint8Array[], kind: SecurityContentKind): void;
  /** Count a drop. */
  drop(reason: string): void;
  /** The stack's clock. */
  readonly clock: Clock;
  /** The stack's random source. */
  readonly random: RandomSource;
}

/** A security protocol instance (one per stack, holding long-lived secrets). */
export interface SecurityProtocol {
  /** Plugin name, e.g. `dtls`. */
  readonly name: string;
  /** True when the protocol encrypts (GUE then marks payloads as transformed). */
  readonly confidential: boolean;
  /** Typical per-datagram overhead in bytes (used to size transport segments). */
  readonly overhead: number;
  /** GUE transform type used to mark protected datagrams (e.g. 1 for DTLS), or 0. */
  readonly transformType: number;
  /**
   * True for the `none` security layer: the stack then bypasses security
   * sessions entirely and hands payloads straight to the transport.
   */
  readonly passthrough?: boolean;
  /** Create a client session. */
  createClient(ctx: SecurityContext): SecuritySession;
  /**
   * A datagram arrived from a peer with no session. Return `true` if a server
   * session should be created for it (e.g. a ClientHello with a valid cookie);
   * otherwise reply statelessly or drop. Must not allocate per-peer state.
   */
  accept(datagram: Uint8Array, ctx: SecurityAcceptContext): boolean;
  /** Create a server session; the accepted datagram is then passed to `handleDatagram`. */
  createServer(ctx: SecurityContext): SecuritySession;
  /** Release resources (timers for secret rotation, …). */
  close?(): void;
}
