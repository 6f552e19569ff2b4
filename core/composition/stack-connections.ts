/**
 * A stack's connections: creating them, the per-connection DI scope their
 * transport session and congestion controllers are resolved in (and the
 * per-peer scope of a security session), waiting for a client connection to
 * open, and forgetting a connection when its session ends. Used by
 * `Stack` (`stack.ts`); nothing here runs per packet.
 *
 * @module
 */
import type { DependencyContainer } from 'tsyringe';
import type { CongestionContext, CongestionController } from '../contracts/congestion.js';
import type { SecuritySession } from '../contracts/security.js';
import type { SessionInit, TransportSession } from '../contracts/transport.js';
import { Connection } from '../connection/connection.js';
import type { Server } from '../connection/server.js';
import { StateError, ToukitError } from '../errors.js';
import { ConnectionContext, PeerSecurityContext } from './contexts.js';
import type { Endpoint, Peer } from './endpoint.js';
import type { Stack } from './stack.js';
import { TOKENS } from './tokens.js';

/**
 * The last connection number given in each id space: stacks that trace into the same sink
 * (or tracer) share one sequence, so the ids in one trace are unique, and a run repeated in
 * the same process (same seed) numbers its connections the same way.
 */
const lastIds = new WeakMap<object, number>();

/** @internal The connections of one stack and the DI scopes of their sessions. */
export class StackConnections {
  private readonly table = new Map<Connection, { endpoint: Endpoint; peer: Peer }>();

  /**
   * @param stack - the owning stack (each connection's owner; clock and tracer)
   * @param container - the stack's DI container (scopes are its children)
   * @param counters - the stack's counters (`connectionsOpened` is counted here)
   * @param idSpace - what connection ids are unique within: the stack's trace destination, or the stack
   */
  constructor(
    private readonly stack: Stack,
    private readonly container: DependencyContainer,
    private readonly counters: { connectionsOpened: number },
    private readonly idSpace: object = stack,
  ) {}

  /** Number of live connections. */
  get size(): number {
    return this.table.size;
  }

  /** A snapshot of the live connections (for teardown). */
  list(): Connection[] {
    return [...this.table.keys()];
  }

  private nextId(): number {
    const n = (lastIds.get(this.idSpace) ?? 0) + 1;
    lastIds.set(this.idSpace, n);
    return n;
  }

  /** Create a connection with a peer and track it. */
  newConnection(endpoint: Endpoint, peer: Peer): Connection {
    const conn = new Connection(
      this.stack,
      `c${this.nextId()}`,
      {
        localAddress: endpoint.localAddress.address,
        localPort: endpoint.localAddress.port,
        remoteAddress: peer.address.address,
        remotePort: peer.address.port,
        remoteFamily: peer.address.family,
      },
      this.stack.clock.now(),
    );
    conn.handshake = peer.handshake;
    this.table.set(conn, { endpoint, peer });
    this.counters.connectionsOpened++;
    return conn;
  }

  private createTransportSession(endpoint: Endpoint, peer: Peer, conn: Connection, init: SessionInit): TransportSession {
    const scope = this.container.createChildContainer();
    const tracer = this.stack.tracer.enabled ? this.stack.tracer.child(conn.id) : this.stack.tracer;
    const ctx = new ConnectionContext(init.role, conn, peer, endpoint, tracer, scope);
    scope.register(TOKENS.TransportContext, { useValue: ctx });
    scope.register(TOKENS.SessionInit, { useValue: init });
    const session = scope.resolve<TransportSession>(TOKENS.TransportSession);
    conn.session = session;
    peer.addSession(session.demuxKey, conn);
    return session;
  }

  /** Start a client session once the security layer (if any) is up. */
  startSession(endpoint: Endpoint, peer: Peer, conn: Connection, init: SessionInit): void {
    let session: TransportSession;
    try {
      session = this.createTransportSession(endpoint, peer, conn, init);
    } catch (err) {
      conn.destroy(err as Error);
      return;
    }
    session.start();
  }

  /** A listener accepted a connection. */
  acceptConnection(endpoint: Endpoint, peer: Peer, server: Server, init: SessionInit): TransportSession {
    const conn = this.newConnection(endpoint, peer);
    server.track(conn);
    return this.createTransportSession(endpoint, peer, conn, init);
  }

  /** Resolve a peer's security session in its own scope. */
  createSecuritySession(endpoint: Endpoint, peer: Peer, role: 'client' | 'server'): SecuritySession {
    const scope = this.container.createChildContainer();
    scope.register(TOKENS.SecurityContext, { useValue: new PeerSecurityContext(role, peer, endpoint) });
    return scope.resolve<SecuritySession>(TOKENS.SecuritySession);
  }

  /** Resolve a congestion controller in a child of a connection's scope. */
  createCongestionController(ctx: CongestionContext, scope: DependencyContainer): CongestionController {
    const s = scope.createChildContainer();
    s.register(TOKENS.CongestionContext, { useValue: ctx });
    return s.resolve<CongestionController>(TOKENS.CongestionController);
  }

  /** A connection's session ended: forget it, and its peer once nothing uses the peer. */
  release(conn: Connection): void {
    const entry = this.table.get(conn);
    if (entry === undefined) return;
    this.table.delete(conn);
    const { endpoint, peer } = entry;
    if (conn.session !== undefined) peer.removeSession(conn.session.demuxKey, conn);
    if (peer.pendingClient?.conn === conn) peer.pendingClient = undefined;
    if (peer.sessions.size === 0 && peer.pendingClient === undefined) {
      if (peer.security !== null) {
        const s = peer.security;
        peer.security = null;
        s.close();
      }
      endpoint.removePeer(peer);
    }
  }
}

/**
 * @internal Resolves with the connection once it is established; rejects if it
 * closes first or `signal` aborts (which destroys it).
 */
export function whenConnected(conn: Connection, signal: AbortSignal | undefined): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    // Until the promise settles, an error is reported by the rejection. After it resolves, the
    // caller adds its own 'error' listener once `await` returns, one event-loop turn later at the
    // earliest: an error raised before that (a peer that completes the handshake and aborts in the
    // same datagram) is held meanwhile and then handed to the caller's listeners, if it added any
    // (conn.errored keeps it either way). After that turn an 'error' without a listener is as
    // fatal as on a net.Socket.
    let held: Error | undefined;
    const guard = (err: Error): void => {
      held ??= err;
    };
    const onConnect = (): void => {
      cleanup(false);
      resolve(conn);
      setImmediate(() => {
        conn.off('error', guard);
        if (held !== undefined && conn.listenerCount('error') > 0) conn.emit('error', held);
      });
    };
    const onClose = (): void => {
      cleanup(true);
      reject(conn.errored ?? new StateError('ERR_CONNECTION_CLOSED', 'the connection closed before it was established'));
    };
    const onAbort = (): void => {
      cleanup(true);
      const reason: unknown = signal?.reason;
      conn.destroy();
      reject(reason instanceof Error ? reason : new ToukitError('ABORT_ERR', 'connect aborted'));
    };
    const cleanup = (dropGuard: boolean): void => {
      conn.off('connect', onConnect);
      conn.off('close', onClose);
      if (dropGuard) conn.off('error', guard);
      signal?.removeEventListener('abort', onAbort);
    };
    conn.on('connect', onConnect);
    conn.on('close', onClose);
    conn.on('error', guard);
    // A signal that fired while the socket was being bound fires no 'abort' event any more.
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
