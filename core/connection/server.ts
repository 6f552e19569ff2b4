/**
 * A listening server: accepts connections on one UDP socket (optionally for
 * one transport port). Closing it stops accepting; open connections go on,
 * like `net.Server`.
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
}

/** A listening server. */
export class Server extends EventEmitter<ServerEvents> {
  private closed = false;
  private readonly open = new Set<Connection>();

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
    conn.once('close', () => this.open.delete(conn));
    conn.once('connect', () => {
      if (!this.closed) this.emit('connection', conn);
    });
  }

  /** Stop accepting. Open connections go on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.owner.removeListener(this);
    this.emit('close');
  }
}
