/**
 * A simulated host: a {@link Substrate} whose sockets send datagrams over
 * the simulated links and whose environment is the network's virtual
 * clock, a virtual timer service and the host's seeded random stream.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { copyParts, totalLength } from '../bytes.js';
import { familyOf, type AddressFamily, type PeerAddress } from '../contracts/address.js';
import type {
  BindOptions,
  DatagramHandler,
  Substrate,
  SubstrateEnvironment,
  SubstrateSocket,
  SubstrateStats,
} from '../contracts/substrate.js';
import type { Clock } from '../time/clock.js';
import type { SeededRandom } from '../random/random.js';
import { SimConfigError, SimSocketError } from './errors.js';
import type { LinkDirection, LinkEndpoint, LinkSocket } from './link.js';
import { inIntervals } from './options.js';
import type { SimScheduler } from './scheduler.js';
import { SimTimerService } from './timers.js';

/** What a host needs from its network. */
export interface HostNetwork {
  /** The scheduler. */
  readonly scheduler: SimScheduler;
  /** The virtual clock. */
  readonly clock: Clock;
  /** Route a datagram sent by `socket` on `host`. */
  route(host: SimHost, socket: SimSocket, data: Uint8Array, to: PeerAddress): void;
  /** Move `host` to a new address (throws if taken). */
  readdress(host: SimHost, address: string): void;
}

/** Options of {@link SimHost.rebind} (NAT rebinding as the peer sees it). */
export interface RebindOptions {
  /** New address of the host (every socket's source changes). */
  readonly address?: string;
  /** New public port (0: a fresh ephemeral port) of `socket`, or of the host's only socket. */
  readonly port?: number;
  /** The socket whose port changes (required when the host has several). */
  readonly socket?: SimSocket;
}

const FIRST_EPHEMERAL = 49152;
const SLAB = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB);
let slabOffset = 0;

/**
 * A private buffer for a datagram copy, carved from a shared slab (one
 * large allocation per 64 KiB instead of one external buffer per datagram;
 * a retained datagram keeps at most 64 KiB alive). It is a `Buffer`, as
 * `node:dgram` delivers, so streams need not convert it.
 */
function allocate(size: number): Uint8Array {
  if (size > SLAB >>> 3) return Buffer.allocUnsafeSlow(size);
  if (slabOffset + size > SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    slabOffset = 0;
  }
  const view = slab.subarray(slabOffset, slabOffset + size);
  slabOffset = (slabOffset + size + 7) & ~7;
  return view;
}
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * A socket of a simulated host. `address()` is the local address it was
 * bound with; peers see its public address (different after a rebind).
 */
export class SimSocket implements SubstrateSocket, LinkSocket {
  private handler: DatagramHandler | undefined;
  private closed = false;
  private readonly st: SubstrateStats = {
    datagramsSent: 0,
    bytesSent: 0,
    datagramsReceived: 0,
    bytesReceived: 0,
    sendErrors: {},
  };

  /**
   * @param host - owning host
   * @param local - local address
   * @param remote - connected peer, if any
   * @param publicAddress - the source address peers see
   */
  constructor(
    private readonly host: SimHost,
    private readonly local: PeerAddress,
    readonly remote: PeerAddress | undefined,
    public publicAddress: PeerAddress,
  ) {}

  /** {@inheritDoc SubstrateSocket.address} */
  address(): PeerAddress {
    return this.local;
  }

  /** Whether the socket is closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** {@inheritDoc SubstrateSocket.onDatagram} */
  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
  }

  /**
   * Send one datagram made of `parts` concatenated.
   * The parts are copied at once (the caller may reuse them). Like the real
   * UDP substrate it never throws; failures are counted in
   * `stats().sendErrors`: `closed` (after close), `no_destination` (no `to`
   * on an unconnected socket), `wrong_peer` (`to` differs from the
   * connected peer; the datagram is dropped), `no_route` (no host or link
   * for the destination).
   */
  send(parts: readonly Uint8Array[], to?: PeerAddress): void {
    const remote = this.remote;
    let dest: PeerAddress;
    if (remote !== undefined) {
      if (to !== undefined && (to.port !== remote.port || to.address !== remote.address)) {
        this.countSendError('wrong_peer');
        return;
      }
      dest = remote;
    } else if (to === undefined) {
      this.countSendError('no_destination');
      return;
    } else {
      dest = to;
    }
    if (this.closed) {
      this.countSendError('closed');
      return;
    }
    const total = totalLength(parts);
    const data = allocate(total);
    copyParts(parts, data);
    this.st.datagramsSent++;
    this.st.bytesSent += total;
    this.host.transmit(this, data, dest);
  }

  /** {@inheritDoc SubstrateSocket.stats} */
  stats(): SubstrateStats {
    return { ...this.st, sendErrors: { ...this.st.sendErrors } };
  }

  /** {@inheritDoc SubstrateSocket.close} */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.host.release(this);
    }
    return Promise.resolve();
  }

  /** @internal count a send error */
  countSendError(reason: string): void {
    this.st.sendErrors[reason] = (this.st.sendErrors[reason] ?? 0) + 1;
  }

  /** @internal delivery from a link; returns true when the handler ran */
  receive(data: Uint8Array, from: PeerAddress): boolean {
    this.st.datagramsReceived++;
    this.st.bytesReceived += data.length;
    const h = this.handler;
    if (h === undefined) return false;
    h(data, from);
    return true;
  }
}

/** A simulated host (create it with `SimNetwork.host(address)`). */
export class SimHost implements Substrate, LinkEndpoint {
  /** Substrate kind. */
  readonly kind = 'sim';
  /** The address the host was created with (stable label used in link names and traces). */
  readonly label: string;
  /** @internal links from this host, by destination host */
  readonly routes = new Map<SimHost, LinkDirection>();
  private addr: string;
  private fam: AddressFamily;
  private readonly sockets = new Map<number, SimSocket>();
  private readonly down: [number, number][] = [];
  private nextEphemeral = FIRST_EPHEMERAL;

  /**
   * @param net - the owning network
   * @param address - IPv4 or IPv6 address label
   * @param random - the host's random stream
   */
  constructor(
    private readonly net: HostNetwork,
    address: string,
    /** The host's seeded random stream (the `random` of its environment). */
    readonly random: SeededRandom,
  ) {
    this.label = address;
    this.addr = address;
    this.fam = familyOf(address);
  }

  /** `listen()` without a host binds the host's own address. */
  get defaultHost(): string {
    return this.addr;
  }

  /** Current address (changes with {@link SimHost.rebind}). */
  get address(): string {
    return this.addr;
  }

  /** Address family. */
  get family(): AddressFamily {
    return this.fam;
  }

  /**
   * The virtual clock, a timer service in virtual time and the host's
   * random stream. Each read returns a fresh timer service, so every stack
   * on the host closes only its own timers.
   */
  get environment(): SubstrateEnvironment {
    return { clock: this.net.clock, timers: new SimTimerService(this.net.scheduler), random: this.random };
  }

  /** Open sockets, by public port. */
  get openSockets(): readonly SimSocket[] {
    return [...this.sockets.values()];
  }

  /**
   * Bind a socket.
   * `host` must be the host's address or a wildcard (`0.0.0.0`, `::`);
   * port 0 takes the next free ephemeral port from 49152. Rejects with
   * {@link SimSocketError} `ERR_SIM_ADDR_NOT_AVAILABLE` or `ERR_SIM_ADDR_IN_USE`.
   */
  bind(options: BindOptions): Promise<SimSocket> {
    try {
      return Promise.resolve(this.bindSync(options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Synchronous {@link SimHost.bind}. */
  bindSync(options: BindOptions): SimSocket {
    if (!WILDCARDS.has(options.host) && options.host !== this.addr) {
      throw new SimSocketError('ERR_SIM_ADDR_NOT_AVAILABLE', `${options.host} is not an address of host ${this.addr}`);
    }
    const port = options.port === 0 ? this.ephemeralPort() : options.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SimSocketError('ERR_SIM_ADDR_NOT_AVAILABLE', `invalid port ${String(options.port)}`);
    }
    if (this.sockets.has(port)) throw new SimSocketError('ERR_SIM_ADDR_IN_USE', `${this.addr}:${port} is in use`);
    const local: PeerAddress = { address: this.addr, family: this.fam, port };
    const socket = new SimSocket(this, local, options.connect, local);
    this.sockets.set(port, socket);
    return socket;
  }

  /**
   * NAT rebinding: the host's address and/or one socket's public port
   * change; peers see the new source on the next datagram, and datagrams
   * to the old one are dropped (`no_route` / `port_unreachable`).
   */
  rebind(options: RebindOptions): void {
    if (options.address !== undefined && options.address !== this.addr) {
      this.net.readdress(this, options.address);
      this.addr = options.address;
      this.fam = familyOf(options.address);
      for (const s of this.sockets.values()) {
        s.publicAddress = { address: this.addr, family: this.fam, port: s.publicAddress.port };
      }
    }
    if (options.port !== undefined) {
      const socket = options.socket ?? (this.sockets.size === 1 ? [...this.sockets.values()][0] : undefined);
      if (socket === undefined || socket.isClosed) {
        throw new SimConfigError('rebind.socket', 'name the (open) socket whose port changes');
      }
      const port = options.port === 0 ? this.ephemeralPort() : options.port;
      if (this.sockets.has(port)) throw new SimSocketError('ERR_SIM_ADDR_IN_USE', `${this.addr}:${port} is in use`);
      this.sockets.delete(socket.publicAddress.port);
      this.sockets.set(port, socket);
      socket.publicAddress = { address: this.addr, family: this.fam, port };
    }
  }

  /** Add an outage `[from, to)` (absolute ms): every link of the host is down. */
  addOutage(from: number, to: number): void {
    this.down.push([from, to]);
  }

  /** {@inheritDoc LinkEndpoint.isDown} */
  isDown(t: number): boolean {
    return this.down.length !== 0 && inIntervals(this.down, t);
  }

  /** {@inheritDoc LinkEndpoint.socketAt} */
  socketAt(port: number): SimSocket | undefined {
    return this.sockets.get(port);
  }

  /** @internal */
  transmit(socket: SimSocket, data: Uint8Array, to: PeerAddress): void {
    this.net.route(this, socket, data, to);
  }

  /** @internal */
  release(socket: SimSocket): void {
    const port = socket.publicAddress.port;
    if (this.sockets.get(port) === socket) this.sockets.delete(port);
  }

  private ephemeralPort(): number {
    for (let i = 0; i <= 65535 - FIRST_EPHEMERAL; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p === 65535 ? FIRST_EPHEMERAL : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    throw new SimSocketError('ERR_SIM_ADDR_IN_USE', `no free ephemeral port on ${this.addr}`);
  }
}
