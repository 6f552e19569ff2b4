/**
 * Summaries of V8 CPU profiles (`.cpuprofile` files written by workers
 * started with `--cpu-prof`): the functions with the most self time.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** One function's share of a profile. */
export interface ProfileEntry {
  /** `function (file:line)`. */
  readonly where: string;
  /** Share of all samples, 0–1. */
  readonly share: number;
}

/** Frames of module loading and compilation at start-up. */
const STARTUP = /^node:internal\/(modules|bootstrap)|node_modules\/tsx\//;

/** The parts of a `.cpuprofile` read here. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly hitCount?: number;
  }[];
}

/**
 * The `top` functions by self time in one profile (shares of the busy,
 * non-idle samples), the share of samples that were busy, and the worker
 * script it came from (undefined for loader threads).
 */
export function summariseProfile(path: string, root: string, top = 8): { worker: string | undefined; busy: number; entries: ProfileEntry[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byWhere = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let worker: string | undefined;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    const { functionName, url, lineNumber } = n.callFrame;
    if (url.includes('/test/bench/workers/')) worker = basename(url);
    if (hits === 0) continue;
    // Start-up work (module loading through tsx) is left out: it is not the steady state being measured.
    if (STARTUP.test(url) || functionName === 'compileForInternalLoader') continue;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    total += hits;
    const file = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url || '(native)';
    const where = `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})`;
    byWhere.set(where, (byWhere.get(where) ?? 0) + hits);
  }
  const entries = [...byWhere.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, hits]) => ({ where, share: total === 0 ? 0 : hits / total }));
  return { worker, busy: total + idle === 0 ? 0 : total / (total + idle), entries };
}

/** Text summary of every profile in `dir`. */
export function summariseProfiles(dir: string, root: string, top = 8): string {
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).sort()) {
    const { worker, busy, entries } = summariseProfile(join(dir, f), root, top);
    if (worker === undefined) continue; // a module-loader thread
    out.push(`${worker} (${f}): busy ${(busy * 100).toFixed(0)} % of samples; self time of the busy part:`);
    for (const e of entries) out.push(`  ${(e.share * 100).toFixed(1).padStart(5)} %  ${e.where}`);
  }
  return out.join('\n');
}
