/**
 * Rows comparing two throughput cases of the same run, e.g. toukit's sctp
 * over DTLS divided by werift's data channel (issue 7: target ≥ 3×). The
 * harness adds them after every case has run, so both measurements come
 * from the same machine state.
 *
 * @module
 */
import { judge } from './types.js';
import type { BenchRow, BenchTarget } from './types.js';

/** One comparison: `numerator` ÷ `denominator`, both `received throughput` rows. */
export interface ThroughputComparison {
  /** Case whose throughput is divided (e.g. `gue-dtls-sctp-16k`). */
  readonly numerator: string;
  /** Case it is divided by (e.g. `werift-datachannel`). */
  readonly denominator: string;
  /** Target on the ratio, if the project set one. */
  readonly target?: BenchTarget;
  /** What the row should say about the comparison (e.g. the message sizes on each side). */
  readonly note: string;
}

/** The metric compared. */
const METRIC = 'received throughput';

/** Why `name` has no usable throughput in `rows`, or its MB/s. */
function throughputOf(rows: readonly BenchRow[], name: string, selected: ReadonlySet<string>): number | string {
  const row = rows.find((r) => r.case === name && (r.metric === METRIC || r.value === null));
  if (row === undefined) return selected.has(name) ? `${name} gave no result` : `${name} was not selected in this run`;
  if (row.value === null || row.status === 'skipped' || row.status === 'failed') return `${name} ${row.status}`;
  return row.value;
}

/**
 * One row per comparison one of whose cases was selected. With both
 * throughputs present, the row's value is their ratio (unit `×`) judged
 * against the target; otherwise it is `skipped` and its note says which
 * side is missing and why.
 *
 * @param rows - every row of the run so far
 * @param comparisons - the comparisons to make
 * @param selected - names of the cases this run selected
 */
export function comparisonRows(rows: readonly BenchRow[], comparisons: readonly ThroughputComparison[], selected: ReadonlySet<string>): BenchRow[] {
  const out: BenchRow[] = [];
  for (const c of comparisons) {
    if (!selected.has(c.numerator) && !selected.has(c.denominator)) continue;
    const name = `${c.numerator} ÷ ${c.denominator}`;
    const num = throughputOf(rows, c.numerator, selected);
    const den = throughputOf(rows, c.denominator, selected);
    const target = c.target === undefined ? {} : { target: c.target };
    if (typeof num === 'number' && typeof den === 'number' && den > 0) {
      const ratio = num / den;
      out.push({
        case: name,
        metric: 'throughput ratio',
        value: ratio,
        unit: '×',
        ...target,
        status: judge(ratio, c.target),
        note: `${num.toFixed(1)} MB/s ÷ ${den.toFixed(1)} MB/s; ${c.note}`,
      });
    } else {
      const why = [num, den].filter((v): v is string => typeof v === 'string');
      if (why.length === 0) why.push(`${c.denominator} measured 0 MB/s`);
      out.push({ case: name, metric: 'throughput ratio', value: null, unit: '×', ...target, status: 'skipped', note: `no ratio: ${why.join('; ')}` });
    }
  }
  return out;
}
