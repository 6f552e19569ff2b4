/**
 * The unit of work of the simulator's discrete-event scheduler.
 *
 * @module
 */
import type { HeapEntry } from '../time/heap.js';

/**
 * An event in the simulator's queue. Events are long-lived objects
 * (a timer, a link's transmitter, a packet in flight) re-scheduled in place,
 * so the scheduler allocates nothing per event.
 */
export interface SimEvent extends HeapEntry {
  /**
   * Daemon events (queue samplers) do not keep the simulation busy:
   * `runUntilIdle` returns when only daemon events remain.
   */
  readonly daemon: boolean;
  /**
   * Runs the event at its deadline. Returns true when it ran user code
   * (a socket handler or a timer callback): the scheduler then lets promise
   * jobs and `process.nextTick` callbacks run before the next event.
   */
  fire(): boolean;
}
