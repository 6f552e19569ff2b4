/**
 * Queue disciplines of a link direction's transmit queue: drop-tail (a
 * byte and/or packet limit), CoDel (RFC 8289) and RED (Floyd & Jacobson
 * 1993, with the "gentle" extension). Limits and thresholds count wire bytes.
 *
 * @module
 */
import type { RandomSource } from '../random/random.js';
import { SimConfigError } from './errors.js';
import { checkProbability } from './loss.js';
import { rejectUnknownKeys } from './option-keys.js';
import type { PacketFifo, SimPacket } from './packet.js';
import { parseSize, parseTime, type SizeInput, type TimeInput } from './units.js';

/** Hard limits shared by every discipline (whichever is reached first drops). */
export interface QueueLimitOptions {
  /** Limit in bytes waiting (e.g. `'64KB'`, `'1bdp'`). Default: no byte limit. */
  readonly bytes?: SizeInput;
  /** Limit in packets waiting. Default 1000 when `bytes` is not given, else none. */
  readonly packets?: number;
}

/** Drop-tail: arrivals that do not fit are dropped (`queue_full`). */
export interface DropTailQueueOptions extends QueueLimitOptions {
  /** Discipline name (the default). */
  readonly type?: 'droptail';
}

/** CoDel (RFC 8289): drops at dequeue (`aqm`) while the sojourn time stays above `target` for an `interval`. */
export interface CoDelQueueOptions extends QueueLimitOptions {
  /** Discipline name. */
  readonly type: 'codel';
  /** Acceptable standing queue delay (RFC 8289 §4.2: 5 ms). */
  readonly target?: TimeInput;
  /** Sliding window, about a worst-case RTT (RFC 8289 §4.3: 100 ms). */
  readonly interval?: TimeInput;
}

/** RED: drops at enqueue (`aqm`) with a probability rising with the average queue. */
export interface RedQueueOptions extends QueueLimitOptions {
  /** Discipline name. */
  readonly type: 'red';
  /** Average queue (bytes) below which nothing is dropped. */
  readonly minThreshold: SizeInput;
  /** Average queue (bytes) where the drop probability reaches `maxP`. */
  readonly maxThreshold: SizeInput;
  /** Drop probability at `maxThreshold` (default 0.1). */
  readonly maxP?: number;
  /** Weight of the exponential moving average (default 0.002). */
  readonly weight?: number;
  /** Gentle RED: probability grows from `maxP` to 1 between max and 2×max (default true). */
  readonly gentle?: boolean;
}

/** A queue: a byte size (drop-tail with that byte limit) or a discipline object. */
export type QueueOptions = SizeInput | DropTailQueueOptions | CoDelQueueOptions | RedQueueOptions;

/** A transmit-queue discipline. */
export interface QueueDiscipline {
  /**
   * True when the discipline only decides at enqueue from the queue's
   * length (drop-tail): the link then computes each datagram's transmission
   * slot on arrival instead of running one event per transmission.
   */
  readonly passive: boolean;
  /** Packet limit. */
  readonly limitPackets: number;
  /** Byte limit (wire bytes). */
  readonly limitBytes: number;
  /** Decide whether `p` may join `q` at `now`; returns a drop reason or undefined. */
  admit(q: PacketFifo, p: SimPacket, now: number): string | undefined;
  /** Take the next packet to transmit; packets dropped on the way are passed to `drop`. */
  dequeue(q: PacketFifo, now: number, drop: (p: SimPacket, reason: string) => void): SimPacket | undefined;
}

class DropTail implements QueueDiscipline {
  get passive(): boolean {
    return true;
  }

  constructor(
    readonly limitPackets: number,
    readonly limitBytes: number,
  ) {}

  admit(q: PacketFifo, p: SimPacket, _now: number): string | undefined {
    return q.length >= this.limitPackets || q.bytes + p.wire > this.limitBytes ? 'queue_full' : undefined;
  }

  dequeue(q: PacketFifo, _now: number, _drop: (p: SimPacket, reason: string) => void): SimPacket | undefined {
    return q.shift();
  }
}

/** CoDel state machine (RFC 8289 §5). */
class CoDel extends DropTail {
  private firstAboveTime = 0;
  private dropNext = 0;
  private count = 0;
  private lastCount = 0;
  private dropping = false;
  private maxPacket = 0;
  private okToDrop = false;

  override get passive(): boolean {
    return false;
  }

  constructor(
    limitPackets: number,
    limitBytes: number,
    private readonly target: number,
    private readonly interval: number,
  ) {
    super(limitPackets, limitBytes);
  }

  override admit(q: PacketFifo, p: SimPacket, now: number): string | undefined {
    if (p.wire > this.maxPacket) this.maxPacket = p.wire;
    return super.admit(q, p, now);
  }

  private doDequeue(q: PacketFifo, now: number): SimPacket | undefined {
    const p = q.shift();
    this.okToDrop = false;
    if (p === undefined) {
      this.firstAboveTime = 0;
      return undefined;
    }
    const sojourn = now - p.enqueuedAt;
    if (sojourn < this.target || q.bytes <= this.maxPacket) {
      this.firstAboveTime = 0;
    } else if (this.firstAboveTime === 0) {
      this.firstAboveTime = now + this.interval;
    } else if (now >= this.firstAboveTime) {
      this.okToDrop = true;
    }
    return p;
  }

  private controlLaw(t: number): number {
    return t + this.interval / Math.sqrt(this.count);
  }

  override dequeue(q: PacketFifo, now: number, drop: (p: SimPacket, reason: string) => void): SimPacket | undefined {
    let p = this.doDequeue(q, now);
    if (p === undefined) {
      this.dropping = false;
      return undefined;
    }
    if (this.dropping) {
      if (!this.okToDrop) {
        this.dropping = false;
      } else {
        while (now >= this.dropNext && this.dropping) {
          drop(p as SimPacket, 'aqm');
          this.count++;
          p = this.doDequeue(q, now);
          if (p === undefined || !this.okToDrop) this.dropping = false;
          else this.dropNext = this.controlLaw(this.dropNext);
        }
      }
    } else if (this.okToDrop) {
      drop(p, 'aqm');
      p = this.doDequeue(q, now);
      this.dropping = true;
      const delta = this.count - this.lastCount;
      this.count = delta > 1 && now - this.dropNext < 16 * this.interval ? delta : 1;
      this.dropNext = this.controlLaw(now);
      this.lastCount = this.count;
    }
    return p;
  }
}

/** RED with idle-time decay of the average and uniformly spread drops. */
class Red extends DropTail {
  private avg = 0;
  private count = -1;
  private idleSince = 0;

  override get passive(): boolean {
    return false;
  }

  constructor(
    limitPackets: number,
    limitBytes: number,
    private readonly minTh: number,
    private readonly maxTh: number,
    private readonly maxP: number,
    private readonly wq: number,
    private readonly gentle: boolean,
    private readonly txTime: (bytes: number) => number,
    private readonly random: RandomSource,
  ) {
    super(limitPackets, limitBytes);
  }

  override admit(q: PacketFifo, p: SimPacket, now: number): string | undefined {
    if (q.length === 0) {
      const s = this.txTime(p.wire);
      const m = s > 0 ? (now - this.idleSince) / s : 0;
      this.avg *= Math.pow(1 - this.wq, m);
    } else {
      this.avg += this.wq * (q.bytes - this.avg);
    }
    const avg = this.avg;
    if (avg >= this.minTh) {
      let drop: boolean;
      if (avg < this.maxTh) {
        this.count++;
        const pb = (this.maxP * (avg - this.minTh)) / (this.maxTh - this.minTh);
        const denom = 1 - this.count * pb;
        const pa = denom <= 0 ? 1 : pb / denom;
        drop = this.random.float() < pa;
      } else if (this.gentle && avg < 2 * this.maxTh) {
        this.count++;
        drop = this.random.float() < this.maxP + ((1 - this.maxP) * (avg - this.maxTh)) / this.maxTh;
      } else {
        drop = true;
      }
      if (drop) {
        this.count = 0;
        return 'aqm';
      }
    } else {
      this.count = -1;
    }
    return super.admit(q, p, now);
  }

  override dequeue(q: PacketFifo, now: number): SimPacket | undefined {
    const p = q.shift();
    if (q.length === 0) this.idleSince = now;
    return p;
  }
}

/** The keys each discipline's options may have. */
const QUEUE_KEYS: Readonly<Record<string, readonly string[]>> = {
  droptail: ['type', 'bytes', 'packets'],
  codel: ['type', 'bytes', 'packets', 'target', 'interval'],
  red: ['type', 'bytes', 'packets', 'minThreshold', 'maxThreshold', 'maxP', 'weight', 'gentle'],
};

/**
 * Builds a queue discipline from options.
 *
 * @param options - queue option (default: drop-tail, 1000 packets)
 * @param path - option path for errors
 * @param bdp - the path's bandwidth-delay product in bytes (for `'1bdp'` sizes)
 * @param txTime - serialisation time (ms) of `bytes` on this direction
 * @param random - the direction's random stream
 */
export function createQueue(
  options: QueueOptions | undefined,
  path: string,
  bdp: number | undefined,
  txTime: (bytes: number) => number,
  random: RandomSource,
): QueueDiscipline {
  const o: Exclude<QueueOptions, SizeInput> =
    options === undefined ? {} : typeof options === 'object' ? options : { bytes: options };
  if (typeof options === 'object') rejectUnknownKeys(o, QUEUE_KEYS[o.type ?? 'droptail'] ?? ['type'], path);
  const bytes = o.bytes === undefined ? Infinity : parseSize(o.bytes, `${path}.bytes`, bdp);
  let packets = o.packets ?? (o.bytes === undefined ? 1000 : Infinity);
  if (typeof packets !== 'number' || !(packets >= 0)) {
    throw new SimConfigError(`${path}.packets`, `expected a packet count, got ${JSON.stringify(packets)}`);
  }
  packets = Math.floor(packets);
  switch (o.type) {
    case undefined:
    case 'droptail':
      return new DropTail(packets, bytes);
    case 'codel':
      return new CoDel(
        packets,
        bytes,
        parseTime(o.target ?? 5, `${path}.target`),
        parseTime(o.interval ?? 100, `${path}.interval`),
      );
    case 'red': {
      const minTh = parseSize(o.minThreshold, `${path}.minThreshold`, bdp);
      const maxTh = parseSize(o.maxThreshold, `${path}.maxThreshold`, bdp);
      if (!(maxTh > minTh)) throw new SimConfigError(`${path}.maxThreshold`, 'must be above minThreshold');
      return new Red(
        packets,
        bytes,
        minTh,
        maxTh,
        checkProbability(o.maxP ?? 0.1, `${path}.maxP`),
        checkProbability(o.weight ?? 0.002, `${path}.weight`),
        o.gentle ?? true,
        txTime,
        random,
      );
    }
    default:
      throw new SimConfigError(`${path}.type`, `unknown queue discipline ${JSON.stringify((o as { type?: unknown }).type)}`);
  }
}
