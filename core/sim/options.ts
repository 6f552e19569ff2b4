/**
 * Options of a simulated link and their validation. Every quantity accepts
 * a number in the project's units (bit/s, bytes, ms) or a string with a
 * unit (see `units.ts`).
 *
 * @module
 */
import type { QueueOptions } from './aqm.js';
import { SimConfigError } from './errors.js';
import { checkProbability, type DropScript, type LossOptions } from './loss.js';
import { rejectUnknownKeys } from './option-keys.js';
import { parseRate, parseSize, parseTime, type RateInput, type SizeInput, type TimeInput } from './units.js';

/** Reordering with an explicit extra delay. */
export interface ReorderSpec {
  /** Probability that a datagram is picked for the extra delay. */
  readonly probability: number;
  /** Extra delay of picked datagrams (default: the propagation delay, at least 1 ms). */
  readonly delay?: TimeInput;
}

/** Reordering: a probability, or a probability and the extra delay of reordered datagrams. */
export type ReorderOptions = number | ReorderSpec;

/** Corruption with an explicit number of flipped bits. */
export interface CorruptSpec {
  /** Probability that a datagram is corrupted. */
  readonly probability: number;
  /** Distinct bits flipped per corrupted datagram (default 1). */
  readonly bits?: number;
}

/** Corruption: a probability (one flipped bit), or a probability and the number of flipped bits. */
export type CorruptOptions = number | CorruptSpec;

/** Properties of one direction of a link. Every field is optional. */
export interface LinkDirectionOptions {
  /** Bandwidth (bit/s, e.g. `'100Mbit'`); sets the serialisation delay. Default: unlimited. */
  readonly bandwidth?: RateInput;
  /** One-way propagation delay (ms, e.g. `'25ms'`). Default 0. */
  readonly delay?: TimeInput;
  /** Jitter: each datagram's delay varies uniformly within ±`jitter` (never below 0). Default 0. */
  readonly jitter?: TimeInput;
  /** Let jitter reorder datagrams. Default false: arrivals stay in sending order. */
  readonly jitterReorders?: boolean;
  /** Transmit queue (drop-tail bytes/packets, CoDel or RED). Default: drop-tail, 1000 packets. */
  readonly queue?: QueueOptions;
  /** Random loss model. Default none. */
  readonly loss?: LossOptions;
  /** Scripted drops: datagram numbers on this direction (from 1), or a predicate. */
  readonly dropScript?: DropScript;
  /** Reordering: picked datagrams get an extra delay (default: the propagation delay, at least 1 ms). */
  readonly reorder?: ReorderOptions;
  /** Probability that a datagram is duplicated (the copy follows it through the queue). */
  readonly duplicate?: number;
  /** Corruption probability (one random bit flipped by default). */
  readonly corrupt?: CorruptOptions;
  /** Largest IP packet (payload + `overhead`), e.g. `1500`; larger datagrams are dropped (`mtu`). Default: none. */
  readonly mtu?: SizeInput;
  /** Bytes added to each datagram for MTU checks and serialisation. Default 28 (IPv4 + UDP) or 48 (IPv6 + UDP). */
  readonly overhead?: SizeInput;
  /** Outage intervals `[from, to)` in absolute virtual time. */
  readonly down?: readonly (readonly [TimeInput, TimeInput])[];
}

/** Options of a link: common properties plus per-direction overrides (`ab`: a→b, `ba`: b→a). */
export interface LinkOptions extends LinkDirectionOptions {
  /** Overrides for the a→b direction. */
  readonly ab?: LinkDirectionOptions;
  /** Overrides for the b→a direction. */
  readonly ba?: LinkDirectionOptions;
}

/** A direction's options resolved to numbers (queue left for the link, which knows the BDP). */
export interface ResolvedDirection {
  /** bit/s (Infinity: no serialisation delay). */
  readonly bandwidth: number;
  /** ms. */
  readonly delay: number;
  /** ms. */
  readonly jitter: number;
  /** Whether jitter may reorder. */
  readonly jitterReorders: boolean;
  /** Queue options (resolved by the link). */
  readonly queue: QueueOptions | undefined;
  /** Loss options (resolved by the link). */
  readonly loss: LossOptions | undefined;
  /** Scripted drops. */
  readonly dropScript: DropScript | undefined;
  /** Reorder probability. */
  readonly reorderP: number;
  /** Extra delay of reordered datagrams, ms. */
  readonly reorderDelay: number;
  /** Duplication probability. */
  readonly duplicateP: number;
  /** Corruption probability. */
  readonly corruptP: number;
  /** Bits flipped per corrupted datagram. */
  readonly corruptBits: number;
  /** Largest IP packet, bytes. */
  readonly mtu: number;
  /** Per-datagram overhead in bytes, or undefined for the address family's IP + UDP header. */
  readonly overhead: number | undefined;
  /** Outage intervals, ms. */
  readonly down: readonly (readonly [number, number])[];
}

/** The keys of {@link LinkDirectionOptions}. */
const DIRECTION_KEYS = [
  'bandwidth', 'delay', 'jitter', 'jitterReorders', 'queue', 'loss', 'dropScript',
  'reorder', 'duplicate', 'corrupt', 'mtu', 'overhead', 'down',
] as const satisfies readonly (keyof LinkDirectionOptions)[];

/**
 * Checks a link's options for unknown keys (common, `ab` and `ba`).
 * @param options - the link's options as given
 * @param path - option path for errors (e.g. `link(10.0.0.1,10.0.0.2)`)
 */
export function checkLinkKeys(options: LinkOptions, path: string): void {
  if (typeof options !== 'object' || options === null) throw new SimConfigError(path, `expected an options object, got ${JSON.stringify(options)}`);
  rejectUnknownKeys(options, [...DIRECTION_KEYS, 'ab', 'ba'], path);
  for (const dir of ['ab', 'ba'] as const) {
    const own = options[dir];
    if (own === undefined) continue;
    if (typeof own !== 'object' || own === null) throw new SimConfigError(`${path}.${dir}`, `expected an options object, got ${JSON.stringify(own)}`);
    rejectUnknownKeys(own, DIRECTION_KEYS, `${path}.${dir}`);
  }
}

/** Merges the common options with one direction's overrides. */
export function mergeDirection(options: LinkOptions, dir: 'ab' | 'ba'): LinkDirectionOptions {
  const { ab, ba, ...common } = options;
  const own = dir === 'ab' ? ab : ba;
  return own === undefined ? common : { ...common, ...own };
}

/**
 * Validates and resolves a direction's options.
 *
 * @param o - merged options
 * @param path - option path for errors (e.g. `link(10.0.0.1,10.0.0.2).ab`)
 */
export function resolveDirection(o: LinkDirectionOptions, path: string): ResolvedDirection {
  const delay = o.delay === undefined ? 0 : parseTime(o.delay, `${path}.delay`);
  if (delay === Infinity) throw new SimConfigError(`${path}.delay`, 'must be finite');
  let reorderP = 0;
  let reorderDelay = Math.max(delay, 1);
  if (typeof o.reorder === 'number') reorderP = checkProbability(o.reorder, `${path}.reorder`);
  else if (o.reorder !== undefined) {
    rejectUnknownKeys(o.reorder, ['probability', 'delay'], `${path}.reorder`);
    reorderP = checkProbability(o.reorder.probability, `${path}.reorder.probability`);
    if (o.reorder.delay !== undefined) reorderDelay = parseTime(o.reorder.delay, `${path}.reorder.delay`);
  }
  let corruptP = 0;
  let corruptBits = 1;
  if (typeof o.corrupt === 'number') corruptP = checkProbability(o.corrupt, `${path}.corrupt`);
  else if (o.corrupt !== undefined) {
    rejectUnknownKeys(o.corrupt, ['probability', 'bits'], `${path}.corrupt`);
    corruptP = checkProbability(o.corrupt.probability, `${path}.corrupt.probability`);
    corruptBits = o.corrupt.bits ?? 1;
    if (!Number.isInteger(corruptBits) || corruptBits < 1) {
      throw new SimConfigError(`${path}.corrupt.bits`, `expected a positive integer, got ${JSON.stringify(corruptBits)}`);
    }
  }
  const down = (o.down ?? []).map(([a, b], i): [number, number] => {
    const from = parseTime(a, `${path}.down[${i}][0]`);
    const to = parseTime(b, `${path}.down[${i}][1]`);
    if (!(to >= from)) throw new SimConfigError(`${path}.down[${i}]`, 'the end must not precede the start');
    return [from, to];
  });
  if (o.dropScript !== undefined && typeof o.dropScript !== 'function' && !Array.isArray(o.dropScript)) {
    throw new SimConfigError(`${path}.dropScript`, 'expected an array of datagram numbers or a predicate');
  }
  const bandwidth = o.bandwidth === undefined ? Infinity : parseRate(o.bandwidth, `${path}.bandwidth`);
  // A zero rate would hold every datagram forever; leave `bandwidth` out for an unlimited link.
  if (!(bandwidth > 0)) throw new SimConfigError(`${path}.bandwidth`, `expected a rate above 0, got ${JSON.stringify(o.bandwidth)}`);
  return {
    bandwidth,
    delay,
    jitter: o.jitter === undefined ? 0 : parseTime(o.jitter, `${path}.jitter`),
    jitterReorders: o.jitterReorders ?? false,
    queue: o.queue,
    loss: o.loss,
    dropScript: o.dropScript,
    reorderP,
    reorderDelay,
    duplicateP: o.duplicate === undefined ? 0 : checkProbability(o.duplicate, `${path}.duplicate`),
    corruptP,
    corruptBits,
    mtu: o.mtu === undefined ? Infinity : parseSize(o.mtu, `${path}.mtu`),
    overhead: o.overhead === undefined ? undefined : parseSize(o.overhead, `${path}.overhead`),
    down,
  };
}

/** Whether `t` falls in one of the half-open intervals `[from, to)`. */
export function inIntervals(intervals: readonly (readonly [number, number])[], t: number): boolean {
  for (let i = 0; i < intervals.length; i++) {
    const iv = intervals[i];
    if (t >= iv[0] && t < iv[1]) return true;
  }
  return false;
}
