/**
 * A running stack: listening, connecting, describing, statistics and
 * teardown. Built by `createStack` (`create-stack.ts`); its connections and
 * the DI scopes of their sessions are kept in `stack-connections.ts`.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import type { DependencyContainer } from 'tsyringe';
import { EventEmitter } from 'eventemitter3';
import { totalLength } from '../bytes.js';
import { familyOf, type PeerAddress } from '../contracts/address.js';
import type { CongestionContext, CongestionController } from '../contracts/congestion.js';
import { PROTO_NONE, type Decapsulated, type Encapsulation } from '../contracts/encapsulation.js';
import type { Layer } from '../contracts/plugin.js';
import type { HandshakeInfo, SecurityProtocol, SecuritySession } from '../contracts/security.js';
import type { Substrate } from '../contracts/substrate.js';
import type { SessionInit, TransportProtocol, TransportSession } from '../contracts/transport.js';
import type { Connection, ConnectionOwner } from '../connection/connection.js';
import { Server } from '../connection/server.js';
import { ConfigError, StateError } from '../errors.js';
import type { RandomSource } from '../random/random.js';
import { realClock, type Clock, type TimerService } from '../time/clock.js';
import type { DatagramCapture } from '../trace/capture.js';
import type { Tracer } from '../trace/tracer.js';
import type { ResolvedStackConfig } from './config.js';
import { Endpoint, type Peer } from './endpoint.js';
import { planHeaders } from './stack-headers.js';
import { SharedSocket } from './socket-mux.js';
import { StackConnections, whenConnected } from './stack-connections.js';
import { TOKENS } from './tokens.js';
import type { ConnectOptions, DescribedLayer, ListenOptions, StackDescription, StackEvents } from './stack-types.js';

export type { ConnectOptions, ControlMessage, DescribedLayer, ListenOptions, StackDescription, StackEvents } from './stack-types.js';

/** A running stack. Create with {@link createStack}. */
export class Stack extends EventEmitter<StackEvents> implements ConnectionOwner {
  /** @internal */ readonly clock: Clock;
  /** @internal */ readonly timers: TimerService;
  /** @internal */ readonly random: RandomSource;
  /** @internal */ readonly tracer: Tracer;
  /** @internal */ readonly capture: DatagramCapture | undefined;
  /** @internal Added to stack-clock times in captures (wall-clock epoch for the real clock). */
  private readonly captureEpoch: number;
  /** @internal */ readonly encapsulation: Encapsulation;
  /** @internal */ readonly security: SecurityProtocol;
  /** @internal */ readonly transport: TransportProtocol;
  /** @internal */ readonly passthrough: boolean;
  /** @internal */ readonly dataHeader: Uint8Array;
  /** @internal */ readonly handshakeHeader: Uint8Array;
  /** @internal */ readonly transportMaxDatagram: number;
  /** @internal */ readonly securityMaxDatagram: number;
  /**
   * What {@link Stack.acceptsHeader} compares, read once here: the receive path then
   * touches only this object and the decoded header, not the three plugin instances.
   */
  private readonly demultiplexes: boolean;
  private readonly expectedTransform: number;
  private readonly transportProto: number;

  private readonly endpoints = new Set<Endpoint>();
  private readonly servers = new Set<Server>();
  private readonly drops: Record<string, number> = {};
  /** Errors the network reported for the stack's sockets, by Node's code (e.g. `ECONNREFUSED`). */
  private readonly socketErrors: Record<string, number> = {};
  private readonly counters = { datagramsSent: 0, bytesSent: 0, datagramsReceived: 0, bytesReceived: 0, connectionsOpened: 0 };
  private readonly connections: StackConnections;
  private closed = false;

  /** @internal Use {@link createStack}. */
  constructor(
    private readonly resolved: ResolvedStackConfig,
    container: DependencyContainer,
    private readonly substrate: Substrate,
    env: { clock: Clock; timers: TimerService; random: RandomSource; tracer: Tracer; capture?: DatagramCapture; traceTarget?: object },
    private readonly ownsTimers: boolean,
  ) {
    super();
    this.clock = env.clock;
    this.timers = env.timers;
    this.random = env.random;
    this.tracer = env.tracer;
    this.capture = env.capture;
    this.captureEpoch = env.clock === realClock ? Date.now() - performance.now() : 0;
    this.connections = new StackConnections(this, container, this.counters, env.traceTarget);
    this.encapsulation = container.resolve<Encapsulation>(TOKENS.Encapsulation);
    this.security = container.resolve<SecurityProtocol>(TOKENS.Security);
    this.transport = container.resolve<TransportProtocol>(TOKENS.Transport);
    this.demultiplexes = this.encapsulation.demultiplexes;
    this.transportProto = this.transport.proto;
    // The headers sent follow the same rule as the headers accepted (acceptsHeader).
    const plan = planHeaders(this.encapsulation, resolved.layers.encapsulation.plugin.name, this.security, this.transportProto, resolved.mtu);
    this.passthrough = plan.passthrough;
    this.expectedTransform = plan.expectedTransform;
    this.dataHeader = plan.dataHeader;
    this.handshakeHeader = plan.handshakeHeader;
    this.securityMaxDatagram = plan.securityMaxDatagram;
    this.transportMaxDatagram = plan.transportMaxDatagram;
  }

  /** The resolved stack: plugins, options with defaults, per-layer overhead. */
  describe(): StackDescription {
    const L = this.resolved.layers;
    const layer = (l: Layer, overhead: number): DescribedLayer => ({
      name: L[l].plugin.name,
      source: L[l].source,
      options: L[l].options,
      capabilities: [...L[l].plugin.capabilities],
      overhead,
    });
    return {
      mtu: this.resolved.mtu,
      substrate: this.substrate.kind,
      layers: {
        encapsulation: layer('encapsulation', this.dataHeader.length),
        security: layer('security', this.passthrough ? 0 : this.security.overhead),
        transport: layer('transport', this.transport.overhead),
        congestion: layer('congestion', 0),
      },
      maxTransportDatagram: this.transportMaxDatagram,
    };
  }

  /** Counters of the whole stack (JSON-serialisable; bytes; drops by reason; socket errors by code). */
  stats(): Record<string, unknown> {
    let peers = 0;
    for (const e of this.endpoints) peers += e.peerCount;
    return {
      ...this.counters,
      connections: this.connections.size,
      servers: this.servers.size,
      sockets: this.endpoints.size,
      peers,
      drops: { ...this.drops },
      socketErrors: { ...this.socketErrors },
    };
  }

  private defaultPort(): number | undefined {
    return this.encapsulation.defaultPort ?? this.transport.defaultPort;
  }

  /** Listen for connections. */
  async listen(options: ListenOptions = {}): Promise<Server> {
    this.assertOpen();
    const host = options.host ?? this.substrate.defaultHost ?? '127.0.0.1';
    const port = options.port ?? this.defaultPort() ?? 0;
    const shared = await SharedSocket.listen(this.substrate, this.encapsulation, host, port);
    if (this.closed) {
      await shared.closeIfUnused();
      this.assertOpen();
    }
    let endpoint = [...this.endpoints].find((e) => e.socket === shared);
    if (endpoint === undefined) {
      // Another stack on this socket that takes our datagrams would leave this one deaf: refuse, as for a port in use.
      shared.assertUnclaimed([this.dataHeader, this.handshakeHeader]);
      endpoint = new Endpoint(this, shared, false);
      this.endpoints.add(endpoint);
      shared.add(endpoint);
    }
    if (endpoint.listeners.some((l) => l.transportPort === options.transportPort)) {
      throw new StateError('ERR_ADDRESS_IN_USE', `already listening on ${host}:${shared.socket.address().port} for transport port ${options.transportPort ?? '(any)'}`);
    }
    const ep = endpoint;
    const server = new Server(
      {
        removeListener: async (s) => {
          const i = ep.listeners.indexOf(s);
          if (i >= 0) ep.listeners.splice(i, 1);
          this.servers.delete(s);
          if (ep.listeners.length === 0) ep.closeIdlePeers();
          // server.close() resolves once a socket nobody uses any more is closed: the port can be bound again.
          await ep.maybeRelease();
        },
        countDrop: (reason) => this.countDrop(reason),
      },
      ep.localAddress,
      options.transportPort,
    );
    endpoint.listeners.push(server);
    this.servers.add(server);
    return server;
  }

  /**
   * Open a connection; resolves when the handshake(s) completed. An `'error'` the connection raises
   * before the caller's code after `await` has run is held for one event-loop turn and then emitted
   * to the `'error'` listeners added by then (`conn.errored` has it either way).
   */
  async connect(options: ConnectOptions): Promise<Connection> {
    this.assertOpen();
    options.signal?.throwIfAborted();
    const port = options.port ?? this.defaultPort();
    if (port === undefined) throw new ConfigError('port', ['port: expected a UDP port, got nothing (this stack has no default port)']);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('port', [`port: expected an integer ≥ 1 and ≤ 65535, got ${JSON.stringify(port)}`]);
    // A name is resolved once, here: peers, checksums and remoteAddress all use the address.
    const address = this.substrate.resolve ? await this.substrate.resolve(options.host) : options.host;
    options.signal?.throwIfAborted();
    this.assertOpen();
    const family = familyOf(address);
    const remote: PeerAddress = { address, family, port };
    const localHost = options.localAddress ?? (family === 'IPv6' ? '::' : '0.0.0.0');
    const shared = await SharedSocket.connect(this.substrate, this.encapsulation, localHost, remote);
    if (this.closed || options.signal?.aborted === true) {
      // Closed or aborted while the socket was being bound: free it and report that instead.
      await shared.closeIfUnused();
      this.assertOpen();
      options.signal?.throwIfAborted();
    }
    const endpoint = new Endpoint(this, shared, true);
    this.endpoints.add(endpoint);
    shared.add(endpoint);
    const peer = endpoint.addPeer(remote);
    const conn = this.connections.newConnection(endpoint, peer);
    const init: SessionInit = { role: 'client', localPort: endpoint.localAddress.port, remotePort: options.transportPort ?? port };
    const done = whenConnected(conn, options.signal);
    if (this.passthrough) this.startSession(endpoint, peer, conn, init);
    else {
      peer.pendingClient = { conn, init };
      peer.security = this.createSecuritySession(endpoint, peer, 'client');
      peer.security.start();
    }
    return done;
  }

  /** Abort every connection, stop every server, free sockets and timers. Bounded: it does not wait for peers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const endpoints = [...this.endpoints];
    for (const s of [...this.servers]) await s.close();
    for (const conn of this.connections.list()) conn.abortSession();
    for (const e of endpoints) {
      for (const p of e.allPeers()) {
        p.pendingClient?.conn.destroy();
        p.pendingClient = undefined;
        if (p.security !== null) {
          p.security.close();
          p.security = null;
        }
        e.removePeer(p);
      }
    }
    this.transport.close?.();
    this.security.close?.();
    await Promise.all(endpoints.map((e) => e.release()));
    if (this.ownsTimers) this.timers.close();
    await this.capture?.close?.();
  }

  private assertOpen(): void {
    if (this.closed) throw new StateError('ERR_STACK_CLOSED', 'the stack is closed');
  }

  // ---------------------------------------------------------------- internals

  /** @internal Start a client session once the security layer (if any) is up. */
  startSession(endpoint: Endpoint, peer: Peer, conn: Connection, init: SessionInit): void {
    this.connections.startSession(endpoint, peer, conn, init);
  }

  /** @internal A listener accepted a connection. */
  acceptConnection(endpoint: Endpoint, peer: Peer, server: Server, init: SessionInit): TransportSession {
    return this.connections.acceptConnection(endpoint, peer, server, init);
  }

  /** @internal */
  createSecuritySession(endpoint: Endpoint, peer: Peer, role: 'client' | 'server'): SecuritySession {
    return this.connections.createSecuritySession(endpoint, peer, role);
  }

  /** @internal */
  createCongestionController(ctx: CongestionContext, scope: DependencyContainer): CongestionController {
    return this.connections.createCongestionController(ctx, scope);
  }

  /** @internal ConnectionOwner: a connection's session ended. */
  release(conn: Connection): void {
    this.connections.release(conn);
  }

  /** @internal */
  forgetEndpoint(e: Endpoint): void {
    this.endpoints.delete(e);
  }

  /** @internal Whether a decoded header is for this stack's transport and security. */
  acceptsHeader(dec: Decapsulated): boolean {
    if (!this.demultiplexes) return true;
    if (dec.directIp) return false;
    const t = this.expectedTransform;
    if (t === 0) return dec.transformType === 0 && dec.proto === this.transportProto;
    return dec.transformType === t && (dec.originalProto === this.transportProto || dec.originalProto === PROTO_NONE);
  }

  /** @internal Record a datagram in the capture; capture failures are counted, never thrown. */
  captureDatagram(src: PeerAddress, dst: PeerAddress, parts: readonly Uint8Array[]): void {
    try {
      this.capture?.writeDatagram(this.captureEpoch + this.clock.now(), src, dst, parts);
    } catch {
      this.countDrop('capture_error');
    }
  }

  /** @internal */
  countSocketError(code: string): void {
    this.socketErrors[code] = (this.socketErrors[code] ?? 0) + 1;
  }

  /** @internal */
  countDrop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    if (this.tracer.enabled) this.tracer.emit('packet_dropped', { trigger: reason });
  }

  /**
   * @internal Count a datagram about to be sent; false (counted as the drop
   * `oversize_datagram`) when it is larger than the stack's `mtu`: a plugin
   * broke its `maxDatagramSize`, and the path would drop or fragment it.
   */
  admitSend(parts: readonly Uint8Array[]): boolean {
    const length = totalLength(parts);
    if (length > this.resolved.mtu) {
      this.countDrop('oversize_datagram');
      return false;
    }
    this.counters.datagramsSent++;
    this.counters.bytesSent += length;
    return true;
  }

  /** @internal */
  countReceived(bytes: number): void {
    this.counters.datagramsReceived++;
    this.counters.bytesReceived += bytes;
  }

  /** @internal */
  emitControl(ctype: number, payload: Uint8Array, from: PeerAddress): void {
    this.emit('control', { ctype, payload: Uint8Array.from(payload), from });
  }

  /** @internal */
  emitSecurityEvent(name: string, args: unknown[], peer: PeerAddress): void {
    if (name === 'keylog') this.emit('keylog', String(args[0]), peer);
    else if (name === 'handshake') this.emit('handshake', args[0] as HandshakeInfo, peer);
  }
}

export { createStack } from './create-stack.js';
export type { CreateStackOptions } from './create-stack.js';
