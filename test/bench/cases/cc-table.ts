/**
 * The congestion-control comparison table: runs `generate()` from
 * `tools/cc-table/generate-cc-table.ts` (reno and cubic × RTT 10, 50,
 * 200 ms × buffer 0.25, 1, 4 BDP at 10 Mbit/s, one bulk GUE + tcp flow per
 * cell, seeded, virtual time) and rewrites `docs/congestion-table.md`.
 * This is the one bench case that writes into `docs/`; the file is the
 * same one `npm run generate` writes (deterministic, committed). Reports
 * each cell's utilisation (loss rate and queueing delay in the note) and
 * the wall-clock time the generation took.
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchCase, BenchRow } from '../lib/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MODULE = join(ROOT, 'tools', 'cc-table', 'generate-cc-table.ts');

/** What the case uses from the generator module. */
interface CcTableModule {
  readonly CC_TABLE_PATH: string;
  runCcTable(): Promise<
    readonly {
      readonly controller: string;
      readonly rttMs: number;
      readonly bufferBdp: number;
      readonly utilisation: number;
      readonly lossRate: number;
      readonly meanQueueDelayMs: number;
    }[]
  >;
  renderCcDocument(cells: readonly unknown[]): Promise<string>;
}

/** The congestion-control table case (writes `docs/congestion-table.md`). */
export const ccTable: BenchCase = {
  name: 'cc-table',
  tags: ['cc', 'sim', 'tcp', 'docs'],
  description:
    'reno/cubic × RTT 10/50/200 ms × buffer 0.25/1/4 BDP at 10 Mbit/s on the simulator; rewrites docs/congestion-table.md (the one case that writes into docs/)',
  budgetMs: 180_000,
  async unavailable() {
    if (!existsSync(MODULE)) return 'tools/cc-table/generate-cc-table.ts does not exist';
    for (const p of ['transport/tcp', 'congestion/reno', 'congestion/cubic']) {
      if (!existsSync(join(ROOT, 'plugins', p, 'index.ts'))) return `plugins/${p} does not exist`;
    }
    return undefined;
  },
  async run(ctx): Promise<BenchRow[]> {
    const mod = (await import(join(ROOT, 'tools', 'cc-table', 'generate-cc-table.js'))) as CcTableModule;
    const w0 = performance.now();
    const cells = await mod.runCcTable();
    const wall = (performance.now() - w0) / 1000;
    const path = join(ROOT, mod.CC_TABLE_PATH);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await mod.renderCcDocument(cells));
    ctx.log(`wrote ${mod.CC_TABLE_PATH}: ${cells.length} cells in ${wall.toFixed(1)} s wall-clock`);
    const rows: BenchRow[] = cells.map((c) => ({
      case: 'cc-table',
      metric: `${c.controller} ${c.rttMs} ms ${c.bufferBdp} BDP: utilisation`,
      value: c.utilisation * 100,
      unit: '%',
      status: 'ok',
      note: `loss ${(c.lossRate * 100).toFixed(3)} %, mean queueing delay ${c.meanQueueDelayMs.toFixed(2)} ms`,
    }));
    rows.push({ case: 'cc-table', metric: 'generation wall-clock', value: wall, unit: 's', status: 'ok', note: `wrote ${mod.CC_TABLE_PATH}` });
    return rows;
  },
};
