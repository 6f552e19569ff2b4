/**
 * One stack's view of one bound socket: the demultiplexing table and the
 * receive and send paths. Incoming datagrams are matched to connections in
 * exactly one place, keyed by (remote address, remote UDP port, transport
 * identity): the peer map finds the peer (and its security session), the
 * transport's demux key (TCP ports, SCTP verification tag) finds the
 * connection. A later mobility feature replaces the address part with a
 * connection ID; an address change is never accepted from an
 * unauthenticated packet (today a new address is simply a new peer).
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { Decapsulated } from '../contracts/encapsulation.js';
import type { HandshakeInfo, SecurityContentKind, SecuritySession } from '../contracts/security.js';
import type { SessionInit, TransportAcceptContext, TransportSession } from '../contracts/transport.js';
import type { Connection } from '../connection/connection.js';
import type { Server } from '../connection/server.js';
import { ConnectionRefusedError, dropReasonOf, StateError } from '../errors.js';
import type { DatagramReceiver, SharedSocket } from './socket-mux.js';
import type { Stack } from './stack.js';
import { ClosedPeers } from './closed-peers.js';

/** A remote UDP endpoint and what this stack holds for it. */
export class Peer {
  /** Security session, or null with `security: 'none'`. */
  security: SecuritySession | null = null;
  /** Result of the security handshake, once complete. */
  handshake: HandshakeInfo | undefined;
  /** Connections with this peer, by transport demux key (changed through {@link Peer.addSession} and {@link Peer.removeSession}). */
  get sessions(): ReadonlyMap<number, Connection> {
    return this.table;
  }
  private readonly table = new Map<number, Connection>();
  /** The connection the last lookup found and its key: one peer mostly has one connection. */
  private lastSession: Connection | undefined;
  private lastSessionKey = 0;
  /** A client connection waiting for the security handshake. */
  pendingClient: { conn: Connection; init: SessionInit } | undefined;

  /**
   * @param endpoint - the endpoint this peer talks through
   * @param address - the peer's UDP address
   */
  constructor(
    readonly endpoint: Endpoint,
    readonly address: PeerAddress,
  ) {}

  /** The connection with demux key `key`, if any. */
  session(key: number): Connection | undefined {
    if (this.lastSession !== undefined && this.lastSessionKey === key) return this.lastSession;
    const conn = this.table.get(key);
    if (conn !== undefined) {
      this.lastSession = conn;
      this.lastSessionKey = key;
    }
    return conn;
  }

  /** Register `conn` under demux key `key`. */
  addSession(key: number, conn: Connection): void {
    this.table.set(key, conn);
    if (this.lastSessionKey === key) this.lastSession = undefined;
  }

  /** Forget `conn` if it is the connection under `key`. */
  removeSession(key: number, conn: Connection): void {
    if (this.table.get(key) !== conn) return;
    this.table.delete(key);
    if (this.lastSession === conn) this.lastSession = undefined;
  }

  /** @internal */
  securityEstablished(info: HandshakeInfo): void {
    this.handshake = info;
    for (const c of this.sessions.values()) {
      c.handshake = info;
      c.emit('handshake', info);
    }
    const pending = this.pendingClient;
    if (pending !== undefined) {
      this.pendingClient = undefined;
      pending.conn.handshake = info;
      pending.conn.emit('handshake', info);
      if (!pending.conn.destroyed) this.endpoint.stack.startSession(this.endpoint, this, pending.conn, pending.init);
    }
  }

  /** @internal */
  securityFailed(error: Error): void {
    const pending = this.pendingClient;
    this.pendingClient = undefined;
    pending?.conn.destroy(error);
    for (const c of [...this.sessions.values()]) c.destroy(error);
    this.security = null;
    this.endpoint.removePeer(this);
  }

  /** @internal */
  securityClosed(): void {
    const pending = this.pendingClient;
    this.pendingClient = undefined;
    pending?.conn.destroy(new StateError('ERR_SECURITY_CLOSED', 'the peer closed the secure session'));
    for (const c of [...this.sessions.values()]) {
      c.drainFromTransport(); // what the transport received before the close reaches the reader
      c.session?.dispose();
      c.closedFromTransport();
    }
    this.security = null;
    this.endpoint.removePeer(this);
  }

  /** @internal */
  emitEvent(name: string, args: unknown[]): void {
    this.pendingClient?.conn.emit(name, ...args);
    for (const c of this.sessions.values()) c.emit(name, ...args);
    this.endpoint.stack.emitSecurityEvent(name, args, this.address);
  }
}

/** A stack's state on one socket. */
export class Endpoint implements DatagramReceiver {
  /** Peers by address, then port. */
  private readonly peers = new Map<string, Map<number, Peer>>();
  /** The peer of the last datagram, with its address and port copied here (see {@link Endpoint.peer}). */
  private lastPeer: Peer | undefined;
  private lastPeerAddress = '';
  private lastPeerPort = -1;
  /** Servers accepting connections on this socket. */
  readonly listeners: Server[] = [];
  /** The socket's local address. */
  readonly localAddress: PeerAddress;
  private released: Promise<void> | undefined;
  /** Secure peers closed a moment ago (their late datagrams count as `after_close`). */
  private readonly closedPeers: ClosedPeers;

  /**
   * @param stack - the owning stack
   * @param socket - the (possibly shared) socket
   * @param client - true for a connected client socket
   */
  constructor(
    readonly stack: Stack,
    readonly socket: SharedSocket,
    readonly client: boolean,
  ) {
    this.localAddress = socket.socket.address();
    this.closedPeers = new ClosedPeers(stack.clock);
  }

  /** {@inheritDoc DatagramReceiver.accepts} */
  accepts(dec: Decapsulated): boolean {
    return this.stack.acceptsHeader(dec);
  }

  /** {@inheritDoc DatagramReceiver.control} */
  control(ctype: number, payload: Uint8Array, from: PeerAddress): void {
    this.stack.emitControl(ctype, payload, from);
  }

  /** {@inheritDoc DatagramReceiver.drop} */
  drop(reason: string): void {
    this.stack.countDrop(reason);
  }

  /**
   * An ICMP port unreachable (`ECONNREFUSED`) on a client socket fails the
   * connection attempts still in a handshake (transport or security), as
   * kernel TCP does in SYN-SENT (RFC 1122 §4.2.3.9, "hard errors"). An
   * established connection only counts it (the substrate's `sendErrors`):
   * ICMP is unauthenticated, and RFC 5927 §4.1 advises against aborting a
   * synchronized connection on it. Servers ignore it (their socket is not
   * connected, so Linux does not report it there).
   */
  socketError(code: string): void {
    this.stack.countSocketError(code);
    if (code !== 'ECONNREFUSED' || !this.client) return;
    for (const peer of this.allPeers()) {
      const refused = new ConnectionRefusedError(peer.address.address, peer.address.port);
      peer.pendingClient?.conn.destroy(refused);
      for (const conn of [...peer.sessions.values()]) if (!conn.connected) conn.destroy(refused);
    }
  }

  /** Look up a peer. */
  peer(from: PeerAddress): Peer | undefined {
    // Most datagrams come from the peer of the previous one (always, on a client socket):
    // compare with it before the two map lookups. Its address and port are copied onto the
    // endpoint, so this common case reads no other object (see the performance guide).
    if (this.lastPeerPort === from.port && this.lastPeerAddress === from.address) return this.lastPeer;
    const p = this.peers.get(from.address)?.get(from.port);
    if (p !== undefined) {
      this.lastPeer = p;
      this.lastPeerAddress = p.address.address;
      this.lastPeerPort = p.address.port;
    }
    return p;
  }

  /** Create (or return) the peer for an address. */
  addPeer(address: PeerAddress): Peer {
    let ports = this.peers.get(address.address);
    if (ports === undefined) this.peers.set(address.address, (ports = new Map()));
    let p = ports.get(address.port);
    if (p === undefined) {
      p = new Peer(this, { address: address.address, family: address.family, port: address.port });
      ports.set(address.port, p);
    }
    return p;
  }

  /** Forget a peer (its security session must be closed already). */
  removePeer(peer: Peer): void {
    if (!this.stack.passthrough) this.closedPeers.add(peer.address);
    const ports = this.peers.get(peer.address.address);
    if (this.lastPeer === peer) {
      this.lastPeer = undefined;
      this.lastPeerAddress = '';
      this.lastPeerPort = -1;
    }
    if (ports?.get(peer.address.port) === peer) {
      ports.delete(peer.address.port);
      if (ports.size === 0) this.peers.delete(peer.address.address);
    }
    void this.maybeRelease();
  }

  /** Number of peers with state. */
  get peerCount(): number {
    let n = 0;
    for (const m of this.peers.values()) n += m.size;
    return n;
  }

  /** {@inheritDoc DatagramReceiver.receive} */
  receive(data: Uint8Array, dec: Decapsulated, from: PeerAddress): void {
    const stack = this.stack;
    stack.countReceived(data.length);
    if (stack.capture !== undefined) stack.captureDatagram(from, this.localAddress, [data]);
    const payload = dec.payloadOffset === 0 ? data : data.subarray(dec.payloadOffset);
    const peer = this.peer(from);
    if (stack.passthrough) {
      this.toTransport(peer, payload, from);
      return;
    }
    if (peer !== undefined && peer.security !== null) {
      peer.security.handleDatagram(payload);
      return;
    }
    const closed = this.closedPeers.has(from);
    if (this.listeners.length === 0) {
      stack.countDrop(closed ? 'after_close' : 'no_session');
      return;
    }
    let accepted: boolean;
    try {
      accepted = stack.security.accept(payload, {
        peer: from,
        reply: (parts, kind) => this.transmit(parts, from, kind),
        drop: (reason) => stack.countDrop(closed ? 'after_close' : reason),
        clock: stack.clock,
        random: stack.random,
      });
    } catch (err) {
      stack.countDrop(dropReasonOf(err));
      return;
    }
    if (!accepted) return;
    const p = this.addPeer(from);
    p.security = stack.createSecuritySession(this, p, 'server');
    p.security.start();
    p.security.handleDatagram(payload);
  }

  /** Hand a (decrypted) transport payload to its session, or to the transport's unmatched handler. */
  toTransport(peer: Peer | undefined, payload: Uint8Array, from: PeerAddress = (peer as Peer).address): void {
    const stack = this.stack;
    let key: number;
    try {
      key = stack.transport.demuxKey(payload);
    } catch (err) {
      stack.countDrop(dropReasonOf(err));
      return;
    }
    const conn = peer?.session(key);
    if (conn !== undefined && conn.session !== undefined) {
      conn.session.handleDatagram(payload);
      return;
    }
    try {
      stack.transport.handleUnmatched(payload, this.acceptContext(peer, from));
    } catch (err) {
      stack.countDrop(dropReasonOf(err));
    }
  }

  private acceptContext(peer: Peer | undefined, from: PeerAddress): TransportAcceptContext {
    const stack = this.stack;
    return {
      peer: peer?.address ?? from,
      local: this.localAddress,
      listening: (port) => this.listenerFor(port) !== undefined,
      accept: (init): TransportSession => {
        const listener = this.listenerFor(init.localPort);
        if (listener === undefined) throw new StateError('ERR_NOT_LISTENING', `no listener for transport port ${init.localPort}`);
        const p = peer ?? this.addPeer(from);
        return stack.acceptConnection(this, p, listener, init);
      },
      reply: (parts) => {
        const sec = peer?.security;
        if (sec) sec.send(parts);
        else this.transmit(parts, from, 'application');
      },
      drop: (reason) => stack.countDrop(reason),
      clock: stack.clock,
      random: stack.random,
      maxDatagramSize: stack.transportMaxDatagram,
    };
  }

  /** The listener for a transport port: an exact match first, then a wildcard listener. */
  listenerFor(port: number): Server | undefined {
    let wildcard: Server | undefined;
    for (const l of this.listeners) {
      if (l.transportPort === port) return l;
      if (l.transportPort === undefined && wildcard === undefined) wildcard = l;
    }
    return wildcard;
  }

  /** Send one datagram: the encapsulation header, then `parts`. */
  transmit(parts: readonly Uint8Array[], to: PeerAddress, kind: SecurityContentKind): void {
    if (this.released !== undefined) return;
    const stack = this.stack;
    const hdr = kind === 'application' ? stack.dataHeader : stack.handshakeHeader;
    let out: readonly Uint8Array[];
    if (hdr.length === 0) out = parts;
    else if (parts.length === 1) out = [hdr, parts[0]];
    else if (parts.length === 2) out = [hdr, parts[0], parts[1]];
    else if (parts.length === 3) out = [hdr, parts[0], parts[1], parts[2]];
    else out = [hdr, ...parts];
    if (!stack.admitSend(out)) return;
    if (stack.capture !== undefined) stack.captureDatagram(this.localAddress, to, out);
    this.socket.socket.send(out, this.client ? undefined : to);
  }

  /**
   * The last server on this socket closed: end the secure sessions that carry
   * no connection (a DTLS peer whose first datagram has not arrived yet, or
   * whose handshake is still running). Nothing could be accepted through them
   * any more; closing them sends close_notify, so the peer's connection ends
   * instead of sending into a socket that drops everything as `no_listener`.
   * Peers with connections go on, as the server's open connections do.
   */
  closeIdlePeers(): void {
    for (const peer of this.allPeers()) {
      if (peer.sessions.size > 0 || peer.pendingClient !== undefined || peer.security === null) continue;
      const s = peer.security;
      peer.security = null;
      s.close();
      this.removePeer(peer);
    }
  }

  /** Release the socket when nothing uses this endpoint any more; settles once it is closed (undefined if it stays). */
  maybeRelease(): Promise<void> | undefined {
    if (this.released !== undefined || this.listeners.length > 0 || this.peers.size > 0) return undefined;
    return this.release();
  }

  /** Detach from the socket (closing it when no other stack uses it). */
  release(): Promise<void> {
    if (this.released === undefined) {
      this.stack.forgetEndpoint(this);
      this.released = this.socket.remove(this);
    }
    return this.released;
  }

  /** Every peer (for teardown). */
  allPeers(): Peer[] {
    const out: Peer[] = [];
    for (const m of this.peers.values()) for (const p of m.values()) out.push(p);
    return out;
  }
}
