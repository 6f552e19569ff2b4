/**
 * Builds a throughput case for one stack config: sender and receiver each
 * in its own process, 1200-byte writes, result reported as MB/s and as a
 * ratio to the raw UDP throughput of the same run (computed by the harness),
 * or, with `--paired N`, measured in N paired rounds against raw UDP.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonSeq } from '../../../core/trace/jsonseq.js';
import { chartFromTrace, METRIC_AXES } from '../../../core/trace/plot/series.js';
import type { TraceMetric } from '../../../core/trace/plot/series.js';
import { writeTimeSeriesSvg } from '../../../core/trace/plot/svg.js';
import type { TraceEvent } from '../../../core/trace/tracer.js';
import { cpuNote, measureThroughput } from './measure.js';
import { gcNote } from './gc-counter.js';
import { stackUnavailable } from './stack-api.js';
import type { BenchStackConfig } from './stack-api.js';
import { MB } from './types.js';
import type { BenchCase, BenchContext, BenchRow, BenchTarget } from './types.js';
import { judgePaired, measurePaired, summarisePaired } from './paired.js';
import type { PairSpec } from './paired.js';
import { rawUdpPair } from '../cases/udp-raw.js';

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
  /** Bytes per `conn.write()`. Default {@link WRITE_SIZE}; a different size is stated in the row's note. */
  readonly writeSize?: number;
}

/**
 * Plot the traces of one run: cwnd, smoothed RTT and bytes in flight of the
 * sender, throughput (50 ms windows) of the receiver. Returns the SVG paths
 * written (metrics the trace does not carry give no file).
 */
function plotTraces(name: string, senderTrace: string, receiverTrace: string, dir: string): string[] {
  const written: string[] = [];
  const sender = readJsonSeq(readFileSync(senderTrace, 'utf8'), { onInvalid: 'skip' }).events;
  const receiver = readJsonSeq(readFileSync(receiverTrace, 'utf8'), { onInvalid: 'skip' }).events;
  const charts: [string, TraceMetric, TraceEvent[]][] = [
    ['cwnd', 'cwnd', sender],
    ['srtt', 'smoothed_rtt', sender],
    ['inflight', 'bytes_in_flight', sender],
    ['throughput', 'throughput', receiver],
  ];
  for (const [file, metric, events] of charts) {
    const chart = chartFromTrace(events, { metric, windowMs: 50, title: `${name}: ${METRIC_AXES[metric].label}` });
    if (chart.series.length === 0) continue;
    const path = join(dir, `${name}-${file}.svg`);
    writeTimeSeriesSvg(path, chart);
    written.push(path);
  }
  return written;
}

/** Receiver warm-up of paired rounds, ms: the processes are warm already; this only skips each round's ramp. */
export const PAIRED_WARMUP_MS = 100;

/** Bytes/s as MB/s text. */
function mbText(bytesPerSecond: number): string {
  return (bytesPerSecond / MB).toFixed(1);
}

/** The row of a paired measurement (`--paired N`): median MB/s, median ratio, its interval and verdict. */
async function pairedRow(spec: StackCaseSpec, ctx: BenchContext, rounds: number): Promise<BenchRow> {
  const size = spec.writeSize ?? WRITE_SIZE;
  const stack: PairSpec = {
    script: 'stack-throughput.ts',
    receiverArgs: { config: spec.config, size, warmupMs: PAIRED_WARMUP_MS },
    senderArgs: { config: spec.config, size },
  };
  const results = await measurePaired(rawUdpPair(PAIRED_WARMUP_MS), stack, rounds, ctx.durationMs, (r, i) =>
    ctx.log(`round ${i + 1}: raw UDP ${mbText(r.baseline.bytesPerSecond)} MB/s, stack ${mbText(r.candidate.bytesPerSecond)} MB/s, ratio ${r.ratio.toFixed(3)}`),
  );
  const s = summarisePaired(results);
  const target: BenchTarget | undefined = spec.minRatio === undefined ? undefined : { op: '>=', value: spec.minRatio, on: 'ratio' };
  const verdict = judgePaired(s, target);
  const iv = s.interval;
  const interval = iv === undefined ? 'no interval (fewer than 6 rounds)' : `95 % interval for the median ${iv.low.toFixed(3)}–${iv.high.toFixed(3)}× (coverage ${(iv.coverage * 100).toFixed(1)} %)`;
  return {
    case: spec.name,
    metric: 'received throughput',
    value: s.candidateBytesPerSecond / MB,
    unit: 'MB/s',
    ratio: s.ratio,
    ...(target === undefined ? {} : { target }),
    status: verdict.status,
    note:
      `${size === WRITE_SIZE ? '' : `${size}-byte writes, `}${rounds} paired rounds of ${ctx.durationMs} ms (raw UDP and the stack in turn, the same four processes throughout); ` +
      `${interval}; per-round ratios ${s.range[0].toFixed(2)}–${s.range[1].toFixed(2)}×; raw UDP median ${mbText(s.baselineBytesPerSecond)} MB/s` +
      (target === undefined ? '' : `; ${verdict.reason}`),
  };
}

/** A {@link BenchCase} measuring the throughput of one stack config. */
export function stackThroughputCase(spec: StackCaseSpec): BenchCase {
  return {
    name: spec.name,
    tags: spec.tags,
    description: spec.description,
    comparesToUdp: true,
    pairs: true,
    budgetMs: spec.budgetMs ?? 40_000,
    unavailable: () => stackUnavailable(spec.config),
    async run(ctx): Promise<BenchRow[]> {
      if (ctx.paired !== undefined) return [await pairedRow(spec, ctx, ctx.paired)];
      const traces =
        ctx.traceDir === undefined
          ? undefined
          : { sender: join(ctx.traceDir, `${spec.name}-sender.sqlog`), receiver: join(ctx.traceDir, `${spec.name}-receiver.sqlog`) };
      const size = spec.writeSize ?? WRITE_SIZE;
      const r = await measureThroughput(
        'stack-throughput.ts',
        { config: spec.config, size, warmupMs: 300, ...(traces === undefined ? {} : { trace: traces.receiver }) },
        { config: spec.config, size, ...(traces === undefined ? {} : { trace: traces.sender }) },
        ctx.durationMs,
      );
      if (traces !== undefined && ctx.traceDir !== undefined) {
        for (const f of plotTraces(spec.name, traces.sender, traces.receiver, ctx.traceDir)) ctx.log(`plot: ${f}`);
      }
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
        note: `${size === WRITE_SIZE ? '' : `${size}-byte writes, `}${(delivered * 100).toFixed(1)} % of written bytes arrived, ${Number(r.sender.blocked)} backpressure waits, ${cpuNote(r.senderCpu, r.receiverCpu)}, ${gcNote(r.receiver.gc, r.receiver.measuredMs)}, connect ${Number(r.senderReady.connectMs).toFixed(0)} ms`,
      };
      return [row];
    },
  };
}
