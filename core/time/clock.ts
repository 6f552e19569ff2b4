/**
 * Clock and timer contracts. Time is milliseconds as a floating-point number
 * (like `performance.now()`); protocol sessions never read the wall clock.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** A monotonic clock in milliseconds. */
export interface Clock {
  /** Current time in milliseconds (floating point, monotonic). */
  now(): number;
}

/**
 * A reusable timer owned by one session. Created once (with its callback),
 * then armed and re-armed cheaply: no closure or allocation per packet.
 */
export interface Timer {
  /**
   * Arm (or re-arm) the timer to fire at the absolute time `deadline` (ms).
   * A deadline at or before the current time never fires inside `arm()`: it
   * fires once the input being handled is done (on real sockets, after the
   * event loop's I/O phase, so after every datagram read in the same turn).
   */
  arm(deadline: number): void;
  /** Disarm the timer; a no-op when it is not armed. */
  cancel(): void;
  /** Whether the timer is armed. */
  readonly armed: boolean;
  /** Absolute deadline in ms, or `Infinity` when disarmed. */
  readonly deadline: number;
}

/**
 * One timer service per stack: all timers share a single underlying
 * host timer (real) or the simulator's event queue (virtual).
 */
export interface TimerService {
  /** Create a disarmed timer that calls `callback` when it fires. */
  createTimer(callback: () => void): Timer;
  /** Stop every timer and release the host timer. */
  close(): void;
}

/**
 * The real monotonic clock (`performance.now()`). `performance` is imported
 * from `node:perf_hooks`: the global `performance` is an accessor on
 * `globalThis` in Node 20, and reading it costs a getter call each time.
 */
export const realClock: Clock = {
  now: () => performance.now(),
};
