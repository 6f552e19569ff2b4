/**
 * Axis scales for the SVG plots: "nice" tick positions (steps of 1, 2 or 5
 * times a power of ten) and deterministic tick labels with units (bytes,
 * milliseconds, rates), using fixed decimal formatting only.
 *
 * @module
 */

/**
 * Unit of an axis, used to label ticks:
 * - `'bytes'`: B, kB, MB, GB (powers of 1000, so nice ticks stay nice)
 * - `'bytes/s'`: B/s, kB/s, MB/s, GB/s
 * - `'ms'`: ms, switching to s when the axis reaches 1 s or more
 * - `''`: plain numbers with k / M / G suffixes
 * - any other string: plain numbers followed by that string (e.g. `'pkts'`)
 */
export type AxisUnit = 'bytes' | 'bytes/s' | 'ms' | '' | (string & {});

/** A linear axis with nice bounds. */
export interface NiceScale {
  /** Lower bound of the axis (a multiple of `step`). */
  readonly min: number;
  /** Upper bound of the axis (a multiple of `step`). */
  readonly max: number;
  /** Distance between ticks. */
  readonly step: number;
  /** Tick values from `min` to `max` inclusive. */
  readonly ticks: readonly number[];
}

/** Decimal places needed to print multiples of `step` exactly (at most 12 beyond its leading digit). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  let d = Math.max(0, -Math.floor(Math.log10(step)));
  let scaled = step * Math.pow(10, d);
  while (d < 12 && Math.abs(scaled - Math.round(scaled)) > 1e-9 * scaled) {
    scaled *= 10;
    d++;
  }
  return d;
}

/** A step of 1, 2 or 5 × 10^k close to `rough`. */
function niceStep(rough: number): number {
  const mag = Math.pow(10, Math.floor(Math.log10(rough)));
  const norm = rough / mag;
  // Round to the nearest of 1, 2, 5, 10 on a log scale (thresholds √2, √10, √50).
  const nice = norm >= Math.SQRT2 * 5 ? 10 : norm >= Math.sqrt(10) ? 5 : norm >= Math.SQRT2 ? 2 : 1;
  return nice * mag;
}

/**
 * Nice axis bounds and ticks covering `[lo, hi]` with about `count` ticks.
 * A degenerate range (`lo === hi`) is widened so the axis is never empty;
 * non-finite bounds give the axis `[0, 1]`.
 */
export function niceScale(lo: number, hi: number, count = 6): NiceScale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo > hi) [lo, hi] = [hi, lo];
  // A range below 1e-9 of the magnitude is treated as one value (avoids denormal steps).
  if (hi - lo <= 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi))) {
    const mid = (lo + hi) / 2;
    if (Math.abs(mid) < 1e-9) {
      [lo, hi] = lo >= 0 ? [0, 1] : hi <= 0 ? [-1, 0] : [-1, 1];
    } else {
      [lo, hi] = [mid - Math.abs(mid) * 0.5, mid + Math.abs(mid) * 0.5];
    }
  }
  const step = niceStep((hi - lo) / Math.max(1, count - 1));
  const d = decimalsFor(step);
  const round = (v: number): number => Number(v.toFixed(d));
  let min = round(Math.floor(lo / step + 1e-9) * step);
  let max = round(Math.ceil(hi / step - 1e-9) * step);
  // Rounding to `d` decimals may land just inside the data: widen by one step.
  if (min > lo) min = round(min - step);
  if (max < hi) max = round(max + step);
  const n = Math.round((max - min) / step);
  const ticks: number[] = [];
  for (let i = 0; i <= n; i++) ticks.push(round(min + i * step));
  return { min, max, step, ticks };
}

/** Prefix table: divisor and suffix for one unit family. */
type Prefixes = readonly (readonly [number, string])[];

const SI: Prefixes = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
];

/** Strip trailing zeros of a fixed-point string (`"2.50"` → `"2.5"`, `"3.00"` → `"3"`). */
function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Format `value` divided by `div` with just enough decimals for `step`. */
function fixed(value: number, step: number, div: number): string {
  const d = Math.min(6, decimalsFor(step / div));
  const s = trimZeros((value / div).toFixed(d));
  return s === '-0' ? '0' : s;
}

/**
 * A tick formatter for one axis: every label is printed with the same
 * prefix (chosen from the largest absolute tick) and fixed decimals, so
 * labels are deterministic and aligned.
 */
export function tickFormatter(scale: NiceScale, unit: AxisUnit): (value: number) => string {
  const top = Math.max(Math.abs(scale.min), Math.abs(scale.max));
  if (unit === 'ms') {
    if (top >= 1000) return (v) => `${fixed(v, scale.step, 1000)} s`;
    return (v) => `${fixed(v, scale.step, 1)} ms`;
  }
  const [div, prefix] = SI.find(([d]) => top >= d) ?? [1, ''];
  if (unit === 'bytes') return (v) => `${fixed(v, scale.step, div)} ${prefix}B`;
  if (unit === 'bytes/s') return (v) => `${fixed(v, scale.step, div)} ${prefix}B/s`;
  if (unit === '') return (v) => `${fixed(v, scale.step, div)}${prefix}`;
  return (v) => `${fixed(v, scale.step, div)}${prefix === '' ? '' : prefix} ${unit}`;
}
