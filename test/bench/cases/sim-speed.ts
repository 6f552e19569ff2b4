/**
 * Simulator speed: runs `test/bench/sim-speed.ts` (written with the
 * simulator) in a fresh process per mode, when that file exists. Target: at least 20 simulated seconds per wall-clock second.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { judge } from '../lib/types.js';
import type { BenchCase, BenchRow, BenchTarget } from '../lib/types.js';

const MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', 'sim-speed.ts');
const TARGET: BenchTarget = { op: '>=', value: 20, on: 'value' };

/** What `benchSimSpeed` returns (the fields the harness reads). */
interface SimSpeed {
  readonly eventsPerSecond: number;
  readonly simSecondsPerWallSecond: number;
  readonly [field: string]: unknown;
}

/**
 * Run the simulation in a fresh process (like every throughput case), so
 * the harness's own heap and earlier in-process cases do not skew it.
 */
function runIsolated(mode: 'datagram' | 'substrate'): SimSpeed {
  const args = ['--import', 'tsx', MODULE, ...(mode === 'datagram' ? ['--datagram'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 50_000 });
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as SimSpeed;
}

/** The simulator speed case. */
export const simSpeed: BenchCase = {
  name: 'sim-speed',
  tags: ['sim', 'simulator'],
  description: 'simulator: saturated 100 Mbit/s, 50 ms RTT path, virtual vs wall-clock time',
  budgetMs: 60_000,
  unavailable: async () => (existsSync(MODULE) ? undefined : 'test/bench/sim-speed.ts does not exist yet'),
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    // `datagram`: the measure (a GUE + datagram stack from createStack on each host);
    // `substrate`: the simulator alone (raw simulated sockets), for reference.
    for (const mode of ['datagram', 'substrate'] as const) {
      const r = runIsolated(mode);
      const label = mode === 'datagram' ? 'datagram stack' : 'raw sockets';
      const extra = Object.entries(r)
        .filter(([k]) => k !== 'eventsPerSecond' && k !== 'simSecondsPerWallSecond' && k !== 'simSecondsPerCpuSecond')
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ');
      const target = mode === 'datagram' ? TARGET : undefined;
      const cpu = r.simSecondsPerCpuSecond;
      if (typeof cpu === 'number') {
        rows.push({ case: 'sim-speed', metric: `${label}: simulated s per CPU s`, value: cpu, unit: '×', target, status: target ? judge(cpu, target) : 'ok', note: 'CPU time of the harness process: less sensitive to a loaded machine' });
      }
      rows.push({ case: 'sim-speed', metric: `${label}: simulated s per wall-clock s`, value: r.simSecondsPerWallSecond, unit: '×', target, status: target ? judge(r.simSecondsPerWallSecond, target) : 'ok', note: extra });
      rows.push({ case: 'sim-speed', metric: `${label}: events per wall-clock s`, value: r.eventsPerSecond, unit: '/s', status: 'ok' });
    }
    return rows;
  },
};
