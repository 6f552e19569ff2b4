/**
 * Congestion control on the simulator (virtual time, seeded, in the harness
 * process): GUE + tcp over a 50 Mbit/s, 40 ms RTT path with a 1-BDP
 * drop-tail queue, for 20 simulated seconds. Reports the link utilisation
 * of one reno flow and one cubic flow alone, and the goodput split and
 * Jain's fairness index when a reno and a cubic flow share the path.
 * Deterministic for a given seed; the wall-clock time it takes is reported.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadCreateStack } from '../lib/stack-api.js';
import type { BenchConnection, BenchStack } from '../lib/stack-api.js';
import type { BenchCase, BenchRow } from '../lib/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RATE_BPS = 50e6;
const DURATION_MS = 20_000;
const CHUNK = Buffer.alloc(64 * 1024, 0x33);

/** The parts of the simulator this case uses. */
interface Sim {
  host(address: string): unknown;
  link(a: unknown, b: unknown, options: Readonly<Record<string, unknown>>): unknown;
  run(options: { until: number }): Promise<unknown>;
  runUntil<T>(p: PromiseLike<T>): Promise<T>;
  readonly now: number;
}

/** Keep `conn` busy: write until backpressure, refill on `drain`. */
function saturate(conn: BenchConnection): void {
  const fill = (): void => {
    while (conn.write(CHUNK)) {
      // keep writing until the send buffer is full
    }
  };
  conn.on('drain', fill);
  fill();
}

/** Goodput in bit/s of flows with the given congestion controllers sharing one path. */
async function runFlows(controllers: readonly string[]): Promise<number[]> {
  const createStack = await loadCreateStack();
  if (typeof createStack === 'string') throw new Error(createStack);
  const { SimNetwork } = (await import(join(ROOT, 'core', 'sim', 'index.js'))) as { SimNetwork: new (o: { seed: number }) => Sim };
  const net = new SimNetwork({ seed: 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: '50Mbit', delay: '20ms', queue: '1bdp' });
  const stacks: BenchStack[] = [];
  try {
    const received: number[] = controllers.map(() => 0);
    for (let i = 0; i < controllers.length; i++) {
      const config = { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: controllers[i] };
      const server = await createStack(config, { substrate: b });
      const client = await createStack(config, { substrate: a });
      stacks.push(server, client);
      const srv = await server.listen({ host: '10.0.0.2', port: 7000 + i });
      srv.on('connection', (c) => {
        c.on('data', (d: Uint8Array) => (received[i] += d.length));
        c.on('error', () => {});
      });
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 7000 + i }));
      conn.on('error', () => {});
      saturate(conn);
    }
    const t0 = net.now;
    const start = received.slice();
    await net.run({ until: t0 + DURATION_MS });
    return received.map((r, i) => ((r - start[i]) * 8 * 1000) / DURATION_MS);
  } finally {
    await Promise.all(stacks.map((s) => s.close()));
  }
}

function jain(x: readonly number[]): number {
  const sum = x.reduce((a, b) => a + b, 0);
  const sq = x.reduce((a, b) => a + b * b, 0);
  return sq === 0 ? 0 : (sum * sum) / (x.length * sq);
}

/** The simulated congestion-control case. */
export const ccSim: BenchCase = {
  name: 'cc-sim',
  tags: ['cc', 'sim', 'tcp'],
  description: 'reno and cubic on a simulated 50 Mbit/s, 40 ms RTT, 1-BDP path: utilisation and fairness (virtual time)',
  budgetMs: 120_000,
  async unavailable() {
    if (!existsSync(join(ROOT, 'core', 'sim', 'index.ts'))) return 'core/sim does not exist';
    for (const p of ['transport/tcp', 'congestion/reno', 'congestion/cubic']) {
      if (!existsSync(join(ROOT, 'plugins', p, 'index.ts'))) return `plugins/${p} does not exist`;
    }
    const cs = await loadCreateStack();
    return typeof cs === 'string' ? cs : undefined;
  },
  async run(ctx): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const cc of ['reno', 'cubic']) {
      const w0 = performance.now();
      const [g] = await runFlows([cc]);
      const wall = (performance.now() - w0) / 1000;
      ctx.log(`${cc} alone: ${(g / 1e6).toFixed(1)} Mbit/s in ${wall.toFixed(1)} s wall-clock`);
      rows.push({ case: 'cc-sim', metric: `${cc} alone: link utilisation`, value: (g / RATE_BPS) * 100, unit: '%', status: 'ok', note: `${(g / 1e6).toFixed(2)} Mbit/s goodput; ${wall.toFixed(1)} s wall-clock for 20 s simulated` });
    }
    const w0 = performance.now();
    const [reno, cubic] = await runFlows(['reno', 'cubic']);
    const wall = (performance.now() - w0) / 1000;
    rows.push({
      case: 'cc-sim',
      metric: 'reno + cubic sharing: Jain fairness',
      value: jain([reno, cubic]),
      unit: '',
      status: 'ok',
      note: `reno ${(reno / 1e6).toFixed(2)} Mbit/s, cubic ${(cubic / 1e6).toFixed(2)} Mbit/s, together ${(((reno + cubic) / RATE_BPS) * 100).toFixed(1)} % of the link; ${wall.toFixed(1)} s wall-clock`,
    });
    return rows;
  },
};
