/**
 * The simulated network: hosts, links between them, one virtual clock and
 * one event queue. Every random choice comes from streams derived from the
 * network seed, so equal seeds and configurations give equal traces.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { SeededRandom } from '../random/random.js';
import type { Tracer } from '../trace/tracer.js';
import { SimConfigError, SimLimitError } from './errors.js';
import type { SimEvent } from './event.js';
import { SimHost, type HostNetwork, type RebindOptions, type SimSocket } from './host.js';
import { LinkDirection, type LinkObserver, type SimLink } from './link.js';
import { rejectUnknownKeys } from './option-keys.js';
import { checkLinkKeys, mergeDirection, resolveDirection, type LinkOptions } from './options.js';
import { SimScheduler, type RunResult } from './scheduler.js';
import { streamRandom } from './seed.js';
import type { LinkDirectionStats, SimLinkEvent } from './stats.js';
import { SimTimerService } from './timers.js';
import { bdpBytes, parseTime, type TimeInput } from './units.js';

/** Options of a {@link SimNetwork}. */
export interface SimNetworkOptions {
  /** Seed of every random stream of the network (default 1). */
  readonly seed?: number;
  /** Called synchronously for every link event (send, drop, deliver, duplicate, corrupt, reorder). */
  readonly onEvent?: (event: SimLinkEvent) => void;
  /** A tracer receiving link events as `link_send`, `link_drop`, `link_deliver`, … */
  readonly tracer?: Tracer;
}

/** Options of {@link SimNetwork.run}: give `until` (absolute) or `for` (duration). */
export interface RunOptions {
  /** Absolute virtual time to stop at (events at exactly `until` run). */
  readonly until?: TimeInput;
  /** Duration to run for, from now. */
  readonly for?: TimeInput;
  /** Reject with `ERR_SIM_LIMIT` after this many events (default: no limit). */
  readonly maxEvents?: number;
}

/** Options of {@link SimNetwork.runUntilIdle} and {@link SimNetwork.runUntil}. */
export interface RunLimitOptions {
  /** Give up (reject with `ERR_SIM_LIMIT`) after this much virtual time (default `'600s'`). */
  readonly limit?: TimeInput;
  /** Give up after this many events (default: no limit). */
  readonly maxEvents?: number;
  /**
   * `runUntil` only: when no event is left but the promise is pending, wait
   * this many wall-clock ms for outside work before rejecting with
   * `ERR_SIM_DEADLOCK` (default 200).
   */
  readonly idleWallMs?: number;
}

/** A snapshot of the network's counters. */
export interface SimNetworkStats {
  /** Virtual time, ms. */
  readonly now: number;
  /** Events fired so far. */
  readonly events: number;
  /** Datagrams dropped for want of a host or a link to the destination. */
  readonly noRoute: number;
  /** Per-direction counters, keyed by direction label `from>to`. */
  readonly links: Readonly<Record<string, LinkDirectionStats>>;
}

class Callback implements SimEvent {
  deadline = 0;
  seq = 0;
  heapIndex = -1;
  readonly daemon = false;
  constructor(private readonly fn: () => void) {}
  fire(): boolean {
    this.fn();
    return true;
  }
}

const DEFAULT_LIMIT = 600_000;

/** A deterministic simulated network running in virtual time. */
export class SimNetwork {
  /** The seed. */
  readonly seed: number;
  /** The event scheduler (shared by every host). */
  readonly scheduler = new SimScheduler();
  /** The virtual clock (ms). */
  readonly clock: Clock;
  /** A timer service in virtual time for test code. */
  readonly timers: TimerService;
  private readonly hosts = new Map<string, SimHost>();
  private readonly labels = new Set<string>();
  private readonly linkList: SimLink[] = [];
  private readonly observer: LinkObserver = { fn: undefined };
  private noRoute = 0;
  private readonly hostNet: HostNetwork;

  /** @param options - seed, event hook, tracer */
  constructor(options: SimNetworkOptions = {}) {
    rejectUnknownKeys(options, ['seed', 'onEvent', 'tracer'], 'SimNetwork');
    this.seed = options.seed ?? 1;
    const scheduler = this.scheduler;
    this.clock = { now: () => scheduler.now() };
    this.timers = new SimTimerService(scheduler);
    const { onEvent, tracer } = options;
    if (onEvent !== undefined || (tracer !== undefined && tracer.enabled)) {
      this.observer.fn = (e) => {
        onEvent?.(e);
        if (tracer !== undefined && tracer.enabled) tracer.emit(`link_${e.type}`, { ...e });
      };
    }
    this.hostNet = {
      scheduler,
      clock: this.clock,
      route: (host, socket, data, to) => this.route(host, socket, data, to),
      readdress: (host, address) => this.readdress(host, address),
    };
  }

  /** Current virtual time, ms. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Every link, in creation order. */
  get links(): readonly SimLink[] {
    return this.linkList;
  }

  /**
   * The host with `address`, created on first use (IPv4 or IPv6 text; only a
   * label, no real traffic ever).
   */
  host(address: string): SimHost {
    const existing = this.hosts.get(address);
    if (existing !== undefined) return existing;
    if (this.labels.has(address)) {
      throw new SimConfigError('host', `${address} was the address of a host that has been rebound`);
    }
    if (typeof address !== 'string' || address.length === 0) throw new SimConfigError('host', 'expected an address');
    const host = new SimHost(this.hostNet, address, streamRandom(this.seed, `host:${address}`));
    this.hosts.set(address, host);
    this.labels.add(address);
    return host;
  }

  /**
   * Connect `a` and `b` (hosts or addresses) with a link. Common options
   * apply to both directions; `ab` / `ba` override them per direction.
   * `'1bdp'`-style sizes use that direction's bandwidth × (delay a→b + delay b→a).
   */
  link(a: SimHost | string, b: SimHost | string, options: LinkOptions = {}): SimLink {
    const ha = typeof a === 'string' ? this.host(a) : a;
    const hb = typeof b === 'string' ? this.host(b) : b;
    if (ha === hb) throw new SimConfigError('link', 'a link needs two different hosts');
    if (ha.routes.has(hb)) throw new SimConfigError('link', `${ha.label} and ${hb.label} are already linked`);
    const path = `link(${ha.label},${hb.label})`;
    checkLinkKeys(options, path);
    const ab = resolveDirection(mergeDirection(options, 'ab'), `${path}.ab`);
    const ba = resolveDirection(mergeDirection(options, 'ba'), `${path}.ba`);
    const rtt = ab.delay + ba.delay;
    const bdp = (rate: number): number | undefined => (rate === Infinity ? undefined : bdpBytes(rate, rtt));
    const dirAB = new LinkDirection(
      this.scheduler, ha, hb, ab, bdp(ab.bandwidth),
      streamRandom(this.seed, `link:${ha.label}>${hb.label}`), this.observer, `${path}.ab`,
    );
    const dirBA = new LinkDirection(
      this.scheduler, hb, ha, ba, bdp(ba.bandwidth),
      streamRandom(this.seed, `link:${hb.label}>${ha.label}`), this.observer, `${path}.ba`,
    );
    ha.routes.set(hb, dirAB);
    hb.routes.set(ha, dirBA);
    const link: SimLink = { ab: dirAB, ba: dirBA };
    this.linkList.push(link);
    return link;
  }

  /** The direction from `a` to `b`, if linked. */
  direction(a: SimHost | string, b: SimHost | string): LinkDirection | undefined {
    const ha = typeof a === 'string' ? this.hosts.get(a) : a;
    const hb = typeof b === 'string' ? this.hosts.get(b) : b;
    return ha === undefined || hb === undefined ? undefined : ha.routes.get(hb);
  }

  /**
   * An outage `[from, to)` in absolute virtual time of a link (both
   * directions), one direction, or a host (all its links). Datagrams sent,
   * finishing serialisation or arriving during an outage are dropped (`outage`).
   */
  outage(target: SimLink | LinkDirection | SimHost, from: TimeInput, to: TimeInput): void {
    const f = parseTime(from, 'outage.from');
    const t = parseTime(to, 'outage.to');
    if (!(t >= f)) throw new SimConfigError('outage.to', 'the end must not precede the start');
    if (target instanceof SimHost || target instanceof LinkDirection) target.addOutage(f, t);
    else {
      target.ab.addOutage(f, t);
      target.ba.addOutage(f, t);
    }
  }

  /** NAT rebinding of `host` (see {@link SimHost.rebind}). */
  rebind(host: SimHost | string, options: RebindOptions): void {
    const h = typeof host === 'string' ? this.hosts.get(host) : host;
    if (h === undefined) throw new SimConfigError('rebind', `no host ${String(host)}`);
    h.rebind(options);
  }

  /** Run `fn` at absolute virtual time `time` (as user code: microtasks run after it). */
  at(time: TimeInput, fn: () => void): void {
    this.scheduler.schedule(new Callback(fn), parseTime(time, 'at'));
  }

  /** Run `fn` after `delay` of virtual time. */
  after(delay: TimeInput, fn: () => void): void {
    this.scheduler.schedule(new Callback(fn), this.now + parseTime(delay, 'after'));
  }

  /** A new random stream derived from the seed and `label` (for test traffic generators). */
  random(label: string): SeededRandom {
    return streamRandom(this.seed, `user:${label}`);
  }

  /**
   * Run events up to `until` (absolute) or for `for` (duration); the clock
   * then reads exactly that time. Promise jobs and `process.nextTick`
   * callbacks queued by an event run before the clock moves on.
   */
  run(options: RunOptions): Promise<RunResult> {
    try {
      rejectUnknownKeys(options, ['until', 'for', 'maxEvents'], 'run');
    } catch (err) {
      return Promise.reject(err);
    }
    let until: number;
    if (options.until !== undefined) until = parseTime(options.until, 'run.until');
    else if (options.for !== undefined) until = this.now + parseTime(options.for, 'run.for');
    else return Promise.reject(new SimConfigError('run', 'give `until` or `for`'));
    return this.scheduler.start({
      mode: 'until',
      until: Math.max(until, this.now),
      maxEvents: options.maxEvents ?? Infinity,
    });
  }

  /** Run until no event that keeps the network busy is left (queue samplers do not count). */
  runUntilIdle(options: RunLimitOptions = {}): Promise<RunResult> {
    return this.scheduler.start({
      mode: 'idle',
      until: this.now + (options.limit === undefined ? DEFAULT_LIMIT : parseTime(options.limit, 'runUntilIdle.limit')),
      maxEvents: options.maxEvents ?? Infinity,
    });
  }

  /**
   * Run until `promise` settles and return its value (or throw its
   * reason), e.g. `const conn = await net.runUntil(stack.connect(addr))`.
   * Rejects with `ERR_SIM_LIMIT` on the limit and `ERR_SIM_DEADLOCK` when
   * the network is idle and the promise stays pending.
   */
  async runUntil<T>(promise: PromiseLike<T>, options: RunLimitOptions = {}): Promise<T> {
    let settled = false;
    let ok = false;
    let value: T | undefined;
    let reason: unknown;
    Promise.resolve(promise).then(
      (v) => {
        settled = true;
        ok = true;
        value = v;
      },
      (e: unknown) => {
        settled = true;
        reason = e;
      },
    );
    const result = await this.scheduler.start({
      mode: 'promise',
      until: this.now + (options.limit === undefined ? DEFAULT_LIMIT : parseTime(options.limit, 'runUntil.limit')),
      maxEvents: options.maxEvents ?? Infinity,
      settled: () => settled,
      idleWallMs: options.idleWallMs,
    });
    if (!settled) throw new SimLimitError('ERR_SIM_STOPPED', `run ended (${result.reason}) before the promise settled`);
    if (!ok) throw reason;
    return value as T;
  }

  /** End the current run before its next event (its result says `stopped`). */
  stop(): void {
    this.scheduler.stop();
  }

  /** A snapshot of every counter. */
  stats(): SimNetworkStats {
    const links: Record<string, LinkDirectionStats> = {};
    for (const l of this.linkList) {
      links[l.ab.label] = l.ab.stats();
      links[l.ba.label] = l.ba.stats();
    }
    return { now: this.now, events: this.scheduler.eventsFired, noRoute: this.noRoute, links };
  }

  private route(host: SimHost, socket: SimSocket, data: Uint8Array, to: PeerAddress): void {
    const dst = this.hosts.get(to.address);
    const dir = dst === undefined ? undefined : dst === host ? this.loopback(host) : host.routes.get(dst);
    if (dir === undefined) {
      this.noRoute++;
      socket.countSendError('no_route');
      const fn = this.observer.fn;
      if (fn !== undefined) {
        fn({ time: this.now, type: 'drop', link: `${host.label}>${to.address}`, n: 0, size: data.length, reason: 'no_route', queueBytes: 0, queuePackets: 0 });
      }
      return;
    }
    dir.offer(data, socket.publicAddress, to);
  }

  private loopback(host: SimHost): LinkDirection {
    let dir = host.routes.get(host);
    if (dir === undefined) {
      dir = new LinkDirection(
        this.scheduler, host, host, resolveDirection({}, `loopback(${host.label})`), undefined,
        streamRandom(this.seed, `loopback:${host.label}`), this.observer, `loopback(${host.label})`,
      );
      host.routes.set(host, dir);
    }
    return dir;
  }

  private readdress(host: SimHost, address: string): void {
    if (this.hosts.has(address) || (this.labels.has(address) && address !== host.label)) {
      throw new SimConfigError('rebind.address', `${address} is already used by another host`);
    }
    this.hosts.delete(host.address);
    this.hosts.set(address, host);
  }
}
