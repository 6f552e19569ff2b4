/**
 * How a `reno` flow and a `cubic` flow share one bottleneck: two bulk
 * GUE + `tcp` flows from one host to another over a 10 Mbit/s, 50 ms RTT,
 * 1-BDP drop-tail path, the second starting 5 s after the first, on the
 * deterministic simulator. Reported: each flow's goodput and share over the
 * last 60 s of a 120 s run, and Jain's fairness index. Rendered as a section
 * of `docs/congestion-table.md`.
 *
 * @module
 */
import { createStack } from '../../core/index.js';
import type { Stack, StackConfig } from '../../core/index.js';
import { SimNetwork } from '../../core/sim/index.js';
import { CC_TABLE_RATE_BPS, CC_TABLE_SEED, CC_TABLE_TCP_OPTIONS, bdpBytes } from './generate-cc-table.js';

/** Round-trip propagation delay of the sharing runs, ms. */
export const SHARE_RTT_MS = 50;
/** Run length, ms of virtual time. */
export const SHARE_DURATION_MS = 120_000;
/** Measurement window at the end of the run, ms. */
export const SHARE_WINDOW_MS = 60_000;
/** Delay before the second flow starts, ms. */
export const SHARE_SECOND_START_MS = 5_000;

/** One flow's result. */
export interface ShareFlow {
  /** Controller name. */
  readonly controller: string;
  /** Goodput over the window, Mbit/s. */
  readonly goodputMbps: number;
  /** Fraction of the two flows' goodput. */
  readonly share: number;
}

/** One sharing run. */
export interface ShareResult {
  /** The flow that started first, then the second. */
  readonly flows: readonly [ShareFlow, ShareFlow];
  /** Jain's fairness index of the two goodputs (1 = equal). */
  readonly jain: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x42);

function config(controller: string): StackConfig {
  return { encapsulation: 'gue', security: 'none', transport: { use: 'tcp', options: { ...CC_TABLE_TCP_OPTIONS } }, congestion: controller };
}

/** Run `first` alone, then `second` from 5 s on, and measure their goodput over the last 60 s. */
export async function runShare(first: string, second: string, options: { durationMs?: number; windowMs?: number } = {}): Promise<ShareResult> {
  const durationMs = options.durationMs ?? SHARE_DURATION_MS;
  const windowMs = options.windowMs ?? SHARE_WINDOW_MS;
  const net = new SimNetwork({ seed: CC_TABLE_SEED });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: CC_TABLE_RATE_BPS, delay: SHARE_RTT_MS / 2, queue: Math.round(bdpBytes(SHARE_RTT_MS)) });
  const stacks: Stack[] = [];
  const received = [0, 0];
  const controllers = [first, second];
  try {
    for (let i = 0; i < 2; i++) {
      const server = await createStack(config(controllers[i]), { substrate: b });
      stacks.push(server);
      const listener = await server.listen({ host: '10.0.0.2', port: 5000 + i });
      listener.on('connection', (c) => c.on('data', (d: Buffer) => (received[i] += d.length)));
    }
    const start = async (i: number): Promise<void> => {
      const client = await createStack(config(controllers[i]), { substrate: a });
      stacks.push(client);
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 5000 + i }));
      const pump = (): void => {
        while (conn.write(CHUNK)) {
          /* keep the send buffer full */
        }
      };
      conn.on('drain', pump);
      pump();
    };
    const t0 = net.now;
    await start(0);
    await net.run({ until: t0 + SHARE_SECOND_START_MS });
    await start(1);
    await net.run({ until: t0 + durationMs - windowMs });
    const r0 = [...received];
    await net.run({ until: t0 + durationMs });
    const goodput = received.map((r, i) => ((r - r0[i]) * 8) / (windowMs / 1000) / 1e6);
    const total = goodput[0] + goodput[1];
    const jain = total === 0 ? 0 : (total * total) / (2 * (goodput[0] ** 2 + goodput[1] ** 2));
    const flow = (i: number): ShareFlow => ({ controller: controllers[i], goodputMbps: goodput[i], share: total === 0 ? 0 : goodput[i] / total });
    return { flows: [flow(0), flow(1)], jain };
  } finally {
    for (const s of stacks) await s.close();
  }
}

/** The Markdown section for `docs/congestion-table.md`. */
export function renderShare(results: readonly ShareResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.flows[0].controller} | ${r.flows[1].controller} | ${r.flows[0].goodputMbps.toFixed(2)} | ${r.flows[1].goodputMbps.toFixed(2)} | ${(100 * r.flows[0].share).toFixed(1)} / ${(100 * r.flows[1].share).toFixed(1)} | ${r.jain.toFixed(3)} |`,
  );
  return `
## Reno and CUBIC sharing a bottleneck

Two bulk flows from 10.0.0.1 to 10.0.0.2 over one ${CC_TABLE_RATE_BPS / 1e6} Mbit/s, ${SHARE_RTT_MS} ms RTT path with a
1-BDP drop-tail buffer (${Math.round(bdpBytes(SHARE_RTT_MS)).toLocaleString('en-US')} B), same tcp options and seed as above. The first flow
starts alone, the second ${SHARE_SECOND_START_MS / 1000} s later; goodput (payload delivered to the receiving application) is
measured over the last ${SHARE_WINDOW_MS / 1000} s of a ${SHARE_DURATION_MS / 1000} s run. Jain's index is 1 for an equal split, 0.5 when one flow
takes everything.

| first flow | second flow | first (Mbit/s) | second (Mbit/s) | share (%) | Jain's index |
|---|---|---:|---:|---:|---:|
${rows.join('\n')}
`;
}

/** Both orders: reno first, then cubic first. */
export async function runShares(): Promise<ShareResult[]> {
  return [await runShare('reno', 'cubic'), await runShare('cubic', 'reno')];
}
