/**
 * The contexts handed to sessions: the only way a transport or security
 * session talks to the outside. One instance per connection (transport) or
 * per peer (security), created once; nothing here allocates per packet.
 *
 * @module
 */
import type { DependencyContainer } from 'tsyringe';
import type { PeerAddress } from '../contracts/address.js';
import type { CongestionController, CongestionParameters, RttStats } from '../contracts/congestion.js';
import type { HandshakeInfo, SecurityContentKind, SecurityContext } from '../contracts/security.js';
import type { MessageInfo, TransportContext } from '../contracts/transport.js';
import type { Connection } from '../connection/connection.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { RandomSource } from '../random/random.js';
import type { Tracer } from '../trace/tracer.js';
import type { Endpoint, Peer } from './endpoint.js';

/** The {@link TransportContext} of one connection. */
export class ConnectionContext implements TransportContext {
  /** {@inheritDoc TransportContext.clock} */
  readonly clock: Clock;
  /** {@inheritDoc TransportContext.timers} */
  readonly timers: TimerService;
  /** {@inheritDoc TransportContext.random} */
  readonly random: RandomSource;
  /** {@inheritDoc TransportContext.tracer} */
  readonly tracer: Tracer;
  /** {@inheritDoc TransportContext.maxDatagramSize} */
  readonly maxDatagramSize: number;
  /** {@inheritDoc TransportContext.secured} */
  readonly secured: boolean;
  /** {@inheritDoc TransportContext.peer} */
  readonly peer: PeerAddress;
  /** {@inheritDoc TransportContext.local} */
  readonly local: PeerAddress;

  /**
   * @param role - client or server
   * @param conn - the connection (upward events)
   * @param peerState - the peer (send path)
   * @param endpoint - the endpoint (stack services)
   * @param tracer - connection tracer
   * @param scope - the connection's DI scope (congestion controllers are resolved in it)
   */
  constructor(
    readonly role: 'client' | 'server',
    private readonly conn: Connection,
    private readonly peerState: Peer,
    private readonly endpoint: Endpoint,
    tracer: Tracer,
    private readonly scope: DependencyContainer,
  ) {
    const stack = endpoint.stack;
    this.clock = stack.clock;
    this.timers = stack.timers;
    this.random = stack.random;
    this.tracer = tracer;
    this.maxDatagramSize = stack.transportMaxDatagram;
    this.secured = !stack.passthrough;
    this.peer = peerState.address;
    this.local = endpoint.localAddress;
  }

  /** {@inheritDoc TransportContext.sendDown} */
  sendDown(parts: readonly Uint8Array[]): void {
    if (!this.secured) {
      this.endpoint.transmit(parts, this.peerState.address, 'application');
      return;
    }
    // Never fall back to plaintext: without its security session the datagram is dropped.
    const sec = this.peerState.security;
    if (sec !== null) sec.send(parts);
    else this.drop('security_closed');
  }

  /** {@inheritDoc TransportContext.deliver} */
  deliver(data: Uint8Array, info?: MessageInfo): boolean {
    return this.conn.deliverFromTransport(data, info);
  }

  /** {@inheritDoc TransportContext.opened} */
  opened(): void {
    this.conn.openedFromTransport();
  }

  /** {@inheritDoc TransportContext.writable} */
  writable(): void {
    this.conn.writableFromTransport();
  }

  /** {@inheritDoc TransportContext.remoteEnded} */
  remoteEnded(): void {
    this.conn.remoteEndedFromTransport();
  }

  /** {@inheritDoc TransportContext.closed} */
  closed(error?: Error): void {
    this.conn.closedFromTransport(error);
  }

  /** {@inheritDoc TransportContext.emitEvent} */
  emitEvent(name: string, ...args: unknown[]): void {
    this.conn.emit(name, ...args);
  }

  /** {@inheritDoc TransportContext.drop} */
  drop(reason: string): void {
    this.conn.countDrop(reason);
    this.endpoint.stack.countDrop(reason);
  }

  /** {@inheritDoc TransportContext.createCongestionController} */
  createCongestionController(mss: number, rtt: RttStats, params: CongestionParameters = {}): CongestionController {
    return this.endpoint.stack.createCongestionController({ mss, rtt, params, clock: this.clock, tracer: this.tracer }, this.scope);
  }
}

/** The {@link SecurityContext} of one peer. */
export class PeerSecurityContext implements SecurityContext {
  /** {@inheritDoc SecurityContext.clock} */
  readonly clock: Clock;
  /** {@inheritDoc SecurityContext.timers} */
  readonly timers: TimerService;
  /** {@inheritDoc SecurityContext.random} */
  readonly random: RandomSource;
  /** {@inheritDoc SecurityContext.tracer} */
  readonly tracer: Tracer;
  /** {@inheritDoc SecurityContext.maxDatagramSize} */
  readonly maxDatagramSize: number;
  /** {@inheritDoc SecurityContext.peer} */
  readonly peer: PeerAddress;

  /**
   * @param role - client or server
   * @param peerState - the peer this session protects
   * @param endpoint - its endpoint
   */
  constructor(
    readonly role: 'client' | 'server',
    private readonly peerState: Peer,
    private readonly endpoint: Endpoint,
  ) {
    const stack = endpoint.stack;
    this.clock = stack.clock;
    this.timers = stack.timers;
    this.random = stack.random;
    this.tracer = stack.tracer.enabled ? stack.tracer.child(`peer ${peerState.address.address}:${peerState.address.port}`) : stack.tracer;
    this.maxDatagramSize = stack.securityMaxDatagram;
    this.peer = peerState.address;
  }

  /** {@inheritDoc SecurityContext.sendDown} */
  sendDown(parts: readonly Uint8Array[], kind: SecurityContentKind): void {
    this.endpoint.transmit(parts, this.peerState.address, kind);
  }

  /** {@inheritDoc SecurityContext.deliver} */
  deliver(plaintext: Uint8Array): void {
    this.endpoint.toTransport(this.peerState, plaintext);
  }

  /** {@inheritDoc SecurityContext.established} */
  established(info: HandshakeInfo): void {
    this.peerState.securityEstablished(info);
  }

  /** {@inheritDoc SecurityContext.failed} */
  failed(error: Error): void {
    this.peerState.securityFailed(error);
  }

  /** {@inheritDoc SecurityContext.closed} */
  closed(): void {
    this.peerState.securityClosed();
  }

  /** {@inheritDoc SecurityContext.emitEvent} */
  emitEvent(name: string, ...args: unknown[]): void {
    this.peerState.emitEvent(name, args);
  }

  /** {@inheritDoc SecurityContext.drop} */
  drop(reason: string): void {
    this.endpoint.stack.countDrop(reason);
  }
}
