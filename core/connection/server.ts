/**
 * A listening server: accepts connections on one UDP socket (optionally for
 * one transport port). Closing it stops accepting; open connections go on,
 * like `net.Server`.
 *
 * A connection exists from the peer's first packet (a SYN, an INIT) but
 * reaches the application only with `'connection'`, once its handshake
 * completed. Until then the server handles its errors: a handshake that
 * fails (a SYN whose SYN-ACK is never answered, an RST in SYN-RECEIVED) is
 * counted in `stack.stats().drops` under `connection_failed_before_accept`,
 * never thrown as an unhandled `'error'`: a remote peer must not be able to
 * crash the process. Closing the server aborts the connections it has not
 * handed over yet (as closing a listening socket resets its accept queue).
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { PeerAddress } from '../contracts/address.js';
import type { Connection } from './connection.js';

/** Events of a {@link Server}. */
export interface ServerEvents {
  /** A connection completed its handshake(s). */
  connection: [conn: Connection];
  /** The server stopped accepting. */
  close: [];
  /** An error not tied to one connection. */
  error: [err: Error];
}

/** What a server needs from its endpoint. */
export interface ServerOwner {
  /** Stop accepting for this server. */
  removeListener(server: Server): Promise<void>;
  /** Count a connection the server dropped before handing it over (in `stack.stats().drops`). */
  countDrop(reason: string): void;
}

/** A listening server. */
export class Server extends EventEmitter<ServerEvents> {
  private closed = false;
  private readonly open = new Set<Connection>();
  /** Connections whose handshake has not completed yet (the server handles their errors). */
  private readonly pending = new Set<Connection>();

  /**
   * @param owner - the endpoint side
   * @param local - the bound UDP address
   * @param transportPort - the transport port it accepts (undefined: any unclaimed one)
   */
  constructor(
    private readonly owner: ServerOwner,
    private readonly local: PeerAddress,
    readonly transportPort: number | undefined,
  ) {
    super();
  }

  /** The bound address, like `net.Server.address()`. */
  address(): PeerAddress {
    return { address: this.local.address, family: this.local.family, port: this.local.port };
  }

  /** Whether the server still accepts connections. */
  get listening(): boolean {
    return !this.closed;
  }

  /** Connections accepted by this server that are still open. */
  get connections(): number {
    return this.open.size;
  }

  /** @internal A connection was accepted (before its handshake completes). */
  track(conn: Connection): void {
    this.open.add(conn);
    const beforeAccept = (): void => this.owner.countDrop('connection_failed_before_accept');
    this.pending.add(conn);
    conn.on('error', beforeAccept);
    conn.once('close', () => {
      this.open.delete(conn);
      this.pending.delete(conn);
    });
    conn.once('connect', () => {
      // From here on the application owns the connection and its errors.
      conn.off('error', beforeAccept);
      this.pending.delete(conn);
      // close() destroyed every connection still pending, so none connects after it.
      this.emit('connection', conn);
    });
  }

  /** Stop accepting: connections not handed over yet are aborted; accepted ones go on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Their error handlers stay: a late error is counted, not thrown.
    for (const conn of [...this.pending]) conn.destroy();
    await this.owner.removeListener(this);
    this.emit('close');
  }
}
