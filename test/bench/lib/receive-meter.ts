/**
 * The receiving side's counter, shared by the raw-UDP and stack workers so
 * both measure exactly the same way: arrivals are counted from the first
 * one, and the measured interval starts once the warm-up has passed.
 *
 * @module
 */
import type { ReceiverStats } from './measure.js';
import { gcCounts, gcDelta, startGcCounting } from './gc-counter.js';
import type { GcCounts } from './gc-counter.js';

/**
 * Counts arrivals and reports them as {@link ReceiverStats} fields, with the
 * process's garbage collections during the measured interval.
 */
export class ReceiveMeter {
  private packets = 0;
  private bytes = 0;
  private first = -1;
  private last = 0;
  private mark = -1;
  private markPackets = 0;
  private markBytes = 0;
  /** Collections counted when the measured interval began. */
  private markGc: GcCounts = gcCounts();

  /** @param warmupMs - arrivals in the first `warmupMs` after the first one are not measured */
  constructor(private readonly warmupMs: number) {
    startGcCounting();
  }

  /** Count one arrival of `size` bytes. */
  count(size: number): void {
    const now = performance.now();
    if (this.first < 0) {
      this.first = now;
      this.markGc = gcCounts();
    } else if (this.mark < 0 && now - this.first >= this.warmupMs) {
      this.mark = now;
      this.markPackets = this.packets;
      this.markBytes = this.bytes;
      this.markGc = gcCounts();
    }
    this.packets++;
    this.bytes += size;
    this.last = now;
  }

  /**
   * Start over, for a process measured again (paired rounds): zero every
   * count, so the next arrival is the first and the warm-up applies again.
   */
  restart(): void {
    this.packets = 0;
    this.bytes = 0;
    this.first = -1;
    this.last = 0;
    this.mark = -1;
    this.markPackets = 0;
    this.markBytes = 0;
    this.markGc = gcCounts();
  }

  /** Totals and the post-warm-up interval (everything but `cpu`). */
  stats(): Omit<ReceiverStats, 'cpu'> {
    const t0 = this.mark < 0 ? this.first : this.mark;
    return {
      packets: this.packets,
      bytes: this.bytes,
      measuredPackets: this.packets - this.markPackets,
      measuredBytes: this.bytes - this.markBytes,
      measuredMs: this.last - t0,
      gc: gcDelta(this.markGc, gcCounts()),
    };
  }
}
