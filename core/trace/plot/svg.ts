/**
 * Self-contained SVG line charts for time series (cwnd, RTT, throughput…),
 * rendered to a string without a browser or DOM. Output is deterministic:
 * the same input gives the same bytes (coordinates rounded to 0.01 px, no
 * timestamps, no random ids).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { niceScale, tickFormatter } from './ticks.js';
import type { AxisUnit, NiceScale } from './ticks.js';

/** One line in a chart. */
export interface TimeSeries {
  /** Legend text. */
  readonly name: string;
  /** `[t, value]` pairs in ascending `t`; pairs with a non-finite member are skipped. */
  readonly points: readonly (readonly [number, number])[];
  /** Draw as a staircase (value holds until the next point), e.g. for cwnd. Default false. */
  readonly step?: boolean;
}

/** Input of {@link renderTimeSeriesSvg}. */
export interface TimeSeriesChart {
  /** Chart title. */
  readonly title: string;
  /** Label of the horizontal axis, e.g. `'time'`. */
  readonly xLabel: string;
  /** Label of the vertical axis, e.g. `'cwnd'`. */
  readonly yLabel: string;
  /** Series drawn in order, each with its own colour and legend entry. */
  readonly series: readonly TimeSeries[];
  /** Unit of x tick labels. Default `'ms'`. */
  readonly xUnit?: AxisUnit;
  /** Unit of y tick labels. Default `''` (plain numbers). */
  readonly yUnit?: AxisUnit;
  /** Whether the y axis starts at (or includes) 0. Default true. */
  readonly yIncludeZero?: boolean;
  /** Width in px, 100–100,000. Default 800. */
  readonly width?: number;
  /** Height in px, 100–100,000. Default 400. */
  readonly height?: number;
}

/** Line colours, used in order (a colour-blind-safe palette). */
export const PALETTE: readonly string[] = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#f0e442',
];

/** Escape text for use in SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Round to 0.01 and print the shortest decimal form (fixed, deterministic). */
function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** The finite points of a series. */
function finitePoints(s: TimeSeries): (readonly [number, number])[] {
  return s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

/** Data bounds over all finite points; NaN bounds when there are none. */
function bounds(all: readonly (readonly (readonly [number, number])[])[]): [number, number, number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const pts of all) {
    for (const [t, v] of pts) {
      if (t < x0) x0 = t;
      if (t > x1) x1 = t;
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
    }
  }
  return x0 === Infinity ? [NaN, NaN, NaN, NaN] : [x0, x1, y0, y1];
}

/**
 * Render a chart with axes, nice ticks with units, grid lines, a legend and
 * one `<polyline>` per series (a series with no finite point still gets an
 * empty polyline and its legend entry; a single point is also marked with a
 * circle so it stays visible).
 *
 * @throws ConfigError `ERR_CONFIG_INVALID` when `width` or `height` is not a number from 100 to 100,000
 */
export function renderTimeSeriesSvg(chart: TimeSeriesChart): string {
  const width = chart.width ?? 800;
  const height = chart.height ?? 400;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isFinite(v) || v < 100 || v > 100_000) {
      throw new ConfigError(name, [`${name}: must be a number of px from 100 to 100000, got ${v}`]);
    }
  }
  const ml = 80;
  const mr = 170;
  const mt = 40;
  const mb = 50;
  const pw = Math.max(10, width - ml - mr);
  const ph = Math.max(10, height - mt - mb);
  const pts = chart.series.map(finitePoints);
  const [bx0, bx1, by0, by1] = bounds(pts);
  const includeZero = chart.yIncludeZero ?? true;
  const xs = niceScale(bx0, bx1, 8);
  const ys = niceScale(includeZero && Number.isFinite(by0) ? Math.min(0, by0) : by0, includeZero && Number.isFinite(by1) ? Math.max(0, by1) : by1, 6);
  const px = (t: number): number => ml + ((t - xs.min) / (xs.max - xs.min)) * pw;
  const py = (v: number): number => mt + ph - ((v - ys.min) / (ys.max - ys.min)) * ph;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<title>${escapeXml(chart.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${num(ml + pw / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`);
  out.push(...axes(xs, ys, px, py, ml, mt, pw, ph, chart));
  out.push(`<clipPath id="plot-area"><rect x="${ml}" y="${mt}" width="${pw}" height="${ph}"/></clipPath>`);
  out.push(`<g class="series" clip-path="url(#plot-area)" fill="none" stroke-width="1.5" stroke-linejoin="round">`);
  chart.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    out.push(`<polyline class="series-${i}" stroke="${colour}" points="${polylinePoints(pts[i], s.step === true, px, py)}"><title>${escapeXml(s.name)}</title></polyline>`);
    if (pts[i].length === 1) {
      out.push(`<circle cx="${num(px(pts[i][0][0]))}" cy="${num(py(pts[i][0][1]))}" r="3" fill="${colour}" stroke="none"/>`);
    }
  });
  out.push('</g>');
  if (pts.every((p) => p.length === 0)) {
    out.push(`<text class="empty" x="${num(ml + pw / 2)}" y="${num(mt + ph / 2)}" text-anchor="middle" fill="#888888">no data</text>`);
  }
  out.push(...legend(chart.series, ml + pw + 16, mt));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The `points` attribute of one series, dropping points that land on the same 0.01 px as the previous one. */
function polylinePoints(
  pts: readonly (readonly [number, number])[],
  step: boolean,
  px: (t: number) => number,
  py: (v: number) => number,
): string {
  const coords: string[] = [];
  let last = '';
  const add = (x: number, y: number): void => {
    const c = `${num(x)},${num(y)}`;
    if (c !== last) coords.push(c);
    last = c;
  };
  for (let i = 0; i < pts.length; i++) {
    const [t, v] = pts[i];
    if (step && i > 0) add(px(t), py(pts[i - 1][1]));
    add(px(t), py(v));
  }
  return coords.join(' ');
}

/** Axis lines, grid, ticks, tick labels and axis labels. */
function axes(
  xs: NiceScale,
  ys: NiceScale,
  px: (t: number) => number,
  py: (v: number) => number,
  ml: number,
  mt: number,
  pw: number,
  ph: number,
  chart: TimeSeriesChart,
): string[] {
  const fx = tickFormatter(xs, chart.xUnit ?? 'ms');
  const fy = tickFormatter(ys, chart.yUnit ?? '');
  const out: string[] = ['<g class="grid" stroke="#e5e5e5" stroke-width="1">'];
  for (const t of xs.ticks) out.push(`<line x1="${num(px(t))}" y1="${mt}" x2="${num(px(t))}" y2="${mt + ph}"/>`);
  for (const v of ys.ticks) out.push(`<line x1="${ml}" y1="${num(py(v))}" x2="${ml + pw}" y2="${num(py(v))}"/>`);
  out.push('</g>');
  out.push('<g class="axes" stroke="#333333" stroke-width="1">');
  out.push(`<line class="x-axis" x1="${ml}" y1="${mt + ph}" x2="${ml + pw}" y2="${mt + ph}"/>`);
  out.push(`<line class="y-axis" x1="${ml}" y1="${mt}" x2="${ml}" y2="${mt + ph}"/>`);
  for (const t of xs.ticks) out.push(`<line x1="${num(px(t))}" y1="${mt + ph}" x2="${num(px(t))}" y2="${mt + ph + 5}"/>`);
  for (const v of ys.ticks) out.push(`<line x1="${ml - 5}" y1="${num(py(v))}" x2="${ml}" y2="${num(py(v))}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" fill="#333333">');
  for (const t of xs.ticks) out.push(`<text x="${num(px(t))}" y="${mt + ph + 18}" text-anchor="middle">${escapeXml(fx(t))}</text>`);
  for (const v of ys.ticks) out.push(`<text x="${ml - 8}" y="${num(py(v) + 4)}" text-anchor="end">${escapeXml(fy(v))}</text>`);
  out.push('</g>');
  out.push(`<text class="x-label" x="${num(ml + pw / 2)}" y="${mt + ph + 40}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
  const cy = num(mt + ph / 2);
  out.push(`<text class="y-label" x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(chart.yLabel)}</text>`);
  return out;
}

/** Legend entries (colour swatch + name) stacked in the right margin. */
function legend(series: readonly TimeSeries[], x: number, y: number): string[] {
  const out: string[] = ['<g class="legend">'];
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const ly = y + 8 + i * 18;
    const name = s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name;
    out.push(`<line x1="${x}" y1="${ly}" x2="${x + 18}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    out.push(`<text x="${x + 24}" y="${ly + 4}">${escapeXml(name)}</text>`);
  });
  out.push('</g>');
  return out;
}

/** Render a chart and write it to `path` (UTF-8). */
export function writeTimeSeriesSvg(path: string, chart: TimeSeriesChart): void {
  writeFileSync(path, renderTimeSeriesSvg(chart), 'utf8');
}
