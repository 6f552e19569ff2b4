/**
 * Test harness for the SCTP association: two endpoints (client and
 * server protocol instances) joined back to back by a scripted virtual
 * link, on a synchronous virtual clock. No sockets, no sleeps.
 *
 * @module
 */
import type { PeerAddress } from '../../../../core/contracts/address.js';
import type { CongestionController, CongestionParameters, RttStats } from '../../../../core/contracts/congestion.js';
import type { MessageInfo, SessionInit, TransportAcceptContext, TransportContext, TransportSession } from '../../../../core/contracts/transport.js';
import { DeadlineHeap, type HeapEntry } from '../../../../core/time/heap.js';
import type { Clock, Timer, TimerService } from '../../../../core/time/clock.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { nullTracer, type Tracer } from '../../../../core/trace/tracer.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { SctpProtocol } from '../../../../plugins/transport/sctp/protocol.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';
import { sctpDefaults, type SctpOptions } from '../../../../plugins/transport/sctp/options.js';

class VTimer implements Timer, HeapEntry {
  deadline = Infinity;
  seq = 0;
  heapIndex = -1;
  constructor(
    private readonly vt: VirtualTime,
    readonly fire: () => void,
  ) {}
  get armed(): boolean {
    return this.heapIndex >= 0;
  }
  arm(deadline: number): void {
    this.vt.heap.schedule(this, Math.max(deadline, this.vt.now()));
  }
  cancel(): void {
    this.vt.heap.remove(this);
    this.deadline = Infinity;
  }
}

/** A synchronous virtual clock and timer service. */
export class VirtualTime implements Clock, TimerService {
  /** @internal */ readonly heap = new DeadlineHeap<VTimer>();
  private t = 0;
  now(): number {
    return this.t;
  }
  createTimer(callback: () => void): Timer {
    return new VTimer(this, callback);
  }
  /** Run a callback once at `at`. */
  at(at: number, fn: () => void): void {
    new VTimer(this, fn).arm(at);
  }
  close(): void {}
  /** Fire events until `until` (ms) or until nothing is scheduled; returns events fired. */
  run(until = Infinity, maxEvents = 5_000_000): number {
    let n = 0;
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined || e.deadline > until) break;
      if (++n > maxEvents) throw new Error('virtual time: too many events');
      this.heap.remove(e);
      this.t = e.deadline;
      e.deadline = Infinity;
      e.fire();
    }
    if (until !== Infinity) this.t = Math.max(this.t, until);
    return n;
  }
  /** Run until `done()` holds (checked after each event) or time `limit`. */
  runUntil(done: () => boolean, limit = 600_000): void {
    while (!done()) {
      const e = this.heap.peek();
      if (e === undefined || e.deadline > limit) return;
      this.heap.remove(e);
      this.t = e.deadline;
      e.deadline = Infinity;
      e.fire();
    }
  }
}

/** What the link does with one packet. */
export type LinkAction = 'pass' | 'drop' | 'dup' | 'corrupt';

/** Scripted link behaviour: called per packet with its direction and per-direction index. */
export type LinkScript = (dir: 'c2s' | 's2c', index: number, packet: Uint8Array) => LinkAction;

/** Everything a session told its context. */
export class SideLog {
  readonly messages: { data: Uint8Array; info: MessageInfo; at: number }[] = [];
  opened = 0;
  openedAt = -1;
  writable = 0;
  remoteEnded = 0;
  closed = 0;
  closedAt = -1;
  closeError: Error | undefined;
  readonly drops: Record<string, number> = {};
  readonly events: { name: string; args: unknown[] }[] = [];
  /** Return value of `deliver` (backpressure tests flip it). */
  accept = true;
  /** Bytes delivered per stream. */
  readonly received = new Map<number, number>();
  /** Bytes delivered on all streams. */
  totalBytes = 0;
  /** Messages on one stream, concatenated. */
  bytesOn(stream: number): Uint8Array {
    const parts = this.messages.filter((m) => m.info.stream === stream).map((m) => m.data);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
  }
}

/** Options of {@link SctpPair}. */
export interface PairOptions {
  readonly client?: Partial<SctpOptions>;
  readonly server?: Partial<SctpOptions>;
  /** One-way delay in ms (default 10). */
  readonly delay?: number;
  /** Extra random delay in ms per packet (reordering), default 0. */
  readonly jitter?: number;
  /** Largest transport datagram in bytes (default 1200). */
  readonly mtu?: number;
  readonly script?: LinkScript;
  readonly seed?: number;
  /** Congestion controller (default NewReno). */
  readonly congestion?: (mss: number, rtt: RttStats, params: CongestionParameters | undefined, clock: Clock) => CongestionController;
  /** Whether the server listens (default true). */
  readonly listening?: boolean;
  /** Tracer of both sessions, as its children `client` and `server` (the event group; default: none). */
  readonly tracer?: Tracer;
  /** Both sides run under a confidential security layer (`ctx.secured`, RFC 9653 zero checksum); default false. */
  readonly secured?: boolean;
  /** Override `secured` for the server side only (a mixed pair). */
  readonly serverSecured?: boolean;
}

const CLIENT: PeerAddress = { address: '10.0.0.1', family: 'IPv4', port: 40000 };
const SERVER: PeerAddress = { address: '10.0.0.2', family: 'IPv4', port: 9899 };

/** Two SCTP endpoints back to back on a virtual link. */
export class SctpPair {
  readonly time = new VirtualTime();
  readonly random: SeededRandom;
  readonly clientProto: SctpProtocol;
  readonly serverProto: SctpProtocol;
  readonly clientLog = new SideLog();
  readonly serverLog = new SideLog();
  readonly client: SctpAssociation;
  server: SctpAssociation | undefined;
  /** Every packet put on the wire (after the script), per direction. */
  readonly wire: { c2s: Uint8Array[]; s2c: Uint8Array[] } = { c2s: [], s2c: [] };
  readonly serverSessions = new Map<number, TransportSession>();
  readonly clientSessions = new Map<number, TransportSession>();
  private readonly counts = { c2s: 0, s2c: 0 };
  /** Unmatched-path drops at the server protocol. */
  readonly serverUnmatchedDrops: Record<string, number> = {};
  readonly serverOptions: SctpOptions;

  constructor(readonly o: PairOptions = {}) {
    this.random = new SeededRandom(o.seed ?? 1);
    const co = sctpDefaults(o.client);
    this.serverOptions = sctpDefaults(o.server);
    this.clientProto = new SctpProtocol(co, new SeededRandom((o.seed ?? 1) + 100), () => this.time.now(), o.secured === true);
    this.serverProto = new SctpProtocol(this.serverOptions, new SeededRandom((o.seed ?? 1) + 200), () => this.time.now(), (o.serverSecured ?? o.secured) === true);
    const cctx = this.context('client', this.clientLog, CLIENT, SERVER, 'c2s');
    this.client = this.clientProto.createSession(cctx, { role: 'client', localPort: 5000, remotePort: 7 }) as SctpAssociation;
    this.clientSessions.set(this.client.demuxKey, this.client);
  }

  /** Start the client (INIT). */
  start(): this {
    this.client.start();
    return this;
  }

  /** Run until the client is open (or the time limit). */
  connect(limit = 60_000): this {
    this.start();
    this.time.runUntil(() => this.clientLog.opened > 0 && this.serverLog.opened > 0, limit);
    return this;
  }

  context(role: 'client' | 'server', log: SideLog, local: PeerAddress, peer: PeerAddress, dir: 'c2s' | 's2c'): TransportContext {
    const time = this.time;
    return {
      role,
      peer,
      local,
      maxDatagramSize: this.o.mtu ?? 1200,
      secured: (role === 'server' ? (this.o.serverSecured ?? this.o.secured) : this.o.secured) === true,
      sendDown: (parts) => this.transmit(dir, parts[0]),
      deliver: (data, info) => {
        log.messages.push({ data, info: info as MessageInfo, at: time.now() });
        const sid = (info as MessageInfo).stream;
        log.received.set(sid, (log.received.get(sid) ?? 0) + data.length);
        log.totalBytes += data.length;
        return log.accept;
      },
      opened: () => {
        log.opened++;
        log.openedAt = time.now();
      },
      writable: () => void log.writable++,
      remoteEnded: () => void log.remoteEnded++,
      closed: (err) => {
        log.closed++;
        log.closedAt = time.now();
        log.closeError = err;
        // As the stack does: a closed session no longer receives packets.
        const sessions = role === 'client' ? this.clientSessions : this.serverSessions;
        for (const [k, v] of sessions) if ((v as SctpAssociation).state === 'CLOSED') sessions.delete(k);
      },
      emitEvent: (name, ...args) => void log.events.push({ name, args }),
      drop: (reason) => log.drop(reason),
      createCongestionController: (mss, rtt, params) =>
        this.o.congestion !== undefined
          ? this.o.congestion(mss, rtt, params, time)
          : renoFactory().create({ mss, clock: time, rtt, tracer: nullTracer, params: params ?? {} }),
      clock: time,
      timers: time,
      random: this.random,
      tracer: this.o.tracer?.child(role) ?? nullTracer,
    };
  }

  /** Put a packet on the link in direction `dir` (subject to the script). */
  transmit(dir: 'c2s' | 's2c', packet: Uint8Array): void {
    const idx = this.counts[dir]++;
    const action = this.o.script?.(dir, idx, packet) ?? 'pass';
    if (action === 'drop') return;
    let p = packet;
    if (action === 'corrupt') {
      p = packet.slice();
      const bit = Math.floor(this.random.float() * p.length * 8);
      p[bit >> 3] ^= 1 << (bit & 7);
    }
    const copies = action === 'dup' ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.wire[dir].push(p);
      const at = this.time.now() + (this.o.delay ?? 10) + (this.o.jitter ?? 0) * this.random.float();
      this.time.at(at, () => (dir === 'c2s' ? this.arriveAtServer(p) : this.arriveAtClient(p)));
    }
  }

  /** Deliver a packet to the server side as the stack would (demux by tag, else the unmatched path). */
  arriveAtServer(p: Uint8Array): void {
    let key: number;
    try {
      key = this.serverProto.demuxKey(p);
    } catch {
      this.serverLog.drop('demux');
      return;
    }
    const s = this.serverSessions.get(key);
    if (s !== undefined) s.handleDatagram(p);
    else this.serverProto.handleUnmatched(p, this.acceptCtx());
  }

  /** Deliver a packet to the client side. */
  arriveAtClient(p: Uint8Array): void {
    let key: number;
    try {
      key = this.clientProto.demuxKey(p);
    } catch {
      this.clientLog.drop('demux');
      return;
    }
    const s = this.clientSessions.get(key);
    if (s !== undefined) s.handleDatagram(p);
    else
      this.clientProto.handleUnmatched(p, {
        ...this.acceptCtx(),
        peer: SERVER,
        local: CLIENT,
        listening: () => false,
        accept: () => {
          throw new Error('client does not accept');
        },
        reply: (parts) => this.transmit('c2s', parts[0]),
        drop: (r) => this.clientLog.drop(r),
      });
  }

  /** The accept context of the server side. */
  acceptCtx(): TransportAcceptContext {
    return {
      peer: CLIENT,
      local: SERVER,
      listening: () => this.o.listening !== false,
      accept: (init: SessionInit) => {
        const ctx = this.context('server', this.serverLog, SERVER, CLIENT, 's2c');
        const s = this.serverProto.createSession(ctx, init) as SctpAssociation;
        this.server = s;
        this.serverSessions.set(s.demuxKey, s);
        return s;
      },
      reply: (parts) => this.transmit('s2c', parts[0]),
      drop: (r) => {
        this.serverUnmatchedDrops[r] = (this.serverUnmatchedDrops[r] ?? 0) + 1;
      },
      clock: this.time,
      random: this.random,
      maxDatagramSize: this.o.mtu ?? 1200,
    };
  }
}

/** Deterministic pseudo-random bytes. */
export function pattern(n: number, seed = 7): Uint8Array {
  const r = new SeededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = r.uint32();
    out[i] = v & 0xff;
    if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < n) out[i + 3] = v >>> 24;
  }
  return out;
}

/** One chunk seen in a packet: type, flags and (for DATA) TSN, stream and first payload byte. */
export interface SeenChunk {
  readonly type: number;
  readonly flags: number;
  readonly tsn?: number;
  readonly stream?: number;
  readonly first?: number;
  readonly value: Uint8Array;
}

/** List the chunks of a packet (test-side parser, independent of the codec). */
export function chunksOf(p: Uint8Array): SeenChunk[] {
  const out: SeenChunk[] = [];
  for (let i = 12; i + 4 <= p.length; ) {
    const len = (p[i + 2] << 8) | p[i + 3];
    if (len < 4) break;
    const value = p.subarray(i + 4, i + len);
    if (p[i] === 0 && len > 16) {
      const tsn = ((p[i + 4] << 24) | (p[i + 5] << 16) | (p[i + 6] << 8) | p[i + 7]) >>> 0;
      out.push({ type: 0, flags: p[i + 1], tsn, stream: (p[i + 8] << 8) | p[i + 9], first: p[i + 16], value });
    } else out.push({ type: p[i], flags: p[i + 1], value });
    i += (len + 3) & ~3;
  }
  return out;
}
