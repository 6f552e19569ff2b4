/**
 * Test harness for the `tcp` transport: a tiny virtual clock / timer
 * service, a fake {@link TransportContext} per endpoint, and a scripted
 * link joining two sessions back to back (delay, loss, reordering,
 * duplication, corruption decided per segment by a hook).
 *
 * @module
 */
import { joinBytes } from '../../../../core/bytes.js';
import { createHash } from 'node:crypto';
import type {
  CongestionController,
  CongestionControllerFactory,
  CongestionParameters,
  RttStats,
} from '../../../../core/contracts/congestion.js';
import type { PeerAddress } from '../../../../core/contracts/address.js';
import type { MessageInfo, SessionInit, TransportAcceptContext, TransportContext } from '../../../../core/contracts/transport.js';
import type { Clock, Timer, TimerService } from '../../../../core/time/clock.js';
import { DeadlineHeap } from '../../../../core/time/heap.js';
import type { HeapEntry } from '../../../../core/time/heap.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { nullTracer } from '../../../../core/trace/tracer.js';
import type { Tracer } from '../../../../core/trace/tracer.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { defaultTcpConfig, tcpOptionsSchema } from '../../../../plugins/transport/tcp/config.js';
import type { TcpConfig } from '../../../../plugins/transport/tcp/config.js';
import { TcpProtocol } from '../../../../plugins/transport/tcp/protocol.js';
import { TcpSession } from '../../../../plugins/transport/tcp/session.js';
import { emptyTcpHeader, parseTcpHeader } from '../../../../plugins/transport/tcp/header.js';
import type { TcpHeader } from '../../../../plugins/transport/tcp/header.js';

class VTimer implements Timer, HeapEntry {
  deadline = Infinity;
  seq = 0;
  heapIndex = -1;
  constructor(
    private readonly vt: VirtualTime,
    readonly callback: () => void,
  ) {}
  get armed(): boolean {
    return this.heapIndex >= 0;
  }
  arm(deadline: number): void {
    this.vt.heap.schedule(this, Math.max(deadline, this.vt.now()));
  }
  cancel(): void {
    if (this.heapIndex >= 0) this.vt.heap.remove(this);
    this.deadline = Infinity;
  }
}

/** Virtual clock + timer service. */
export class VirtualTime implements Clock, TimerService {
  /** Scheduled timers. */
  readonly heap = new DeadlineHeap<VTimer>();
  private t = 0;
  /** Current virtual time in ms. */
  now(): number {
    return this.t;
  }
  /** {@inheritDoc TimerService.createTimer} */
  createTimer(callback: () => void): Timer {
    return new VTimer(this, callback);
  }
  /** One-shot callback at `at` (allocates: tests only). */
  at(at: number, fn: () => void): void {
    this.createTimer(fn).arm(at);
  }
  /** Run events until `until` (inclusive) or nothing is left; returns events run. */
  runUntil(until: number, maxEvents = 50_000_000): number {
    let n = 0;
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined || e.deadline > until) break;
      this.heap.pop();
      this.t = Math.max(this.t, e.deadline);
      e.deadline = Infinity;
      e.callback();
      if (++n > maxEvents) throw new Error('too many events');
    }
    if (until !== Infinity) this.t = Math.max(this.t, until);
    return n;
  }
  /** Run for `ms` more. */
  advance(ms: number): void {
    this.runUntil(this.t + ms);
  }
  /** Run until `cond()` holds (checked after each event) or `limit` ms pass; returns whether it holds. */
  runWhile(cond: () => boolean, limit: number): boolean {
    const end = this.t + limit;
    while (!cond()) {
      const e = this.heap.peek();
      if (e === undefined || e.deadline > end) {
        this.t = Math.max(this.t, end);
        return cond();
      }
      this.heap.pop();
      this.t = Math.max(this.t, e.deadline);
      e.deadline = Infinity;
      e.callback();
    }
    return true;
  }
  /** {@inheritDoc TimerService.close} */
  close(): void {
    this.heap.clear();
  }
}

/** What the link does with one segment. */
export interface LinkVerdict {
  /** Drop it. */
  drop?: boolean;
  /** Extra delay in ms (reordering). */
  extraDelay?: number;
  /** Deliver it this many extra times. */
  duplicate?: number;
  /** Flip this bit index (of the whole segment) before delivery. */
  flipBit?: number;
}

/** A segment on the wire, with its parsed header for scripts. */
export interface WireSegment {
  /** Time sent (ms). */
  readonly time: number;
  /** Sender name. */
  readonly from: string;
  /** Segment bytes (header + payload). */
  readonly bytes: Uint8Array;
  /** Parsed header. */
  readonly header: TcpHeader;
  /** Payload length. */
  readonly length: number;
}

/** What an endpoint sends through. */
export interface WireLike {
  /** Congestion controllers for the endpoints. */
  readonly ccFactory: CongestionControllerFactory;
  /** Carry one datagram from `from`. */
  transmit(from: Endpoint, bytes: Uint8Array): void;
}

/** Endpoint observer state. */
export class Endpoint implements TransportContext {
  tracer: Tracer = nullTracer;
  readonly secured = false;
  readonly received: Uint8Array[] = [];
  receivedBytes = 0;
  private readonly hash = createHash('sha256');
  openedAt = -1;
  remoteEndedAt = -1;
  closedAt = -1;
  closeError: Error | undefined;
  writableCount = 0;
  readonly drops: Record<string, number> = {};
  /** When false, deliver() returns false (application full). */
  accepting = true;
  /** Keep received chunks (off for big transfers). */
  keepChunks = true;
  session!: TcpSession;
  peerEndpoint!: Endpoint;
  /** Congestion controllers created. */
  readonly controllers: CongestionController[] = [];

  constructor(
    readonly name: string,
    readonly role: 'client' | 'server',
    readonly local: PeerAddress,
    readonly peer: PeerAddress,
    readonly maxDatagramSize: number,
    readonly clock: VirtualTime,
    readonly timers: VirtualTime,
    readonly random: SeededRandom,
    readonly net: WireLike,
  ) {}

  sendDown(parts: readonly Uint8Array[]): void {
    this.net.transmit(this, joinBytes(parts));
  }
  deliver(data: Uint8Array, info?: MessageInfo): boolean {
    void info;
    this.receivedBytes += data.length;
    this.hash.update(data);
    if (this.keepChunks) this.received.push(data.slice());
    return this.accepting;
  }
  opened(): void {
    this.openedAt = this.clock.now();
  }
  writable(): void {
    this.writableCount++;
  }
  remoteEnded(): void {
    this.remoteEndedAt = this.clock.now();
  }
  closed(error?: Error): void {
    if (this.closedAt >= 0) throw new Error(`${this.name}: closed() reported twice`);
    this.closedAt = this.clock.now();
    this.closeError = error;
  }
  emitEvent(): void {}
  drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
  }
  createCongestionController(mss: number, rtt: RttStats, params?: CongestionParameters): CongestionController {
    const cc = this.net.ccFactory.create({ mss, clock: this.clock, rtt, tracer: nullTracer, params: params ?? {} });
    this.controllers.push(cc);
    return cc;
  }
  /** SHA-256 of everything delivered so far (hex). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }
  /** Delivered bytes concatenated (needs keepChunks). */
  text(): string {
    return Buffer.concat(this.received).toString();
  }
}

/** Options of a back-to-back pair. */
export interface PairOptions {
  /** Options for both sides. */
  tcp?: Partial<TcpConfig>;
  /** Options for the client only. */
  client?: Partial<TcpConfig>;
  /** Options for the server only. */
  server?: Partial<TcpConfig>;
  /** One-way delay in ms. */
  delay?: number;
  /** Bottleneck rate in bytes per ms (serialisation delay), 0 = infinite. */
  rate?: number;
  /** Drop-tail queue limit in bytes at the bottleneck (needs `rate`), 0 = unlimited. */
  queueLimit?: number;
  /** Largest TCP segment. */
  maxDatagramSize?: number;
  /** Seed. */
  seed?: number;
  /** IP family. */
  family?: 'IPv4' | 'IPv6';
  /** Tracer given to both endpoints' contexts. */
  tracer?: Tracer;
  /** Both sides are clients (simultaneous open, RFC 9293 §3.5). */
  simultaneous?: boolean;
  /** Congestion factory (default: reno). */
  cc?: CongestionControllerFactory;
}

/** The wire between two endpoints with a per-segment script. */
export class Wire implements WireLike {
  /** Every segment sent, in order (both directions). */
  readonly log: WireSegment[] = [];
  /** Keep the log (turn off for big transfers). */
  logging = true;
  /** Per-segment verdict. */
  script: ((s: WireSegment) => LinkVerdict | undefined) | undefined;
  /** Segments transmitted per direction. */
  readonly count: Record<string, number> = {};
  private busyUntil: Record<string, number> = {};
  /** Drop-tail queue drops. */
  queueDrops = 0;
  /** Drop-tail queue limit in bytes (0 = unlimited). */
  queueLimit = 0;

  constructor(
    readonly vt: VirtualTime,
    readonly delay: number,
    readonly rate: number,
    readonly ccFactory: CongestionControllerFactory,
  ) {}

  /** Called by endpoints. */
  transmit(from: Endpoint, bytes: Uint8Array): void {
    const now = this.vt.now();
    const needHeader = this.logging || this.script !== undefined;
    let header: TcpHeader | undefined;
    if (needHeader) {
      header = parseTcpHeader(bytes, emptyTcpHeader());
      header.options.sack = header.options.sack.slice();
    }
    const seg: WireSegment | undefined =
      header !== undefined ? { time: now, from: from.name, bytes, header, length: bytes.length - header.headerLength } : undefined;
    if (this.logging && seg !== undefined) this.log.push(seg);
    this.count[from.name] = (this.count[from.name] ?? 0) + 1;
    const v = seg !== undefined && this.script !== undefined ? this.script(seg) : undefined;
    if (v?.drop) return;
    let depart = now;
    if (this.rate > 0) {
      const backlog = Math.max(0, (this.busyUntil[from.name] ?? 0) - now) * this.rate;
      if (this.queueLimit > 0 && backlog + bytes.length > this.queueLimit) {
        this.queueDrops++;
        return;
      }
      depart = Math.max(now, this.busyUntil[from.name] ?? 0) + bytes.length / this.rate;
      this.busyUntil[from.name] = depart;
    }
    const to = from.peerEndpoint;
    let out = bytes;
    if (v?.flipBit !== undefined) {
      out = bytes.slice();
      out[v.flipBit >> 3] ^= 1 << (v.flipBit & 7);
    }
    const copies = 1 + (v?.duplicate ?? 0);
    for (let i = 0; i < copies; i++) {
      this.vt.at(depart + this.delay + (v?.extraDelay ?? 0) + i * 0.01, () => to.session.handleDatagram(out));
    }
  }
}

/** Two sessions back to back. */
export interface Pair {
  vt: VirtualTime;
  wire: Wire;
  client: Endpoint;
  server: Endpoint;
  /** Client session. */
  c: TcpSession;
  /** Server session. */
  s: TcpSession;
}

/** Build a client/server pair; call `pair.c.start()` to begin. */
export function makePair(opts: PairOptions = {}): Pair {
  const vt = new VirtualTime();
  const random = new SeededRandom(opts.seed ?? 1);
  const cc = opts.cc ?? renoFactory();
  const wire = new Wire(vt, opts.delay ?? 10, opts.rate ?? 0, cc);
  wire.queueLimit = opts.queueLimit ?? 0;
  const v6 = opts.family === 'IPv6';
  const ca: PeerAddress = v6 ? { address: 'fd00::1', family: 'IPv6', port: 40000 } : { address: '10.0.0.1', family: 'IPv4', port: 40000 };
  const sa: PeerAddress = v6 ? { address: 'fd00::2', family: 'IPv6', port: 6080 } : { address: '10.0.0.2', family: 'IPv4', port: 6080 };
  const mds = opts.maxDatagramSize ?? 1452;
  const client = new Endpoint('client', 'client', ca, sa, mds, vt, vt, random, wire);
  const server = new Endpoint('server', 'server', sa, ca, mds, vt, vt, random, wire);
  client.peerEndpoint = server;
  server.peerEndpoint = client;
  if (opts.tracer !== undefined) {
    client.tracer = opts.tracer.child('client');
    server.tracer = opts.tracer.child('server');
  }
  const ccfg = tcpOptionsSchema.parse({ ...opts.tcp, ...opts.client });
  const scfg = tcpOptionsSchema.parse({ ...opts.tcp, ...opts.server });
  const c = new TcpSession(client, { role: 'client', localPort: 40000, remotePort: 6080 }, ccfg);
  const s = new TcpSession(server, { role: opts.simultaneous ? 'client' : 'server', localPort: 6080, remotePort: 40000 }, scfg);
  client.session = c;
  server.session = s;
  return { vt, wire, client, server, c, s };
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(n: number, seed = 7): Uint8Array {
  const r = new SeededRandom(seed);
  const b = new Uint8Array(n);
  r.fill(b);
  return b;
}

/** SHA-256 hex of bytes. */
export function sha256hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Write `data` from `from` in chunks, honouring backpressure (waits for
 * writable() between chunks) and optionally ending.
 */
export function pump(p: Pair, from: 'client' | 'server', data: Uint8Array, end = true, chunk = 64 * 1024): () => boolean {
  const ep = from === 'client' ? p.client : p.server;
  const sess = from === 'client' ? p.c : p.s;
  let off = 0;
  let lastWritable = ep.writableCount;
  let done = false;
  const step = (): void => {
    while (off < data.length) {
      const n = Math.min(chunk, data.length - off);
      const ok = sess.write(data.subarray(off, off + n));
      off += n;
      if (!ok) return;
    }
    if (end && !done) sess.end();
    done = true;
  };
  const poll = p.vt.createTimer(() => {
    if (!done && ep.writableCount !== lastWritable) {
      lastWritable = ep.writableCount;
      step();
    }
    if (!done && ep.closedAt < 0) poll.arm(p.vt.now() + 1);
  });
  step();
  if (!done) poll.arm(p.vt.now() + 1);
  return () => done;
}

/** A protocol object on the virtual clock. */
export function makeProtocol(vt: VirtualTime, cfg: Partial<TcpConfig> = {}, seed = 3): TcpProtocol {
  return new TcpProtocol(tcpOptionsSchema.parse(cfg), { clock: vt, timers: vt, random: new SeededRandom(seed) });
}

/** An accept context recording replies and accepted sessions. */
export function makeAcceptContext(
  vt: VirtualTime,
  listening: (port: number) => boolean,
  accept: (init: SessionInit) => TcpSession,
  peer: PeerAddress = { address: '10.0.0.1', family: 'IPv4', port: 40000 },
  local: PeerAddress = { address: '10.0.0.2', family: 'IPv4', port: 6080 },
): TransportAcceptContext & { replies: Uint8Array[]; drops: Record<string, number> } {
  const replies: Uint8Array[] = [];
  const drops: Record<string, number> = {};
  return {
    peer,
    local,
    listening,
    accept,
    reply: (parts) => {
      replies.push(joinBytes(parts));
    },
    drop: (r) => {
      drops[r] = (drops[r] ?? 0) + 1;
    },
    clock: vt,
    random: new SeededRandom(5),
    maxDatagramSize: 1452,
    replies,
    drops,
  };
}

export { defaultTcpConfig };
