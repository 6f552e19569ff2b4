/**
 * The transport contract (TCP-like, SCTP-like, datagram, or your own).
 *
 * A {@link TransportProtocol} exists once per stack; it extracts the demux
 * key from incoming payloads, handles payloads that match no session
 * (listeners, stateless replies such as RST or SCTP's INIT ACK) and creates
 * {@link TransportSession}s. Sessions are sans-IO: they are driven by
 * {@link TransportSession.handleDatagram} and their own timers, and talk to
 * the world only through their {@link TransportContext}.
 *
 * @module
 */
import type { PeerAddress } from './address.js';
import type { CongestionController, CongestionParameters, RttStats } from './congestion.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { RandomSource } from '../random/random.js';
import type { Tracer } from '../trace/tracer.js';

/** Per-message metadata delivered with message-oriented transports. */
export interface MessageInfo {
  /** Stream identifier (0 for single-stream transports). */
  readonly stream: number;
  /** Payload protocol identifier (SCTP PPID), 0 if unused. */
  readonly ppid: number;
  /** True when delivered out of order (unordered message). */
  readonly unordered: boolean;
}

/** Options for sending one message on a message-oriented transport. */
export interface SendOptions {
  /** Stream identifier (default 0). */
  readonly stream?: number;
  /** Deliver without ordering. */
  readonly unordered?: boolean;
  /** Give up after this many retransmissions (partial reliability). */
  readonly maxRetransmits?: number;
  /** Give up after this many ms (partial reliability). */
  readonly lifetime?: number;
  /** Payload protocol identifier (SCTP PPID). */
  readonly ppid?: number;
}

/** How a session starts. */
export interface SessionInit {
  /** Role of this side. */
  readonly role: 'client' | 'server';
  /** Local transport port (e.g. TCP source port of this side). */
  readonly localPort: number;
  /** Remote transport port. */
  readonly remotePort: number;
  /** Opaque, transport-specific state (e.g. from a validated SYN cookie or SCTP state cookie). */
  readonly state?: unknown;
}

/** Everything a transport session may use: the only way out of the session. */
export interface TransportContext {
  /** Role of this side. */
  readonly role: 'client' | 'server';
  /** The peer's UDP address. */
  readonly peer: PeerAddress;
  /** The local UDP address. */
  readonly local: PeerAddress;
  /**
   * Largest transport datagram (header + payload) that fits one UDP
   * datagram after encapsulation and security overheads, in bytes.
   */
  readonly maxDatagramSize: number;
  /** Whether a confidential, authenticated security layer protects this session. */
  readonly secured: boolean;
  /**
   * Send one transport datagram made of `parts` (header, payload …).
   * The parts must not be modified afterwards.
   */
  sendDown(parts: readonly Uint8Array[]): void;
  /**
   * Deliver received data (stream bytes, or one message with `info`).
   * Returns false when the application's buffer is full: stop delivering
   * until {@link TransportSession.resume} is called.
   */
  deliver(data: Uint8Array, info?: MessageInfo): boolean;
  /** The session is established (handshake done). */
  opened(): void;
  /** Buffered outgoing data fell below the high-water mark: writes may go on. */
  writable(): void;
  /** The peer finished sending (FIN / SHUTDOWN): no more data will be delivered. */
  remoteEnded(): void;
  /** The session is closed; `error` if it ended abnormally (RST, ABORT, timeout). */
  closed(error?: Error): void;
  /** Emit a connection-level event on the connection object. */
  emitEvent(name: string, ...args: unknown[]): void;
  /** Count a dropped datagram under `reason`. */
  drop(reason: string): void;
  /** Create a congestion controller (the stack's configured plugin) for a path with this MSS. */
  createCongestionController(mss: number, rtt: RttStats, params?: CongestionParameters): CongestionController;
  /** The stack's clock. */
  readonly clock: Clock;
  /** The stack's timer service. */
  readonly timers: TimerService;
  /** The stack's random source. */
  readonly random: RandomSource;
  /** Tracer for this connection. */
  readonly tracer: Tracer;
}

/** One transport connection or association. */
export interface TransportSession {
  /** Demux key; must equal what {@link TransportProtocol.demuxKey} returns for this session's incoming payloads. */
  readonly demuxKey: number;
  /** Client: send the opening packet (SYN, INIT …). Server: no-op. */
  start(): void;
  /**
   * Handle one incoming transport datagram. Never throws: malformed input is dropped via `ctx.drop`.
   *
   * The payload belongs to the session after the call: the layers below hand up a
   * buffer nobody else writes to (a fresh buffer per datagram from the substrate, a
   * view of it after the encapsulation header, a fresh plaintext per DTLS record),
   * so a session may keep views into it (e.g. out-of-order data) without copying.
   * A security or substrate plugin must keep to this.
   */
  handleDatagram(payload: Uint8Array): void;
  /**
   * Queue stream data (or one message on message transports).
   * Returns false once buffered data exceeds the high-water mark; wait for `ctx.writable()`.
   * @throws ToukitError if the data can never be sent (e.g. larger than a datagram)
   */
  write(data: Uint8Array): boolean;
  /** Send one message with options (message transports only). */
  sendMessage?(data: Uint8Array, options: SendOptions): boolean;
  /** The application consumed delivered data: delivery may resume (window re-opens). */
  resume(): void;
  /** Graceful close of the sending direction (FIN / SHUTDOWN). */
  end(): void;
  /** Abort (RST / ABORT) and release everything. */
  abort(): void;
  /** Release timers without sending anything (stack teardown). */
  dispose(): void;
  /** Bytes accepted by `write` and not yet acknowledged or sent. */
  readonly bufferedAmount: number;
  /** JSON-serialisable statistics (bytes, ms, drops by reason). */
  stats(): Record<string, unknown>;
  /** Disable (true) or enable Nagle's algorithm, if the transport has it. */
  setNoDelay?(noDelay: boolean): void;
  /** Enable keepalive probes after `initialDelay` ms idle, if supported. */
  setKeepAlive?(enable: boolean, initialDelay: number): void;
  /**
   * Optional (multi-stream transports): reset outgoing streams so that their
   * sequence numbers restart at 0 (SCTP: RFC 6525 §5.1.2); an empty list
   * means every outgoing stream. The outcome arrives as a connection event
   * named by the transport (sctp: `'sctp-stream-reset'`).
   */
  resetStreams?(streams: readonly number[]): void;
}

/** What {@link TransportProtocol.handleUnmatched} may do with a payload no session claims. */
export interface TransportAcceptContext {
  /** The peer's UDP address. */
  readonly peer: PeerAddress;
  /** The local UDP address. */
  readonly local: PeerAddress;
  /** Whether a listener accepts connections to `transportPort` on this socket. */
  listening(transportPort: number): boolean;
  /** Create a server session (registers it for demux and tells the listener). */
  accept(init: SessionInit): TransportSession;
  /** Send a stateless reply (RST, INIT ACK …) to the peer. */
  reply(parts: readonly Uint8Array[]): void;
  /** Count a drop. */
  drop(reason: string): void;
  /** The stack's clock. */
  readonly clock: Clock;
  /** The stack's random source. */
  readonly random: RandomSource;
  /** Largest transport datagram, as in {@link TransportContext.maxDatagramSize}. */
  readonly maxDatagramSize: number;
}

/** A transport protocol instance (one per stack). */
export interface TransportProtocol {
  /** Plugin name, e.g. `tcp`. */
  readonly name: string;
  /** IP protocol number carried in GUE's Proto field (6 TCP, 132 SCTP, 253 datagram). */
  readonly proto: number;
  /** Typical header bytes per data datagram (used in `describe()` and sizing). */
  readonly overhead: number;
  /**
   * UDP port to use when neither `listen`/`connect` nor the encapsulation
   * names one (e.g. 9899 for SCTP over UDP, RFC 6951 §5).
   */
  readonly defaultPort?: number;
  /**
   * Extract the demux key of an incoming payload (TCP: remote·65536 + local port).
   * @throws DecodeError when the payload is too short or malformed
   */
  demuxKey(payload: Uint8Array): number;
  /** Handle a payload that matched no session. Never throws. */
  handleUnmatched(payload: Uint8Array, ctx: TransportAcceptContext): void;
  /** Create a session (client role via `connect`, server role via `ctx.accept`). */
  createSession(ctx: TransportContext, init: SessionInit): TransportSession;
  /** Release protocol-wide resources (secrets, timers). */
  close?(): void;
}
