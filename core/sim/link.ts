/**
 * One direction of a simulated link: checks (outage, MTU, scripted and
 * random loss), duplication and corruption on entry, a transmit queue
 * drained at the link bandwidth (serialisation delay), then propagation
 * delay with optional jitter and reordering, and delivery to the bound
 * socket. Per datagram it allocates only the private copy and one
 * {@link SimPacket}; the transmitter is one reusable event.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { RandomSource } from '../random/random.js';
import { createQueue, type QueueDiscipline } from './aqm.js';
import type { SimEvent } from './event.js';
import { SimConfigError } from './errors.js';
import { createLossModel, type LossModel } from './loss.js';
import { inIntervals, type ResolvedDirection } from './options.js';
import { PacketFifo, SimPacket, type PacketSink } from './packet.js';
import type { SimScheduler } from './scheduler.js';
import { QueueSampler } from './sampler.js';
import { parseTime, type TimeInput } from './units.js';
import { emptyLinkStats, type DropReason, type LinkDirectionStats, type SimLinkEvent, type SimLinkEventType } from './stats.js';

/** A socket as a link sees it. */
export interface LinkSocket {
  /** Connected peer, if any (other sources are filtered). */
  readonly remote: PeerAddress | undefined;
  /** Hand a datagram over; returns true when a handler ran. */
  receive(data: Uint8Array, from: PeerAddress): boolean;
}

/** A host as a link sees it. */
export interface LinkEndpoint {
  /** Stable label (the address the host was created with). */
  readonly label: string;
  /** Current address. */
  readonly address: string;
  /** Whether the host is in an outage at `t`. */
  isDown(t: number): boolean;
  /** The socket whose public port is `port`, if any. */
  socketAt(port: number): LinkSocket | undefined;
}

/** Mutable holder of the network's event observer (undefined when nothing listens). */
export interface LinkObserver {
  /** Receives link events. */
  fn: ((event: SimLinkEvent) => void) | undefined;
}

class TxDone implements SimEvent {
  deadline = 0;
  seq = 0;
  heapIndex = -1;
  readonly daemon = false;
  constructor(private readonly dir: LinkDirection) {}
  fire(): boolean {
    this.dir.onTxDone();
    return false;
  }
}

/** One direction (from → to) of a link. */
export class LinkDirection implements PacketSink {
  /** Label `from>to` built from the hosts' labels. */
  readonly label: string;
  private readonly st: LinkDirectionStats = emptyLinkStats();
  private readonly fifo = new PacketFifo();
  private readonly queue: QueueDiscipline;
  private readonly loss: LossModel | undefined;
  private readonly scriptSet: ReadonlySet<number> | undefined;
  private readonly scriptFn: ((n: number, data: Uint8Array) => boolean) | undefined;
  private readonly msPerByte: number;
  private readonly down: [number, number][];
  private readonly txDone = new TxDone(this);
  private readonly aqmDrop = (p: SimPacket, reason: string): void => this.dropPacket(p, reason as DropReason);
  private inService: SimPacket | undefined;
  private readonly passive: boolean;
  private busyUntil = 0;
  private lastArrival = 0;
  private n = 0;

  /**
   * @param scheduler - the network scheduler
   * @param from - sending host
   * @param to - receiving host
   * @param cfg - resolved options
   * @param bdp - the path's bandwidth-delay product in bytes (undefined without bandwidth)
   * @param random - this direction's random stream
   * @param observer - the network's observer holder
   * @param path - option path for errors
   */
  constructor(
    private readonly scheduler: SimScheduler,
    readonly from: LinkEndpoint,
    readonly to: LinkEndpoint,
    readonly cfg: ResolvedDirection,
    bdp: number | undefined,
    private readonly random: RandomSource,
    private readonly observer: LinkObserver,
    path: string,
  ) {
    this.label = `${from.label}>${to.label}`;
    this.msPerByte = cfg.bandwidth === Infinity ? 0 : 8000 / cfg.bandwidth;
    this.queue = createQueue(cfg.queue, `${path}.queue`, bdp, (b) => b * this.msPerByte, random);
    this.loss = createLossModel(cfg.loss, `${path}.loss`);
    this.passive = this.queue.passive && this.msPerByte > 0;
    const script = cfg.dropScript;
    this.scriptSet = Array.isArray(script) ? new Set(script) : undefined;
    this.scriptFn = typeof script === 'function' ? script : undefined;
    this.down = cfg.down.map(([a, b]) => [a, b]);
  }

  /** Datagrams waiting in the queue (the one being serialised excluded). */
  get queuePackets(): number {
    if (this.passive) this.retire(this.scheduler.now());
    return this.fifo.length;
  }

  /** Wire bytes waiting in the queue. */
  get queueBytes(): number {
    if (this.passive) this.retire(this.scheduler.now());
    return this.fifo.bytes;
  }

  /** The queue's packet limit. */
  get queueLimitPackets(): number {
    return this.queue.limitPackets;
  }

  /** The queue's byte limit (wire bytes). */
  get queueLimitBytes(): number {
    return this.queue.limitBytes;
  }

  /** Add an outage `[from, to)` (absolute ms). */
  addOutage(from: number, to: number): void {
    this.down.push([from, to]);
  }

  /** Whether this direction, or either host, is down at `t`. */
  isDown(t: number): boolean {
    return inIntervals(this.down, t) || this.from.isDown(t) || this.to.isDown(t);
  }

  /** A snapshot of the counters. */
  stats(): LinkDirectionStats {
    if (this.passive) this.retire(this.scheduler.now());
    return {
      ...this.st,
      dropped: { ...this.st.dropped },
      queuePackets: this.fifo.length,
      queueBytes: this.fifo.bytes,
    };
  }

  /** Start sampling the queue length every `every` (ms or a time string; first sample now). */
  sampleQueue(every: TimeInput): QueueSampler {
    const period = parseTime(every, 'sampleQueue.every');
    if (!(period > 0) || period === Infinity) throw new SimConfigError('sampleQueue.every', 'must be a positive finite time');
    const s = new QueueSampler(this, this.scheduler, period);
    this.scheduler.schedule(s, this.scheduler.now());
    return s;
  }

  /**
   * Offer a datagram (a private copy) to this direction.
   *
   * @param data - the datagram bytes (owned by the link from now on)
   * @param from - source address the receiver will see
   * @param to - destination address
   */
  offer(data: Uint8Array, from: PeerAddress, to: PeerAddress): void {
    const now = this.scheduler.now();
    const n = ++this.n;
    const st = this.st;
    const cfg = this.cfg;
    st.sent++;
    st.bytesSent += data.length;
    if (this.observer.fn !== undefined) this.emit('send', n, data.length);
    const wire = data.length + (cfg.overhead ?? (to.family === 'IPv6' ? 48 : 28));
    if (this.isDown(now)) return this.drop(n, data.length, 'outage');
    if (wire > cfg.mtu) return this.drop(n, data.length, 'mtu');
    if (
      (this.scriptSet !== undefined && this.scriptSet.has(n)) ||
      (this.scriptFn !== undefined && this.scriptFn(n, data))
    ) {
      return this.drop(n, data.length, 'scripted');
    }
    if (this.loss !== undefined && this.loss.lose(this.random)) return this.drop(n, data.length, 'loss');
    const copy = cfg.duplicateP > 0 && this.random.float() < cfg.duplicateP ? data.slice() : undefined;
    const p = new SimPacket(this, n, data, wire, from, to);
    this.maybeCorrupt(p);
    this.admit(p, now);
    if (copy !== undefined) {
      st.duplicated++;
      if (this.observer.fn !== undefined) this.emit('duplicate', n, data.length);
      const d = new SimPacket(this, n, copy, wire, from, to);
      this.maybeCorrupt(d);
      this.admit(d, now);
    }
  }

  private maybeCorrupt(p: SimPacket): void {
    const cfg = this.cfg;
    if (cfg.corruptP === 0 || p.data.length === 0 || !(this.random.float() < cfg.corruptP)) return;
    const data = p.data;
    const nbits = data.length * 8;
    const flips = Math.min(cfg.corruptBits, nbits);
    if (flips === 1) {
      const bit = this.random.uint32() % nbits;
      data[bit >>> 3] ^= 1 << (bit & 7);
    } else {
      const chosen = new Set<number>();
      while (chosen.size < flips) chosen.add(this.random.uint32() % nbits);
      for (const bit of chosen) data[bit >>> 3] ^= 1 << (bit & 7);
    }
    this.st.corrupted++;
    if (this.observer.fn !== undefined) this.emit('corrupt', p.n, data.length);
  }

  private admit(p: SimPacket, now: number): void {
    p.enqueuedAt = now;
    if (this.msPerByte === 0) {
      this.propagate(p, now);
      return;
    }
    if (this.passive) return this.admitPassive(p, now);
    const reason = this.queue.admit(this.fifo, p, now);
    if (reason !== undefined) return this.dropPacket(p, reason as DropReason);
    if (this.inService === undefined) {
      this.startTx(p, now);
      return;
    }
    this.fifo.push(p);
    const st = this.st;
    if (this.fifo.length > st.maxQueuePackets) st.maxQueuePackets = this.fifo.length;
    if (this.fifo.bytes > st.maxQueueBytes) st.maxQueueBytes = this.fifo.bytes;
  }

  /**
   * Drop-tail fast path: with a FIFO that only drops on entry, a datagram's
   * transmission slot is known when it arrives, so no per-transmission
   * event is needed. The queue holds the datagrams whose slot has not
   * started yet, retired lazily.
   */
  private admitPassive(p: SimPacket, now: number): void {
    this.retire(now);
    const reason = this.queue.admit(this.fifo, p, now);
    if (reason !== undefined) return this.dropPacket(p, reason as DropReason);
    const start = this.busyUntil > now ? this.busyUntil : now;
    const tx = p.wire * this.msPerByte;
    const end = start + tx;
    this.busyUntil = end;
    this.st.busyTime += tx;
    this.st.transmitted++;
    this.st.queueDelayTotal += start - now;
    if (start > now) {
      p.txStart = start;
      this.fifo.push(p);
      const st = this.st;
      if (this.fifo.length > st.maxQueuePackets) st.maxQueuePackets = this.fifo.length;
      if (this.fifo.bytes > st.maxQueueBytes) st.maxQueueBytes = this.fifo.bytes;
    }
    if (this.isDown(end)) return this.dropPacket(p, 'outage');
    this.propagate(p, end);
  }

  private retire(now: number): void {
    const fifo = this.fifo;
    for (let p = fifo.peek(); p !== undefined && p.txStart <= now; p = fifo.peek()) fifo.shift();
  }

  private startTx(p: SimPacket, now: number): void {
    this.inService = p;
    const tx = p.wire * this.msPerByte;
    const st = this.st;
    st.busyTime += tx;
    st.transmitted++;
    st.queueDelayTotal += now - p.enqueuedAt;
    this.scheduler.schedule(this.txDone, now + tx);
  }

  /** @internal the transmitter finished serialising the packet in service. */
  onTxDone(): void {
    const p = this.inService as SimPacket;
    this.inService = undefined;
    const now = this.scheduler.now();
    if (this.isDown(now)) this.dropPacket(p, 'outage');
    else this.propagate(p, now);
    const next = this.queue.dequeue(this.fifo, now, this.aqmDrop);
    if (next !== undefined) this.startTx(next, now);
  }

  private propagate(p: SimPacket, now: number): void {
    const cfg = this.cfg;
    let t = now + cfg.delay;
    if (cfg.jitter > 0) {
      t += (this.random.float() * 2 - 1) * cfg.jitter;
      if (t < now) t = now;
    }
    if (cfg.reorderP > 0 && this.random.float() < cfg.reorderP) {
      p.reordered = true;
      this.st.reordered++;
      if (this.observer.fn !== undefined) this.emit('reorder', p.n, p.data.length);
      t += cfg.reorderDelay;
    } else if (!cfg.jitterReorders) {
      if (t < this.lastArrival) t = this.lastArrival;
      this.lastArrival = t;
    }
    this.scheduler.schedule(p, t);
  }

  /** @internal arrival of `p` at the far end; returns true when a socket handler ran. */
  arrive(p: SimPacket): boolean {
    if (this.isDown(this.scheduler.now())) {
      this.dropPacket(p, 'outage');
      return false;
    }
    if (p.to.address !== this.to.address) {
      this.dropPacket(p, 'no_route');
      return false;
    }
    const socket = this.to.socketAt(p.to.port);
    if (socket === undefined) {
      this.dropPacket(p, 'port_unreachable');
      return false;
    }
    const remote = socket.remote;
    if (remote !== undefined && (remote.port !== p.from.port || remote.address !== p.from.address)) {
      this.dropPacket(p, 'filtered');
      return false;
    }
    const st = this.st;
    st.delivered++;
    st.bytesDelivered += p.data.length;
    st.wireBytesDelivered += p.wire;
    if (this.observer.fn !== undefined) this.emit('deliver', p.n, p.data.length);
    return socket.receive(p.data, p.from);
  }

  private dropPacket(p: SimPacket, reason: DropReason): void {
    this.drop(p.n, p.data.length, reason);
  }

  private drop(n: number, size: number, reason: DropReason): void {
    const d = this.st.dropped;
    d[reason] = (d[reason] ?? 0) + 1;
    if (this.observer.fn !== undefined) this.emit('drop', n, size, reason);
  }

  private emit(type: SimLinkEventType, n: number, size: number, reason?: DropReason): void {
    const fn = this.observer.fn;
    if (fn === undefined) return;
    const time = this.scheduler.now();
    const queueBytes = this.queueBytes;
    const queuePackets = this.fifo.length;
    fn(
      reason === undefined
        ? { time, type, link: this.label, n, size, queueBytes, queuePackets }
        : { time, type, link: this.label, n, size, reason, queueBytes, queuePackets },
    );
  }
}

/** A bidirectional link between two hosts. */
export interface SimLink {
  /** Direction a → b. */
  readonly ab: LinkDirection;
  /** Direction b → a. */
  readonly ba: LinkDirection;
}
