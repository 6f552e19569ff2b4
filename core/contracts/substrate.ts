/**
 * The substrate contract: datagram I/O. Real UDP sockets and the simulated
 * network both implement it, together with the clock, timers and random
 * source the stack should use (a simulated host supplies virtual ones).
 *
 * @module
 */
import type { PeerAddress } from './address.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { RandomSource } from '../random/random.js';

/**
 * Called for every datagram received on a bound socket. Must not throw. Each
 * call gets a buffer of its own that the substrate never writes to again: the
 * layers above keep views into it (see `TransportSession.handleDatagram`).
 */
export type DatagramHandler = (data: Uint8Array, from: PeerAddress) => void;

/** Options for {@link Substrate.bind}. */
export interface BindOptions {
  /** Local address to bind (e.g. `127.0.0.1`, `::1`, `0.0.0.0`). */
  readonly host: string;
  /** Local UDP port; 0 asks for an ephemeral port. */
  readonly port: number;
  /** If set, the socket is connected to this peer (client sockets). */
  readonly connect?: PeerAddress;
}

/** Counters every substrate socket keeps (JSON-serialisable). */
export interface SubstrateStats {
  /** Datagrams sent. */
  datagramsSent: number;
  /** Bytes sent (UDP payload). */
  bytesSent: number;
  /** Datagrams received. */
  datagramsReceived: number;
  /** Bytes received (UDP payload). */
  bytesReceived: number;
  /** Send errors by reason. */
  sendErrors: Record<string, number>;
}

/** A bound datagram socket. */
export interface SubstrateSocket {
  /** Local address of the socket. */
  address(): PeerAddress;
  /** The connected peer, if the socket is connected. */
  readonly remote: PeerAddress | undefined;
  /** Install the receive handler (one per socket). */
  onDatagram(handler: DatagramHandler): void;
  /**
   * Install a handler for errors the network reports for this socket after
   * a send (optional; one per socket), called with Node's code: `ECONNREFUSED`
   * when an ICMP port unreachable answered a datagram of a connected socket.
   * The substrate counts these errors in {@link SubstrateStats.sendErrors}
   * either way. Must not throw.
   */
  onError?(handler: (code: string) => void): void;
  /**
   * Send one datagram made of `parts` concatenated (header(s) then payload),
   * so callers never concatenate buffers. Synchronous; may queue internally.
   * On a connected socket `to` must be the connected peer or omitted.
   * The substrate may hold references to `parts` until the datagram has
   * left, so callers must not modify them afterwards.
   */
  send(parts: readonly Uint8Array[], to?: PeerAddress): void;
  /** Counters. */
  stats(): SubstrateStats;
  /** Close the socket. */
  close(): Promise<void>;
}

/** Environment a substrate imposes on stacks that use it (virtual time in the simulator). */
export interface SubstrateEnvironment {
  /** The clock to use. */
  readonly clock: Clock;
  /** The timer service to use. */
  readonly timers: TimerService;
  /** The random source to use. */
  readonly random: RandomSource;
}

/** A datagram I/O provider (real UDP, or a simulated host). */
export interface Substrate {
  /** Short name, e.g. `udp` or `sim`. */
  readonly kind: string;
  /** Bind a socket. */
  bind(options: BindOptions): Promise<SubstrateSocket>;
  /** Address `listen()` binds when it names none (default `127.0.0.1`; a simulated host's own address). */
  readonly defaultHost?: string;
  /**
   * Turn the host given to `connect()` into the address datagrams go to, once,
   * before the socket is bound: demultiplexing, checksums over a pseudo-header
   * and `conn.remoteAddress` all need the address the peer's datagrams come
   * from, not a name. An address is returned unchanged. Without this method
   * the host is used as given (the simulator's hosts have no names).
   * @throws a typed error when the name cannot be resolved
   */
  resolve?(host: string): Promise<string>;
  /** Clock, timers and random source this substrate requires, if any (the simulator's). */
  readonly environment?: SubstrateEnvironment;
}
