/**
 * Generates `docs/congestion-table.md`, the congestion-control comparison
 * table: link utilisation, loss rate and mean queueing delay of one bulk
 * GUE + `tcp` flow for each controller (`reno`, `cubic`) × round-trip time
 * (10, 50, 200 ms) × drop-tail bottleneck buffer (0.25, 1, 4 BDP) at
 * 10 Mbit/s, on the deterministic simulator (fixed seed, virtual time), so
 * a behaviour change of the transport or a controller shows up as a diff
 * of the committed file.
 *
 * ```sh
 * npm run generate        # writes every generated file, this one included
 * npm run bench -- cc     # the `cc-table` bench case rewrites it too
 * npx tsx tools/cc-table/generate-cc-table.ts   # this table only
 * ```
 *
 * `npm run check:generated` fails when the committed table is stale.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStack } from '../../core/index.js';
import type { StackConfig } from '../../core/index.js';
import { SimNetwork } from '../../core/sim/index.js';
import type { LinkDirectionStats } from '../../core/sim/index.js';

/** Where the table lives, relative to the repository root. */
export const CC_TABLE_PATH = 'docs/congestion-table.md';

/** Controllers compared (built-in congestion plugins, by name). */
export const CC_TABLE_CONTROLLERS = ['reno', 'cubic'] as const;

/** A controller of the table. */
export type CcTableController = (typeof CC_TABLE_CONTROLLERS)[number];

/** Round-trip propagation delays compared, ms (half of it each way). */
export const CC_TABLE_RTTS_MS = [10, 50, 200] as const;

/** Bottleneck buffers compared, in bandwidth-delay products. */
export const CC_TABLE_BUFFERS_BDP = [0.25, 1, 4] as const;

/** Bottleneck rate, bit/s (both directions). */
export const CC_TABLE_RATE_BPS = 10e6;

/** Simulator seed of every run. */
export const CC_TABLE_SEED = 1;

/** Virtual length of a table run from the end of the handshake, ms. */
export const CC_TABLE_DURATION_MS = 60_000;

/** Measurement window: the last this-many ms of the run. */
export const CC_TABLE_WINDOW_MS = 50_000;

/** Per-datagram overhead the simulator adds on an IPv4 link (IP + UDP headers), bytes. */
const WIRE_OVERHEAD = 28;

/** Options of the `tcp` transport in every run (everything else at its default). */
export const CC_TABLE_TCP_OPTIONS: Readonly<Record<string, number>> = {
  minRto: 200,
  sendBuffer: 4 << 20,
  receiveBuffer: 8 << 20,
};

/** Bytes written per `write()` by the bulk sender. */
const CHUNK = new Uint8Array(1 << 16);

/** Options of {@link runCell}. */
export interface CellOptions {
  /** Virtual run length after the handshake, ms (default {@link CC_TABLE_DURATION_MS}). */
  readonly durationMs?: number;
  /** Measurement window at the end of the run, ms (default {@link CC_TABLE_WINDOW_MS}). */
  readonly windowMs?: number;
  /** Simulator seed (default {@link CC_TABLE_SEED}). */
  readonly seed?: number;
}

/** Metrics of one cell (data direction 10.0.0.1 → 10.0.0.2, over the measurement window). */
export interface CellResult {
  /** Congestion controller. */
  readonly controller: string;
  /** Round-trip propagation delay, ms. */
  readonly rttMs: number;
  /** Buffer in BDPs. */
  readonly bufferBdp: number;
  /** Buffer in wire bytes (drop-tail limit). */
  readonly bufferBytes: number;
  /** Measurement window, ms. */
  readonly windowMs: number;
  /** Sender MSS, bytes. */
  readonly mss: number;
  /** Bottleneck busy time / window, in [0, 1]. */
  readonly utilisation: number;
  /** Datagrams dropped at the bottleneck queue / datagrams offered to it, in [0, 1]. */
  readonly lossRate: number;
  /** Mean time a datagram waited in the bottleneck queue before its serialisation began, ms. */
  readonly meanQueueDelayMs: number;
  /** Datagrams offered to the bottleneck in the window. */
  readonly offered: number;
  /** Datagrams dropped by the bottleneck queue in the window. */
  readonly dropped: number;
  /** Datagrams given a transmission slot in the window. */
  readonly transmitted: number;
}

/** The bandwidth-delay product of the table's path for `rttMs`, bytes. */
export function bdpBytes(rttMs: number): number {
  return (CC_TABLE_RATE_BPS / 8) * (rttMs / 1000);
}

/**
 * Busy time of a direction up to now: the simulator credits a datagram's
 * whole serialisation time to `busyTime` when the datagram is admitted, so
 * the serialisation time of those still waiting is taken out.
 */
function elapsedBusy(s: LinkDirectionStats, msPerByte: number): number {
  return s.busyTime - s.queueBytes * msPerByte;
}

/**
 * Run one cell of the table: one bulk GUE + `tcp` flow from 10.0.0.1 to
 * 10.0.0.2 with `controller`, over a 10 Mbit/s link with `rttMs / 2`
 * propagation delay each way and a drop-tail buffer of `bufferBdp` BDPs
 * on each direction, and measure the data direction over the last
 * `windowMs` of `durationMs` (counted from the end of the handshake).
 *
 * @param controller - built-in congestion plugin name (`reno`, `cubic`)
 * @param rttMs - round-trip propagation delay, ms
 * @param bufferBdp - bottleneck buffer in bandwidth-delay products
 * @param options - run length, window and seed
 */
export async function runCell(controller: string, rttMs: number, bufferBdp: number, options: CellOptions = {}): Promise<CellResult> {
  const durationMs = options.durationMs ?? CC_TABLE_DURATION_MS;
  const windowMs = options.windowMs ?? CC_TABLE_WINDOW_MS;
  if (!(windowMs > 0 && windowMs <= durationMs)) throw new RangeError(`window ${windowMs} ms must be in (0, ${durationMs}] ms`);
  const bufferBytes = Math.round(bufferBdp * bdpBytes(rttMs));
  const msPerByte = 8000 / CC_TABLE_RATE_BPS;
  const net = new SimNetwork({ seed: options.seed ?? CC_TABLE_SEED });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  const link = net.link(a, b, { bandwidth: CC_TABLE_RATE_BPS, delay: rttMs / 2, queue: bufferBytes });
  const config: StackConfig = {
    encapsulation: 'gue',
    security: 'none',
    transport: { use: 'tcp', options: { ...CC_TABLE_TCP_OPTIONS } },
    congestion: controller,
  };
  const server = await createStack(config, { substrate: b });
  const client = await createStack(config, { substrate: a });
  try {
    const listener = await server.listen({ host: '10.0.0.2', port: 5000 });
    listener.on('connection', (c) => c.resume());
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 5000 }));
    const pump = (): void => {
      while (conn.write(CHUNK)) {
        /* keep the send buffer full */
      }
    };
    conn.on('drain', pump);
    pump();
    const t0 = net.now;
    await net.run({ until: t0 + durationMs - windowMs });
    const s0 = link.ab.stats();
    await net.run({ until: t0 + durationMs });
    const s1 = link.ab.stats();
    const mss = Number((conn.stats().transport as Record<string, unknown>).mss ?? 0);
    conn.destroy();
    const offered = s1.sent - s0.sent;
    const dropped = (s1.dropped.queue_full ?? 0) - (s0.dropped.queue_full ?? 0);
    const transmitted = s1.transmitted - s0.transmitted;
    const busy = elapsedBusy(s1, msPerByte) - elapsedBusy(s0, msPerByte);
    return {
      controller,
      rttMs,
      bufferBdp,
      bufferBytes,
      windowMs,
      mss,
      // The datagram in service at either edge counts whole (< 1.2 ms per edge): cap at 1.
      utilisation: Math.min(1, Math.max(0, busy / windowMs)),
      lossRate: offered === 0 ? 0 : dropped / offered,
      meanQueueDelayMs: transmitted === 0 ? 0 : (s1.queueDelayTotal - s0.queueDelayTotal) / transmitted,
      offered,
      dropped,
      transmitted,
    };
  } finally {
    await client.close();
    await server.close();
  }
}

/** Run every cell of the table, in table order (controller, RTT, buffer). */
export async function runCcTable(options: CellOptions = {}): Promise<CellResult[]> {
  const out: CellResult[] = [];
  for (const cc of CC_TABLE_CONTROLLERS) {
    for (const rtt of CC_TABLE_RTTS_MS) {
      for (const buf of CC_TABLE_BUFFERS_BDP) out.push(await runCell(cc, rtt, buf, options));
    }
  }
  return out;
}

/** An integer with thousands separators (locale-independent). */
function bytes(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Render the table and its setup as Markdown (fixed precision, so the
 * output is byte-for-byte reproducible).
 *
 * @param cells - results of {@link runCcTable}
 * @param options - the options the cells were run with
 */
export function renderCcTable(cells: readonly CellResult[], options: CellOptions = {}): string {
  const durationMs = options.durationMs ?? CC_TABLE_DURATION_MS;
  const windowMs = options.windowMs ?? CC_TABLE_WINDOW_MS;
  const seed = options.seed ?? CC_TABLE_SEED;
  const mss = [...new Set(cells.map((c) => c.mss))].join(', ');
  const rows = cells.map(
    (c) =>
      `| ${c.controller} | ${c.rttMs} | ${c.bufferBdp} | ${bytes(c.bufferBytes)} | ${(c.utilisation * 100).toFixed(2)} | ${(c.lossRate * 100).toFixed(3)} | ${c.meanQueueDelayMs.toFixed(2)} | ${c.offered} | ${c.dropped} |`,
  );
  const buffers = CC_TABLE_RTTS_MS.map(
    (r) => `${r} ms: BDP ${bytes(bdpBytes(r))} B → ${CC_TABLE_BUFFERS_BDP.map((k) => `${bytes(Math.round(k * bdpBytes(r)))} B`).join(' / ')}`,
  );
  return `<!-- Generated by tools/cc-table/generate-cc-table.ts: do not edit; run \`npm run generate\` or \`npm run bench -- cc\`. -->

# Congestion control comparison: reno and cubic on the simulator

One bulk TCP flow (GUE + \`tcp\`, no security) per row, with the built-in
\`reno\` or \`cubic\` controller (default options), across one simulated
bottleneck of ${CC_TABLE_RATE_BPS / 1e6} Mbit/s with a drop-tail buffer. The runs are
deterministic (seed ${seed}, virtual time), so the numbers change only when
the transport, a controller or the simulator changes behaviour: review a
diff of this file like a test result.

| controller | RTT (ms) | buffer (BDP) | buffer (B) | utilisation (%) | loss rate (%) | mean queueing delay (ms) | datagrams offered | datagrams dropped |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

## Metrics

All three are measured on the data direction (10.0.0.1 → 10.0.0.2) of the
bottleneck over the measurement window (the last ${windowMs / 1000} s of each ${durationMs / 1000} s run),
as differences between the simulator's link counters (\`link.ab.stats()\`,
the same as \`net.stats().links['10.0.0.1>10.0.0.2']\`) at the start and
the end of the window:

- **utilisation** = bottleneck busy time / window length. Busy time is
  \`busyTime\` minus the serialisation time of the datagrams still waiting
  in the queue (\`queueBytes\` × 0.8 µs/B; the drop-tail queue credits a
  datagram's serialisation to \`busyTime\` when it is admitted). The
  datagram being serialised at either edge of the window counts whole, an
  error below one datagram's serialisation time (1.2 ms) per edge, so the
  value is capped at 100 %.
- **loss rate** = datagrams dropped by the bottleneck queue
  (\`dropped.queue_full\`) / datagrams offered to the bottleneck (\`sent\`).
  There is no random loss: every drop is a buffer overflow.
- **mean queueing delay** = \`queueDelayTotal\` / \`transmitted\`: the mean
  time a datagram admitted in the window waited in the queue before its
  serialisation began (serialisation and propagation excluded).

Datagrams offered and dropped are the window's counts, all datagrams of the
direction (data segments; the handshake is over before the run starts).

## Setup

- Hosts 10.0.0.1 (client, sender) and 10.0.0.2 (server, receiver), one
  \`SimNetwork\` link with \`bandwidth: ${CC_TABLE_RATE_BPS}\` (bit/s),
  \`delay: RTT / 2\` (ms, each way, no jitter) and \`queue: <buffer bytes>\`
  (drop-tail, wire bytes) on both directions (the reverse direction carries
  only ACKs). Wire size = UDP payload + ${WIRE_OVERHEAD} bytes (IPv4 + UDP).
- BDP = rate × RTT; buffers in wire bytes (0.25 / 1 / 4 BDP):
${buffers.map((l) => `  - ${l}`).join('\n')}
- Stacks: \`{ encapsulation: 'gue', security: 'none', transport: { use: 'tcp', options: { ${Object.entries(CC_TABLE_TCP_OPTIONS)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} } }, congestion: '<controller>' }\`,
  built-in plugins by name, every other tcp option at its default (SACK,
  timestamps and window scaling on, delayed ACK 40 ms).
- MSS: ${mss} bytes (default MTU).
- The client connects (\`net.runUntil(connect)\`), then writes 64 KiB
  chunks whenever the send buffer has room, for ${durationMs / 1000} s of virtual time from
  the end of the handshake; the receiver reads everything.
- Seed ${seed}; one run per row, rows in order controller, RTT, buffer.

## Regenerating

\`\`\`sh
npm run generate          # all generated files (check: npm run check:generated)
npm run bench -- cc       # the cc bench cases; cc-table rewrites this file
\`\`\`

Both call \`generate()\` in \`tools/cc-table/generate-cc-table.ts\`.
`;
}

/**
 * Generator hook for `tools/generate.ts` (`npm run generate` /
 * `npm run check:generated`): repository path → Markdown.
 */
export async function generate(): Promise<Record<string, string>> {
  return { [CC_TABLE_PATH]: await renderCcDocument(await runCcTable()) };
}

/** The whole `docs/congestion-table.md`: the table of `cells`, then the reno/cubic sharing runs. */
export async function renderCcDocument(cells: readonly CellResult[]): Promise<string> {
  const { runShares, renderShare } = await import('./cc-share.js');
  return renderCcTable(cells) + renderShare(await runShares());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const w0 = performance.now();
  generate().then(
    (files) => {
      for (const [path, text] of Object.entries(files)) {
        writeFileSync(join(root, path), text);
        console.log(`wrote ${path} in ${((performance.now() - w0) / 1000).toFixed(1)} s`);
      }
    },
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
