/**
 * The discrete-event scheduler: one virtual clock and one event queue per
 * simulated network, ordered by deadline then insertion
 * ({@link DeadlineHeap}).
 *
 * Running is asynchronous so that promise jobs and `process.nextTick`
 * callbacks behave as on real sockets. After every event that ran user code
 * (a socket handler or a timer callback), the scheduler yields before the
 * next event; internal events (a link finishing a serialisation) need no
 * yield. A yield is one `setImmediate` callback out of a batch queued
 * together: Node drains the tick queue and the microtask queue between two
 * immediates of the same batch without a full event-loop turn, which costs
 * about 0.15 µs instead of about 2.5 µs for a lone `setImmediate`. Between
 * batches the event loop turns, so real I/O and `setImmediate`/`setTimeout`
 * callbacks of user code still run (virtual time may have advanced by then).
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { DeadlineHeap } from '../time/heap.js';
import type { Clock } from '../time/clock.js';
import type { SimEvent } from './event.js';
import { SimLimitError, SimRunningError } from './errors.js';

/** Why a run ended. */
export type RunEndReason = 'until' | 'idle' | 'settled' | 'stopped';

/** Outcome of a run. */
export interface RunResult {
  /** Why the run ended. */
  readonly reason: RunEndReason;
  /** Virtual time (ms) when it ended. */
  readonly now: number;
  /** Events fired during the run. */
  readonly events: number;
}

/** What a run waits for (numbers already in ms). */
export interface RunSpec {
  /** `until`: up to an absolute time; `idle`: until no non-daemon event is left; `promise`: until `settled()`. */
  readonly mode: 'until' | 'idle' | 'promise';
  /** Absolute virtual time to stop at (mode `until`) or to give up at (other modes), ms. */
  readonly until: number;
  /** Give up after this many events. */
  readonly maxEvents: number;
  /** Mode `promise`: true once the awaited promise has settled. */
  readonly settled?: () => boolean;
  /** Mode `promise`: wall-clock ms to wait for outside work when the simulation is idle. */
  readonly idleWallMs?: number;
}

/** Immediates queued per batch (each may run one user event). */
const BATCH = 64;
/** Internal events one immediate may run before yielding anyway. */
const MAX_INTERNAL = 1 << 16;

interface Runner {
  readonly spec: RunSpec;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (err: unknown) => void;
  readonly slot: () => void;
  slots: number;
  batch: number;
  events: number;
  idleBatch: number;
  idleWall: number;
}

/** One virtual clock and event queue, shared by every host and link of a network. */
export class SimScheduler implements Clock {
  private t = 0;
  private readonly heap = new DeadlineHeap<SimEvent>();
  private live = 0;
  private runner: Runner | undefined;
  private stopRequested = false;
  private fired = 0;

  /** Current virtual time in ms. */
  now(): number {
    return this.t;
  }

  /** Events fired since the network was created. */
  get eventsFired(): number {
    return this.fired;
  }

  /** Queued events that keep the simulation busy (non-daemon). */
  get pending(): number {
    return this.live;
  }

  /** Whether a run is in progress. */
  get running(): boolean {
    return this.runner !== undefined;
  }

  /**
   * Queue `event` at `deadline` (clamped to now), or move it there if queued;
   * among equal deadlines, events fire in the order they were scheduled.
   */
  schedule(event: SimEvent, deadline: number): void {
    if (!(deadline >= this.t)) deadline = this.t;
    if (event.heapIndex < 0 && !event.daemon) this.live++;
    this.heap.schedule(event, deadline);
  }

  /** Remove `event` from the queue; a no-op when it is not queued. */
  cancel(event: SimEvent): void {
    if (event.heapIndex < 0) return;
    this.heap.remove(event);
    if (!event.daemon) this.live--;
  }

  /** Remove every queued event matching `predicate` (keeps the others' order). O(n log n). */
  removeWhere(predicate: (event: SimEvent) => boolean): SimEvent[] {
    const keep: SimEvent[] = [];
    const removed: SimEvent[] = [];
    for (let e = this.heap.pop(); e !== undefined; e = this.heap.pop()) (predicate(e) ? removed : keep).push(e);
    for (const e of keep) this.heap.schedule(e, e.deadline);
    for (const e of removed) if (!e.daemon) this.live--;
    return removed;
  }

  /** Ask the current run to end before its next event (reason `stopped`). */
  stop(): void {
    if (this.runner !== undefined) this.stopRequested = true;
  }

  /** Run according to `spec`; resolves when it ends, rejects on a limit or when an event handler throws. */
  start(spec: RunSpec): Promise<RunResult> {
    if (this.runner !== undefined) return Promise.reject(new SimRunningError());
    this.stopRequested = false;
    return new Promise<RunResult>((resolve, reject) => {
      const r: Runner = {
        spec,
        resolve,
        reject,
        slot: () => this.slot(r),
        slots: 0,
        batch: 0,
        events: 0,
        idleBatch: -1,
        idleWall: -1,
      };
      this.runner = r;
      this.queueBatch(r);
    });
  }

  private queueBatch(r: Runner): void {
    if (this.runner !== r) return;
    r.batch++;
    r.slots += BATCH;
    for (let i = 0; i < BATCH; i++) setImmediate(r.slot);
  }

  private slot(r: Runner): void {
    if (this.runner !== r) return;
    r.slots--;
    this.slice(r);
    if (this.runner === r && r.slots === 0) {
      if (r.idleWall >= 0) setTimeout(() => this.queueBatch(r), 1);
      else this.queueBatch(r);
    }
  }

  private finish(r: Runner, reason: RunEndReason): void {
    this.runner = undefined;
    this.stopRequested = false;
    r.resolve({ reason, now: this.t, events: r.events });
  }

  private fail(r: Runner, err: unknown): void {
    this.runner = undefined;
    this.stopRequested = false;
    r.reject(err);
  }

  /** Fire events until one ran user code (then yield) or the run ends. */
  private slice(r: Runner): void {
    const spec = r.spec;
    for (let n = 0; n < MAX_INTERNAL; n++) {
      if (this.stopRequested) return this.finish(r, 'stopped');
      if (spec.mode === 'promise' && spec.settled !== undefined && spec.settled()) return this.finish(r, 'settled');
      if (spec.mode !== 'until' && this.live === 0) {
        if (!this.idle(r)) return;
        continue;
      }
      r.idleBatch = -1;
      r.idleWall = -1;
      const e = this.heap.peek();
      if (e === undefined || e.deadline > spec.until) {
        if (spec.mode === 'until') {
          if (spec.until !== Infinity) this.t = spec.until;
          return this.finish(r, 'until');
        }
        this.t = Math.max(this.t, spec.until);
        return this.fail(r, new SimLimitError('ERR_SIM_LIMIT', `virtual time limit reached at ${this.t} ms`));
      }
      if (r.events >= spec.maxEvents) {
        return this.fail(r, new SimLimitError('ERR_SIM_LIMIT', `event limit of ${spec.maxEvents} reached`));
      }
      this.heap.pop();
      if (!e.daemon) this.live--;
      if (e.deadline > this.t) this.t = e.deadline;
      r.events++;
      this.fired++;
      let user: boolean;
      try {
        user = e.fire();
      } catch (err) {
        return this.fail(r, err);
      }
      if (user) return;
    }
  }

  /** Handle an idle queue; returns true when the slice may continue (never, today). */
  private idle(r: Runner): boolean {
    const spec = r.spec;
    if (spec.mode === 'idle') {
      // Confirm idleness after one full event-loop turn (a new batch).
      if (r.idleBatch < 0) r.idleBatch = r.batch;
      else if (r.batch > r.idleBatch) this.finish(r, 'idle');
      return false;
    }
    const now = performance.now();
    if (r.idleWall < 0) r.idleWall = now;
    else if (now - r.idleWall > (spec.idleWallMs ?? 200)) {
      this.fail(
        r,
        new SimLimitError('ERR_SIM_DEADLOCK', `the simulation is idle at ${this.t} ms but the awaited promise is still pending`),
      );
    }
    return false;
  }
}
