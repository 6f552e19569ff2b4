/**
 * Periodic queue-length sampling of a link direction.
 *
 * @module
 */
import type { SimEvent } from './event.js';
import type { SimScheduler } from './scheduler.js';
import type { QueueSample } from './stats.js';

/** Something with an observable queue. */
export interface QueueView {
  /** Datagrams waiting. */
  readonly queuePackets: number;
  /** Wire bytes waiting. */
  readonly queueBytes: number;
}

/** Periodic queue-length sampler (a daemon event: it never keeps a run busy). */
export class QueueSampler implements SimEvent {
  /** @internal heap field */
  deadline = 0;
  /** @internal heap field */
  seq = 0;
  /** @internal heap field */
  heapIndex = -1;
  /** Samplers do not keep the simulation busy. */
  readonly daemon = true;
  /** Samples taken so far. */
  readonly samples: QueueSample[] = [];

  /**
   * @param queue - the sampled queue
   * @param scheduler - the network scheduler
   * @param every - sampling period, ms
   */
  constructor(
    private readonly queue: QueueView,
    private readonly scheduler: SimScheduler,
    private readonly every: number,
  ) {}

  /** @internal */
  fire(): boolean {
    this.samples.push({ time: this.scheduler.now(), packets: this.queue.queuePackets, bytes: this.queue.queueBytes });
    this.scheduler.schedule(this, this.scheduler.now() + this.every);
    return false;
  }

  /** Stop sampling. */
  stop(): void {
    this.scheduler.cancel(this);
  }
}
