/**
 * Repeated rounds (`npm run bench -- --repeat N`). On a 2-core machine one
 * throughput run moves by ±15 % or more from the next, so a single ratio
 * says little. Each round measures raw UDP and every selected case again and
 * computes its ratios against that round's own raw UDP; the summary row of a
 * case is the median over the rounds, with the range in its note.
 *
 * @module
 */
import { judge } from './types.js';
import type { BenchRow } from './types.js';

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function range(values: readonly number[], digits: number): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

/**
 * One row per (case, metric) from the rows of several rounds: the median
 * value and the median ratio, judged against the row's target. The note
 * gives the number of rounds, the ranges, and the note of the round whose
 * value is closest to the median. Rounds in which the case failed or was
 * skipped are counted in the note; with no round measured, the last row is
 * kept as it is.
 *
 * @param rounds - the rows of each round, in order
 */
export function aggregateRounds(rounds: readonly (readonly BenchRow[])[]): BenchRow[] {
  const groups = new Map<string, BenchRow[]>();
  for (const rows of rounds) {
    for (const r of rows) {
      const key = `${r.case}\u0000${r.metric === '-' ? '' : r.metric}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = []));
      g.push(r);
    }
  }
  const out: BenchRow[] = [];
  for (const g of groups.values()) {
    const measured = g.filter((r) => r.value !== null && r.status !== 'failed' && r.status !== 'skipped');
    if (measured.length === 0) {
      out.push(g[g.length - 1]);
      continue;
    }
    const values = measured.map((r) => r.value as number);
    const value = median(values);
    const ratios = measured.filter((r) => r.ratio !== undefined).map((r) => r.ratio as number);
    const ratio = ratios.length > 0 ? median(ratios) : undefined;
    const closest = measured.reduce((a, b) => (Math.abs((b.value as number) - value) < Math.abs((a.value as number) - value) ? b : a));
    const target = closest.target;
    const status = target === undefined ? 'ok' : judge(target.on === 'ratio' ? ratio : value, target);
    const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
    const parts = [`median of ${measured.length} rounds, range ${range(values, digits)}`];
    if (ratios.length > 1) parts.push(`ratio ${range(ratios, 2)}×`);
    const lost = g.length - measured.length;
    if (lost > 0) parts.push(`${lost} round(s) failed or skipped`);
    const note = closest.note === undefined || closest.note === '' ? parts.join('; ') : `${parts.join('; ')}; closest round: ${closest.note}`;
    out.push({ ...closest, value, ...(ratio === undefined ? {} : { ratio }), status, note });
  }
  return out;
}
