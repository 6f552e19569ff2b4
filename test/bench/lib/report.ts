/**
 * Output of a benchmark run: a plain-text table for the terminal, a JSON
 * summary, and a Markdown table for the docs.
 *
 * @module
 */
import type { BenchRow, BenchTarget } from './types.js';

/** Everything a run produced, as written to the JSON summary. */
export interface BenchSummary {
  /** ISO time the run started. */
  readonly startedAt: string;
  /** Wall-clock duration of the whole run, ms. */
  readonly elapsedMs: number;
  /** Machine and runtime. */
  readonly environment: Readonly<Record<string, unknown>>;
  /** Filters given on the command line. */
  readonly filters: readonly string[];
  /** All rows. */
  readonly rows: readonly BenchRow[];
}

function formatValue(v: number | null): string {
  if (v === null) return '-';
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A target as text, e.g. `≥ 0.90×` or `≤ 16384 B`. */
export function formatTarget(t: BenchTarget | undefined, unit: string): string {
  if (t === undefined) return '';
  const op = t.op === '>=' ? '≥' : '≤';
  return t.on === 'ratio' ? `${op} ${t.value.toFixed(2)}×` : `${op} ${formatValue(t.value)} ${unit}`;
}

function cells(r: BenchRow): string[] {
  return [
    r.case,
    r.metric,
    r.value === null ? '-' : `${formatValue(r.value)} ${r.unit}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    formatTarget(r.target, r.unit),
    r.status,
    r.note ?? '',
  ];
}

const HEADERS = ['case', 'metric', 'value', 'vs UDP', 'target', 'status', 'note'];

/** The rows as an aligned plain-text table. */
export function textTable(rows: readonly BenchRow[]): string {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

/** The rows as a Markdown table. */
export function markdownTable(rows: readonly BenchRow[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}
