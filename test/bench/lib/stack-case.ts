/**
 * Builds a throughput case for one stack config: sender and receiver each
 * in its own process, 1200-byte writes, result reported as MB/s and as a
 * ratio to the raw UDP throughput of the same run (computed by the harness).
 *
 * @module
 */
import { cpuNote, measureThroughput } from './measure.js';
import { stackUnavailable } from './stack-api.js';
import type { BenchStackConfig } from './stack-api.js';
import { MB } from './types.js';
import type { BenchCase, BenchRow, BenchTarget } from './types.js';

/** Bytes per application write in stack throughput cases (one datagram for `datagram`). */
export const WRITE_SIZE = 1200;

/** What defines a stack throughput case. */
export interface StackCaseSpec {
  /** Case name. */
  readonly name: string;
  /** Filter tags. */
  readonly tags: readonly string[];
  /** One-line description. */
  readonly description: string;
  /** The stack config both peers use. */
  readonly config: BenchStackConfig;
  /** Minimum ratio to raw UDP the project aims at, if any. */
  readonly minRatio?: number;
  /** Budget in ms. Default 40 s. */
  readonly budgetMs?: number;
}

/** A {@link BenchCase} measuring the throughput of one stack config. */
export function stackThroughputCase(spec: StackCaseSpec): BenchCase {
  return {
    name: spec.name,
    tags: spec.tags,
    description: spec.description,
    comparesToUdp: true,
    budgetMs: spec.budgetMs ?? 40_000,
    unavailable: () => stackUnavailable(spec.config),
    async run(ctx): Promise<BenchRow[]> {
      const r = await measureThroughput(
        'stack-throughput.ts',
        { config: spec.config, size: WRITE_SIZE, warmupMs: 300 },
        { config: spec.config, size: WRITE_SIZE },
        ctx.durationMs,
      );
      const mbps = r.bytesPerSecond / MB;
      const target: BenchTarget | undefined = spec.minRatio === undefined ? undefined : { op: '>=', value: spec.minRatio, on: 'ratio' };
      const sentBytes = Number(r.sender.bytes);
      const delivered = sentBytes > 0 ? r.receiver.bytes / sentBytes : 0;
      const row: BenchRow = {
        case: spec.name,
        metric: 'received throughput',
        value: mbps,
        unit: 'MB/s',
        compare: 'udp',
        ...(target === undefined ? {} : { target }),
        status: 'ok',
        note: `${(delivered * 100).toFixed(1)} % of written bytes arrived, ${Number(r.sender.blocked)} backpressure waits, ${cpuNote(r.senderCpu, r.receiverCpu)}`,
      };
      return [row];
    },
  };
}
