/**
 * Memory per idle tcp connection: 10,000 connections between a client and
 * a server process (GUE + tcp) on 127.0.0.1; memory is `heapUsed +
 * arrayBuffers` after full garbage collections, before and after, divided
 * by the number of connections, on each side. Target ≤ 16 KiB.
 *
 * @module
 */
import { startWorker } from '../lib/child.js';
import type { Worker, WorkerMessage } from '../lib/child.js';
import { stackConfig, stackUnavailable } from '../lib/stack-api.js';
import type { BenchCase, BenchRow, BenchTarget } from '../lib/types.js';
import { judge } from '../lib/types.js';

/** Connections opened. */
export const IDLE_CONNECTIONS = 10_000;
const CONCURRENCY = 200;
const TARGET: BenchTarget = { op: '<=', value: 16 * 1024, on: 'value' };
const CONFIG = stackConfig('gue', 'none', 'tcp', 'reno');

function bytesOf(m: WorkerMessage): number {
  const u = m.usage as NodeJS.MemoryUsage;
  return u.heapUsed + u.arrayBuffers;
}

function heapOf(m: WorkerMessage): number {
  return (m.usage as NodeJS.MemoryUsage).heapUsed;
}

/** Poll the server until it holds `n` connections (at most `ms`). */
async function waitForServer(server: Worker, n: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  for (;;) {
    const m = await server.request({ type: 'memory' }, 'memory', 10_000);
    const got = Number(m.connections);
    if (got >= n || performance.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The idle-connection memory case. */
export const tcpIdleHeap: BenchCase = {
  name: 'tcp-idle-heap',
  tags: ['tcp', 'memory', 'heap', 'stack'],
  description: `memory per idle GUE + tcp connection, ${IDLE_CONNECTIONS.toLocaleString('en-US')} connections`,
  budgetMs: 120_000,
  unavailable: () => stackUnavailable(CONFIG),
  async run(): Promise<BenchRow[]> {
    const workers: Worker[] = [];
    try {
      const srv = await startWorker('idle-conns.ts', { role: 'server', config: CONFIG }, { exposeGc: true });
      workers.push(srv.worker);
      const cli = await startWorker('idle-conns.ts', { role: 'client', config: CONFIG, port: srv.ready.port }, { exposeGc: true });
      workers.push(cli.worker);
      const sm0 = await srv.worker.request({ type: 'memory' }, 'memory', 10_000);
      const cm0 = await cli.worker.request({ type: 'memory' }, 'memory', 10_000);
      const s0 = bytesOf(sm0);
      const c0 = bytesOf(cm0);
      const opened = await cli.worker.request({ type: 'open', count: IDLE_CONNECTIONS, concurrency: CONCURRENCY }, 'opened', 100_000);
      const n = Number(opened.opened);
      const accepted = await waitForServer(srv.worker, n, 10_000);
      const sm1 = await srv.worker.request({ type: 'memory' }, 'memory', 30_000);
      const cm1 = await cli.worker.request({ type: 'memory' }, 'memory', 30_000);
      const s1 = bytesOf(sm1);
      const c1 = bytesOf(cm1);
      const note = `${n} opened in ${(Number(opened.elapsedMs) / 1000).toFixed(1)} s, ${Number(opened.failed)} failed${
        Number(opened.failed) > 0 ? ` (${String(opened.firstError)})` : ''
      }`;
      const rows: BenchRow[] = [];
      if (accepted > 0) {
        const v = (s1 - s0) / accepted;
        rows.push({ case: 'tcp-idle-heap', metric: 'memory per idle connection (server)', value: v, unit: 'B', target: TARGET, status: judge(v, TARGET), note: `${accepted} accepted; heapUsed + arrayBuffers (heapUsed alone ${Math.round((heapOf(sm1) - heapOf(sm0)) / accepted)} B)` });
      }
      if (n > 0) {
        const v = (c1 - c0) / n;
        const heapNote = `heapUsed alone ${Math.round((heapOf(cm1) - heapOf(cm0)) / n)} B`;
        rows.push({ case: 'tcp-idle-heap', metric: 'memory per idle connection (client)', value: v, unit: 'B', target: TARGET, status: judge(v, TARGET), note: `${note}; ${heapNote}` });
      }
      if (rows.length === 0) throw new Error(`no connection was established: ${note}`);
      return rows;
    } finally {
      await Promise.all(workers.map((w) => w.stop(3000)));
    }
  },
};
