/**
 * Command line: plot one metric of a JSON-SEQ trace file as an SVG.
 *
 * ```sh
 * npx tsx core/trace/plot/cli.ts trace.sqlog --metric cwnd [--group conn-1] [--window 100] [--out cwnd.svg] [--title "…"]
 * ```
 *
 * Without `--out` the SVG goes to standard output. Exit code 2 on bad
 * arguments or an unreadable trace.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readJsonSeq } from '../jsonseq.js';
import { chartFromTrace } from './series.js';
import type { TraceMetric } from './series.js';
import { renderTimeSeriesSvg } from './svg.js';

const METRICS: readonly TraceMetric[] = ['cwnd', 'smoothed_rtt', 'bytes_in_flight', 'throughput', 'queue_length'];

/** Parsed arguments of {@link plotCli}. */
export interface PlotCliArgs {
  /** Trace file (JSON-SEQ). */
  readonly input: string;
  /** Metric to plot. */
  readonly metric: TraceMetric;
  /** Output SVG path; standard output when undefined. */
  readonly out?: string;
  /** Only this group. */
  readonly group?: string;
  /** Throughput window, ms. */
  readonly windowMs?: number;
  /** Chart title. */
  readonly title?: string;
}

/** Parse command-line arguments; throws an `Error` with a usage message on bad input. */
export function parsePlotArgs(argv: readonly string[]): PlotCliArgs {
  let input: string | undefined;
  let metric: string | undefined;
  let out: string | undefined;
  let group: string | undefined;
  let windowMs: number | undefined;
  let title: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--metric') metric = value();
    else if (a === '--out') out = value();
    else if (a === '--group') group = value();
    else if (a === '--window') windowMs = Number(value());
    else if (a === '--title') title = value();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else input = a;
  }
  if (input === undefined) throw new Error('usage: plot <trace.sqlog> --metric <metric> [--group g] [--window ms] [--out file.svg] [--title t]');
  if (metric === undefined || !(METRICS as readonly string[]).includes(metric)) throw new Error(`--metric must be one of ${METRICS.join(', ')}`);
  if (windowMs !== undefined && !(windowMs > 0)) throw new Error('--window must be a positive number of ms');
  return { input, metric: metric as TraceMetric, out, group, windowMs, title };
}

/** Read the trace, render the chart, write it; returns the SVG text. */
export function plotCli(args: PlotCliArgs): string {
  const { events } = readJsonSeq(readFileSync(args.input, 'utf8'), { onInvalid: 'skip' });
  const svg = renderTimeSeriesSvg(
    chartFromTrace(events, {
      metric: args.metric,
      ...(args.group === undefined ? {} : { group: args.group }),
      ...(args.windowMs === undefined ? {} : { windowMs: args.windowMs }),
      ...(args.title === undefined ? {} : { title: args.title }),
    }),
  );
  if (args.out !== undefined) writeFileSync(args.out, svg, 'utf8');
  return svg;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const args = parsePlotArgs(process.argv.slice(2));
    const svg = plotCli(args);
    if (args.out === undefined) process.stdout.write(svg);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
