/**
 * `npm run bench [-- <filter>...] [--duration <ms>] [--repeat <n> | --paired <n>] [--write <path>] [--budget-scale <x>] [--cpu-prof] [--trace] [--list]`:
 * the benchmark harness. Runs every case whose name contains a filter or
 * has it as a tag (all cases without filters), one after another, each
 * within its time budget, then prints a table and writes a JSON summary to
 * a fresh temp directory (printed). `--write docs/…` also writes the
 * results there: a Markdown table when the path ends in `.md`, else JSON.
 *
 * Throughput is measured between two processes on 127.0.0.1. Raw
 * `node:dgram` throughput is measured first and again at the end of the
 * same run; every stack throughput is reported as a ratio to the mean of
 * the two. With `--paired N`, stack throughput cases instead measure N
 * rounds against raw UDP themselves, the two pairs in turn (see
 * `lib/paired.ts`). Nothing here asserts on time in tests: this is the only
 * place performance is measured.
 *
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ccSim,
  ccTable,
  dtlsHandshake,
  gueDatagram,
  gueDtlsSctp,
  gueDtlsSctp16k,
  gueDtlsSctp16kNode,
  gueDtlsTcp,
  gueDtlsTcpNode,
  gueSctp,
  gueTcp,
  gueTcpCubic,
  simSpeed,
  tcpIdleHeap,
  udpRaw,
  weriftDatachannel,
} from './cases/index.js';
import { profileWorkersInto, stopAllWorkers } from './lib/child.js';
import { comparisonRows } from './lib/compare.js';
import type { ThroughputComparison } from './lib/compare.js';
import { summariseProfiles } from './lib/profile.js';
import { aggregateRounds } from './lib/rounds.js';
import { markdownTable, textTable } from './lib/report.js';
import type { BenchSummary } from './lib/report.js';
import { judge } from './lib/types.js';
import type { BenchCase, BenchContext, BenchRow } from './lib/types.js';

/** The repository root (for relative paths in profile summaries). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The registry: every case, in run order. */
const CASES: readonly BenchCase[] = [
  udpRaw,
  gueDatagram,
  gueTcp,
  gueTcpCubic,
  gueDtlsTcp,
  gueDtlsTcpNode,
  gueSctp,
  gueDtlsSctp,
  gueDtlsSctp16k,
  gueDtlsSctp16kNode,
  weriftDatachannel,
  dtlsHandshake,
  tcpIdleHeap,
  // In-process simulations last, simulator speed first among them (the cc cases leave a large heap behind).
  simSpeed,
  ccSim,
  ccTable,
];

/**
 * Throughput ratios between cases of the same run, added after every case
 * ran. Issue 7's target (toukit's sctp over DTLS ≥ 3× werift's data
 * channel) is checked on the same message size: 16 KiB on both sides.
 */
const COMPARISONS: readonly ThroughputComparison[] = [
  {
    numerator: gueDtlsSctp16k.name,
    denominator: weriftDatachannel.name,
    target: { op: '>=', value: 3, on: 'value' },
    note: "16 KiB messages on both sides; toukit with crypto 'wasm'",
  },
  {
    numerator: gueDtlsSctp16kNode.name,
    denominator: weriftDatachannel.name,
    note: "16 KiB messages on both sides; toukit with the default crypto 'node' (for reference)",
  },
  {
    numerator: gueDtlsSctp.name,
    denominator: weriftDatachannel.name,
    note: 'toukit 1200-byte writes, werift 16 KiB messages (for reference; the target is on the 16 KiB row)',
  },
];

/** Parsed command line. */
interface Cli {
  readonly filters: string[];
  readonly durationMs: number;
  readonly write: string | undefined;
  readonly list: boolean;
  readonly budgetScale: number;
  readonly cpuProf: boolean;
  readonly trace: boolean;
  /** Rounds of every selected case (`--repeat`); the table gives medians. */
  readonly repeat: number;
  /** Paired rounds against raw UDP in stack throughput cases (`--paired`), or undefined. */
  readonly paired: number | undefined;
}

function parseCli(argv: readonly string[]): Cli {
  const filters: string[] = [];
  let durationMs = 3000;
  let write: string | undefined;
  let list = false;
  let budgetScale = 1;
  let cpuProf = false;
  let trace = false;
  let repeat = 1;
  let paired: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--duration') durationMs = Number(argv[++i]);
    else if (a === '--write') write = argv[++i];
    else if (a === '--list') list = true;
    else if (a === '--budget-scale') budgetScale = Number(argv[++i]);
    else if (a === '--cpu-prof') cpuProf = true;
    else if (a === '--trace') trace = true;
    else if (a === '--repeat') repeat = Number(argv[++i]);
    else if (a === '--paired') paired = Number(argv[++i]);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (known: --duration <ms>, --repeat <n>, --paired <n>, --write <path>, --budget-scale <x>, --cpu-prof, --trace, --list)`);
    else filters.push(a.toLowerCase());
  }
  if (!(durationMs >= 500)) throw new Error('--duration must be at least 500 ms');
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive integer');
  if (!(budgetScale > 0)) throw new Error('--budget-scale must be a positive number');
  if (write !== undefined && write.length === 0) throw new Error('--write needs a path');
  if (paired !== undefined) {
    if (!Number.isInteger(paired) || paired < 1) throw new Error('--paired must be a positive integer');
    if (repeat > 1 || trace) throw new Error('--paired cannot be combined with --repeat or --trace');
  }
  return { filters, durationMs, write, list, budgetScale, cpuProf, trace, repeat, paired };
}

/** Whether a case matches the filters (a filter matches a tag exactly or a part of the name). */
function selected(c: BenchCase, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => c.name.includes(f) || c.tags.includes(f));
}

/** Run `fn`, failing after `ms`. */
async function withBudget<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`over its ${ms / 1000} s budget`)), ms);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A case's budget in this run, ms: paired rounds add their own time. */
function budgetOf(c: BenchCase, ctx: BenchContext, budgetScale: number): number {
  const pairedMs = c.pairs === true && ctx.paired !== undefined ? ctx.paired * 2 * (ctx.durationMs + PAIRED_ROUND_SLACK_MS) : 0;
  return Math.round((c.budgetMs + pairedMs) * budgetScale);
}

/** Time a paired measurement may take beyond its sending time (restart, settling, IPC), ms. */
const PAIRED_ROUND_SLACK_MS = 3000;

/** Run one case (or report why it is skipped or failed). */
async function runCase(c: BenchCase, ctx: BenchContext, budgetScale: number, name = c.name, why?: string): Promise<BenchRow[]> {
  if (why !== undefined) {
    console.log(`- ${name}: skipped (${why})`);
    return [{ case: name, metric: '-', value: null, unit: '', status: 'skipped', note: why }];
  }
  console.log(`- ${name}: ${c.description}`);
  const t = performance.now();
  try {
    const rows = await withBudget(budgetOf(c, ctx, budgetScale), () => c.run(ctx));
    console.log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return rows.map((r) => (r.case === c.name && name !== c.name ? { ...r, case: name } : r));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.log(`  failed: ${message}`);
    const killed = await stopAllWorkers();
    if (killed > 0) console.log(`  stopped ${killed} worker process(es) left running`);
    return [{ case: name, metric: '-', value: null, unit: '', status: 'failed', note: message }];
  }
}

/** Fill in `ratio` and the status of rows compared with raw UDP (mean of the raw runs). */
function compareWithUdp(rows: readonly BenchRow[]): BenchRow[] {
  const raw = rows.filter((r) => r.case.startsWith('udp-raw') && r.value !== null).map((r) => r.value as number);
  const base = raw.length === 0 ? undefined : raw.reduce((a, b) => a + b, 0) / raw.length;
  return rows.map((r) => {
    if (r.case.startsWith('udp-raw') && r.value !== null && base !== undefined) return { ...r, ratio: r.value / base };
    if (r.compare !== 'udp' || r.value === null) return r;
    if (base === undefined || base === 0) return { ...r, note: `${r.note ?? ''}; no raw UDP baseline` };
    const ratio = r.value / base;
    return { ...r, ratio, status: judge(ratio, r.target) };
  });
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.list) {
    const width = Math.max(...CASES.map((c) => c.name.length));
    for (const c of CASES) console.log(`${c.name.padEnd(width)} [${c.tags.join(', ')}] ${c.description}`);
    return;
  }
  const started = new Date();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'toukit-bench-'));
  if (cli.cpuProf) {
    profileWorkersInto(dir);
    console.log(`worker CPU profiles go to ${dir}`);
  }
  const ctx: BenchContext = {
    durationMs: cli.durationMs,
    log: (m) => console.log(`  ${m}`),
    ...(cli.trace ? { traceDir: dir } : {}),
    ...(cli.paired === undefined ? {} : { paired: cli.paired }),
  };
  if (cli.trace) console.log(`stack traces (qlog JSON-SEQ) and SVG plots go to ${dir}; tracing slows the stacks down`);
  const cases = CASES.filter((c) => selected(c, cli.filters));
  if (cases.length === 0) throw new Error(`no case matches '${cli.filters.join(' ')}' (see --list)`);
  const load0 = loadavg()[0];
  const reasons = new Map<BenchCase, string | undefined>();
  for (const c of cases) reasons.set(c, await c.unavailable());
  // With --paired, cases that measure their own raw UDP baseline need no separate raw runs.
  const compares = cases.some((c) => c.comparesToUdp === true && reasons.get(c) === undefined && !(cli.paired !== undefined && c.pairs === true));
  const rounds: BenchRow[][] = [];
  for (let round = 1; round <= cli.repeat; round++) {
    if (cli.repeat > 1) console.log(`round ${round} of ${cli.repeat}`);
    let rows: BenchRow[] = [];
    if (compares && !cases.includes(udpRaw)) rows.push(...(await runCase(udpRaw, ctx, cli.budgetScale)));
    for (const c of cases) rows.push(...(await runCase(c, ctx, cli.budgetScale, c.name, reasons.get(c))));
    if (compares && rows.some((r) => r.compare === 'udp' && r.value !== null)) {
      rows.push(...(await runCase(udpRaw, ctx, cli.budgetScale, 'udp-raw (end)')));
    }
    rows = compareWithUdp(rows);
    rows.push(...comparisonRows(rows, COMPARISONS, new Set(cases.map((c) => c.name))));
    rounds.push(rows);
  }
  const rows = cli.repeat > 1 ? aggregateRounds(rounds) : rounds[0];
  const summary: BenchSummary = {
    startedAt: started.toISOString(),
    elapsedMs: Math.round(performance.now() - t0),
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage1mStart: Number(load0.toFixed(2)),
      loadAverage1mEnd: Number(loadavg()[0].toFixed(2)),
      durationMs: cli.durationMs,
      rounds: cli.repeat,
      ...(cli.paired === undefined ? {} : { pairedRounds: cli.paired }),
    },
    filters: cli.filters,
    rows,
  };
  console.log('');
  console.log(textTable(rows));
  const file = join(dir, 'bench.json');
  writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nJSON summary: ${file}`);
  if (cli.write !== undefined) {
    const env = summary.environment;
    const text = cli.write.endsWith('.md')
      ? `Run ${summary.startedAt}: Node ${process.version}, ${String(env.cpus)} CPUs (${String(env.cpuModel)}), ` +
        `load average ${String(env.loadAverage1mStart)} → ${String(env.loadAverage1mEnd)}, ` +
        `${cli.durationMs} ms per throughput run, ${cli.paired !== undefined ? `${cli.paired} paired rounds` : cli.repeat === 1 ? 'one round' : `median of ${cli.repeat} rounds`}, whole run ${(summary.elapsedMs / 1000).toFixed(0)} s.\n\n${markdownTable(rows)}\n`
      : JSON.stringify(summary, null, 2) + '\n';
    writeFileSync(cli.write, text);
    console.log(`written: ${cli.write}`);
  }
  if (cli.cpuProf) {
    console.log('\nSelf time by function in each worker profile:');
    console.log(summariseProfiles(dir, ROOT));
  }
  console.log(`total ${(summary.elapsedMs / 1000).toFixed(1)} s, load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
