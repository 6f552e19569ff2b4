/**
 * Generates the congestion-window plots in `docs/plots/` from simulator
 * traces: one bulk TCP flow per controller over 20 Mbit/s, 50 ms RTT and a
 * 1-BDP drop-tail buffer (seeded, virtual time), its `metrics_updated`
 * events recorded and drawn with the SVG plot renderer.
 *
 * ```sh
 * npx tsx tools/plots/generate-cc-plots.ts          # write docs/plots/*.svg
 * npx tsx tools/plots/generate-cc-plots.ts --check  # exit 1 if a committed plot is stale
 * ```
 *
 * `npm run generate` / `npm run check:generated` also pick it up through
 * its {@link generate} export.
 *
 * @module
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStack } from '../../core/index.js';
import type { LayerRef } from '../../core/index.js';
import type { AnyPlugin } from '../../core/contracts/plugin.js';
import { SimNetwork } from '../../core/sim/index.js';
import { renderTimeSeriesSvg, seriesFromTrace } from '../../core/trace/plot/index.js';
import type { TimeSeries } from '../../core/trace/plot/index.js';
import type { TraceEvent, TraceSink } from '../../core/trace/tracer.js';
import tcpTransportPlugin from '../../plugins/transport/tcp/index.js';
import renoCongestionPlugin from '../../plugins/congestion/reno/index.js';
import cubicCongestionPlugin from '../../plugins/congestion/cubic/index.js';

const PLUGINS = [tcpTransportPlugin, renoCongestionPlugin, cubicCongestionPlugin] as unknown as AnyPlugin[];

/** Where the plots live, relative to the repository root. */
export const PLOT_DIR = 'docs/plots';

/**
 * Keeps `metrics_updated` events, at most one per `minGapMs` unless cwnd
 * fell (so every reduction is visible), to keep the SVG small.
 */
class CwndSink implements TraceSink {
  readonly events: TraceEvent[] = [];
  private lastTime = -Infinity;
  private lastCwnd = 0;

  constructor(private readonly minGapMs: number) {}

  write(e: TraceEvent): void {
    if (e.name !== 'metrics_updated') return;
    const cwnd = e.data.cwnd;
    if (typeof cwnd !== 'number') return;
    if (e.time - this.lastTime < this.minGapMs && cwnd >= this.lastCwnd) return;
    this.lastTime = e.time;
    this.lastCwnd = cwnd;
    this.events.push(e);
  }
}

/** One plot: a file name, a title and the flows to run. */
export interface PlotSpec {
  /** File name under {@link PLOT_DIR}. */
  readonly file: string;
  /** Chart title. */
  readonly title: string;
  /** Flows (all start at once), each with its legend label and controller. */
  readonly flows: readonly { readonly label: string; readonly congestion: LayerRef }[];
  /** Bottleneck queue (e.g. `'1bdp'`). */
  readonly queue: string;
  /** Virtual duration in ms. */
  readonly durationMs: number;
}

/** The committed plots. */
export const CC_PLOTS: readonly PlotSpec[] = [
  {
    file: 'cwnd-reno.svg',
    title: 'NewReno cwnd: one TCP flow, 20 Mbit/s, 50 ms RTT, 1-BDP drop-tail buffer',
    flows: [{ label: 'reno', congestion: 'reno' }],
    queue: '1bdp',
    durationMs: 40_000,
  },
  {
    file: 'cwnd-cubic.svg',
    title: 'CUBIC cwnd (HyStart++ on): one TCP flow, 20 Mbit/s, 50 ms RTT, 1-BDP drop-tail buffer',
    flows: [{ label: 'cubic', congestion: 'cubic' }],
    queue: '1bdp',
    durationMs: 40_000,
  },
  {
    file: 'cwnd-reno-vs-cubic.svg',
    title: 'NewReno and CUBIC sharing 20 Mbit/s, 50 ms RTT, 1-BDP drop-tail buffer',
    flows: [
      { label: 'reno', congestion: 'reno' },
      { label: 'cubic', congestion: 'cubic' },
    ],
    queue: '1bdp',
    durationMs: 40_000,
  },
];

/** Run one spec on the simulator and return one cwnd series per flow. */
async function runSpec(spec: PlotSpec): Promise<TimeSeries[]> {
  const net = new SimNetwork({ seed: 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: '20Mbit', delay: '25ms', queue: spec.queue });
  const tcp = { use: 'tcp', options: { minRto: 200, receiveBuffer: 8 << 20, sendBuffer: 4 << 20 } };
  const server = await createStack({ transport: tcp, congestion: 'reno' }, { substrate: b, plugins: PLUGINS });
  const srv = await server.listen({ host: '10.0.0.2', port: 5000 });
  srv.on('connection', (c) => c.resume());
  const out: TimeSeries[] = [];
  const clients: Awaited<ReturnType<typeof createStack>>[] = [];
  const sinks: CwndSink[] = [];
  const chunk = new Uint8Array(1 << 16);
  for (const f of spec.flows) {
    const sink = new CwndSink(25);
    sinks.push(sink);
    const client = await createStack({ transport: tcp, congestion: f.congestion }, { substrate: a, plugins: PLUGINS, trace: sink });
    clients.push(client);
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 5000 }));
    const pump = (): void => {
      while (conn.write(chunk)) {
        /* keep the send buffer full */
      }
    };
    conn.on('drain', pump);
    pump();
  }
  await net.run({ for: spec.durationMs });
  spec.flows.forEach((f, i) => {
    for (const s of seriesFromTrace(sinks[i].events, { metric: 'cwnd' })) {
      out.push({ name: f.label, points: s.points.map(([t, v]) => [t / 1000, v / 1024] as const), step: true });
    }
  });
  for (const c of clients) await c.close();
  await server.close();
  return out;
}

/** Render plots (default: {@link CC_PLOTS}); returns file name → SVG text. */
export async function renderCcPlots(specs: readonly PlotSpec[] = CC_PLOTS): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const spec of specs) {
    const series = await runSpec(spec);
    files.set(
      spec.file,
      renderTimeSeriesSvg({ title: spec.title, xLabel: 'time (s)', yLabel: 'cwnd (KiB)', xUnit: '', yUnit: '', series, width: 900, height: 420 }),
    );
  }
  return files;
}

/**
 * Generator hook for `tools/generate.ts` (`npm run generate` /
 * `npm run check:generated`): repository path → SVG text.
 */
export async function generate(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, svg] of await renderCcPlots()) out[`${PLOT_DIR}/${name}`] = svg;
  return out;
}

/**
 * Command line: write the plots, or with `--check` compare them with the
 * committed files. Returns the exit code (1 when a plot is stale).
 * @param argv - arguments (`--check`)
 * @param root - repository root
 * @param specs - plots to render (default {@link CC_PLOTS})
 */
export async function main(argv: readonly string[], root: string, specs: readonly PlotSpec[] = CC_PLOTS): Promise<number> {
  const check = argv.includes('--check');
  const files = await renderCcPlots(specs);
  const dir = join(root, PLOT_DIR);
  let stale = 0;
  for (const [name, svg] of files) {
    const path = join(dir, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== svg) {
        stale++;
        console.error(`stale: ${join(PLOT_DIR, name)} (run: npx tsx tools/plots/generate-cc-plots.ts)`);
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, svg);
      console.log(`wrote ${join(PLOT_DIR, name)}`);
    }
  }
  if (check && stale === 0) console.log(`${files.size} plots up to date`);
  return stale === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  main(process.argv.slice(2), root).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
