/**
 * The real timer service: every timer of a stack lives in one indexed heap
 * behind a single Node timeout. The host timeout is only replaced when a
 * deadline earlier than it appears; deadlines that move later (an RTO
 * pushed back by every ACK) leave it alone, and its early wake-up re-arms
 * it once. So there is never one `setTimeout` per segment.
 *
 * A deadline that is already due (at or before `now`) is served by one
 * `setImmediate` instead: it fires right after the event loop's I/O phase,
 * so every datagram read in the same loop turn is handled first. That is
 * how a receiver sends one ACK for a whole batch of segments.
 *
 * @module
 */
import { DeadlineHeap, type HeapEntry } from './heap.js';
import type { Clock, Timer, TimerService } from './clock.js';

class HeapTimer implements Timer, HeapEntry {
  deadline = Infinity;
  seq = 0;
  heapIndex = -1;
  constructor(
    private readonly service: RealTimerService,
    readonly callback: () => void,
  ) {}
  get armed(): boolean {
    return this.heapIndex >= 0;
  }
  arm(deadline: number): void {
    this.service.schedule(this, deadline);
  }
  cancel(): void {
    this.service.unschedule(this);
  }
}

/** A {@link TimerService} on the real clock, with one host timeout per stack. */
export class RealTimerService implements TimerService {
  private readonly heap = new DeadlineHeap<HeapTimer>();
  private handle: NodeJS.Timeout | undefined;
  private handleDeadline = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private firing = false;
  private closed = false;

  /** @param clock - the clock deadlines are expressed in */
  constructor(private readonly clock: Clock) {}

  /** {@inheritDoc TimerService.createTimer} */
  createTimer(callback: () => void): Timer {
    return new HeapTimer(this, callback);
  }

  /** @internal */
  schedule(t: HeapTimer, deadline: number): void {
    if (this.closed) return;
    this.heap.schedule(t, deadline);
    if (!this.firing) this.rearm();
  }

  /** @internal */
  unschedule(t: HeapTimer): void {
    this.heap.remove(t);
    t.deadline = Infinity;
    // A stale host timeout is harmless: it fires, finds nothing due and re-arms.
  }

  /** {@inheritDoc TimerService.close} */
  close(): void {
    this.closed = true;
    for (let t = this.heap.pop(); t !== undefined; t = this.heap.pop()) t.deadline = Infinity;
    if (this.handle) clearTimeout(this.handle);
    if (this.immediate) clearImmediate(this.immediate);
    this.handle = undefined;
    this.immediate = undefined;
    this.handleDeadline = Infinity;
  }

  private rearm(): void {
    const first = this.heap.peek();
    if (first === undefined) return; // a pending host timeout fires once, finds nothing and stops
    // Lazy: keep a host timeout that fires at or before the earliest deadline. Deadlines that
    // move later (an RTO pushed back by every ACK) cost nothing; the early wake-up re-arms once.
    if (this.handle !== undefined && this.handleDeadline <= first.deadline) return;
    const delay = first.deadline - this.clock.now();
    if (delay <= 0) {
      // Already due: fire after this loop turn's I/O, not a full timeout tick (≥ 1 ms) later.
      this.immediate ??= setImmediate(this.fireImmediate).unref();
      return;
    }
    this.handleDeadline = first.deadline;
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = setTimeout(this.fire, Math.ceil(delay));
    this.handle.unref();
  }

  private readonly fireImmediate = (): void => {
    this.immediate = undefined;
    this.runDue();
  };

  private readonly fire = (): void => {
    this.handle = undefined;
    this.handleDeadline = Infinity;
    this.runDue();
  };

  private runDue(): void {
    this.firing = true;
    try {
      const now = this.clock.now();
      for (let t = this.heap.peek(); t !== undefined && t.deadline <= now + 0.5; t = this.heap.peek()) {
        this.heap.remove(t);
        t.deadline = Infinity;
        try {
          t.callback();
        } catch (err) {
          process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'ToukitTimerWarning');
        }
      }
    } finally {
      this.firing = false;
    }
    if (!this.closed) this.rearm();
  }
}
