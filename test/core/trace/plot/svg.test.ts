import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeXml, renderTimeSeriesSvg, writeTimeSeriesSvg } from '../../../../core/trace/plot/svg.js';
import type { TimeSeriesChart } from '../../../../core/trace/plot/svg.js';
import { ConfigError } from '../../../../core/errors.js';

/** Checks that tags nest properly (a tiny XML well-formedness check, enough for our own output). */
function checkWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let consumed = 0;
  for (let m = tag.exec(svg); m !== null; m = tag.exec(svg)) {
    expect(svg.slice(consumed, m.index)).not.toMatch(/[<>]/);
    consumed = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    if (close === '/') expect(stack.pop()).toBe(name);
    else if (selfClose !== '/') stack.push(name);
  }
  expect(svg.slice(consumed).trim()).toBe('');
  expect(stack).toEqual([]);
}

function pointsOf(svg: string): string[] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]);
}

const chart: TimeSeriesChart = {
  title: 'cwnd of 3 flows',
  xLabel: 'time',
  yLabel: 'cwnd',
  yUnit: 'bytes',
  series: [
    { name: 'flow A', points: [[0, 12000], [100, 24000], [200, 48000], [300, 24000]], step: true },
    { name: 'flow B', points: [[0, 12000], [150, 36000], [300, 60000]] },
    { name: 'flow <C> & "D"', points: [[50, 1000], [250, 2000]] },
  ],
};

describe('renderTimeSeriesSvg: structure', () => {
  const svg = renderTimeSeriesSvg(chart);

  it('is one well-formed <svg> element', () => {
    expect(svg.match(/<svg /g)).toHaveLength(1);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    checkWellFormed(svg);
  });

  it('has one polyline per series and a legend entry for each', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    const legend = svg.slice(svg.indexOf('<g class="legend">'));
    expect(legend).toContain('>flow A<');
    expect(legend).toContain('>flow B<');
    expect(legend).toContain('>flow &lt;C&gt; &amp; &quot;D&quot;<');
  });

  it('shows the title and axis labels, and tick labels with units', () => {
    expect(svg).toContain('<title>cwnd of 3 flows</title>');
    expect(svg).toMatch(/class="x-label"[^>]*>time</);
    expect(svg).toMatch(/class="y-label"[^>]*>cwnd</);
    expect(svg).toContain('>60 kB<');
    expect(svg).toContain('>0 kB<');
    expect(svg).toContain('>300 ms<');
  });

  it('draws step series as staircases: each new point first holds the previous value', () => {
    const [a, b] = pointsOf(svg);
    expect(a.split(' ')).toHaveLength(4 * 2 - 1);
    expect(b.split(' ')).toHaveLength(3);
    const pts = a.split(' ').map((p) => p.split(',').map(Number));
    expect(pts[1][1]).toBe(pts[0][1]);
    expect(pts[2][0]).toBe(pts[1][0]);
  });

  it('maps data into the plot area: larger values are higher (smaller y)', () => {
    const b = pointsOf(svg)[1].split(' ').map((p) => p.split(',').map(Number));
    expect(b[0][0]).toBeLessThan(b[1][0]);
    expect(b[0][1]).toBeGreaterThan(b[1][1]);
    for (const [x, y] of b) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(800);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(400);
    }
  });

  it('honours width and height', () => {
    const s = renderTimeSeriesSvg({ ...chart, width: 640, height: 300 });
    expect(s).toContain('width="640" height="300" viewBox="0 0 640 300"');
  });
});

describe('renderTimeSeriesSvg: determinism', () => {
  it('renders the same bytes for the same input', () => {
    const copy: TimeSeriesChart = JSON.parse(JSON.stringify(chart));
    expect(renderTimeSeriesSvg(copy)).toBe(renderTimeSeriesSvg(chart));
  });

  it('prints coordinates with at most two decimals and no exponent', () => {
    const svg = renderTimeSeriesSvg({ ...chart, series: [{ name: 'x', points: [[0, 1 / 3], [1e-7, 2 / 3], [7, 1e-9]] }] });
    for (const p of pointsOf(svg)[0].split(' ')) expect(p).toMatch(/^-?\d+(\.\d{1,2})?,-?\d+(\.\d{1,2})?$/);
    expect(svg).not.toMatch(/="[^"#]*\d[eE][+-]?\d/);
  });

  it('writes the same text to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toukit-svg-'));
    try {
      const path = join(dir, 'c.svg');
      writeTimeSeriesSvg(path, chart);
      expect(readFileSync(path, 'utf8')).toBe(renderTimeSeriesSvg(chart));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderTimeSeriesSvg: empty and degenerate input', () => {
  it('renders axes and a "no data" note with no series at all', () => {
    const svg = renderTimeSeriesSvg({ title: 'empty', xLabel: 't', yLabel: 'v', series: [] });
    checkWellFormed(svg);
    expect(svg.match(/<polyline /g)).toBeNull();
    expect(svg).toContain('no data');
    expect(svg).not.toContain('NaN');
  });

  it('keeps one (empty) polyline for a series with no finite point', () => {
    const svg = renderTimeSeriesSvg({ title: 'e', xLabel: 't', yLabel: 'v', series: [{ name: 'nothing', points: [[NaN, 1], [2, Infinity]] }] });
    expect(pointsOf(svg)).toEqual(['']);
    expect(svg).toContain('no data');
    expect(svg).not.toContain('NaN');
    checkWellFormed(svg);
  });

  it('draws a single point as a polyline of one vertex plus a visible marker', () => {
    const svg = renderTimeSeriesSvg({ title: 'one', xLabel: 't', yLabel: 'v', series: [{ name: 'p', points: [[5, 5]] }] });
    expect(pointsOf(svg)[0].split(' ')).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg).not.toContain('NaN');
    checkWellFormed(svg);
  });

  it('draws a constant series as a flat line inside the plot', () => {
    const svg = renderTimeSeriesSvg({
      title: 'flat',
      xLabel: 't',
      yLabel: 'v',
      yIncludeZero: false,
      series: [{ name: 'c', points: [[0, 7], [10, 7], [20, 7]] }],
    });
    const ys = new Set(pointsOf(svg)[0].split(' ').map((p) => p.split(',')[1]));
    expect(ys.size).toBe(1);
    const y = Number([...ys][0]);
    expect(y).toBeGreaterThan(40);
    expect(y).toBeLessThan(350);
    expect(svg).not.toContain('NaN');
  });

  it('skips NaN and infinite points but keeps the rest', () => {
    const svg = renderTimeSeriesSvg({
      title: 'gaps',
      xLabel: 't',
      yLabel: 'v',
      series: [{ name: 's', points: [[0, 1], [1, NaN], [NaN, 3], [2, -Infinity], [3, 4]] }],
    });
    expect(pointsOf(svg)[0].split(' ')).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('drops consecutive points that fall on the same pixel', () => {
    const points: [number, number][] = [];
    for (let i = 0; i <= 100_000; i++) points.push([i / 1000, 5]);
    const svg = renderTimeSeriesSvg({ title: 'dense', xLabel: 't', yLabel: 'v', series: [{ name: 'd', points }] });
    expect(pointsOf(svg)[0].split(' ').length).toBeLessThan(100_000);
  });

  it('rejects a width or height that is not a sensible number of px', () => {
    for (const bad of [NaN, -1, 0, 99, Infinity, 1e6]) {
      expect(() => renderTimeSeriesSvg({ ...chart, width: bad })).toThrow(ConfigError);
      expect(() => renderTimeSeriesSvg({ ...chart, height: bad })).toThrow(ConfigError);
    }
  });

  it('escapes markup in every text', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    const svg = renderTimeSeriesSvg({ title: '</svg><script>', xLabel: '<x>', yLabel: '&y', series: [] });
    expect(svg).not.toContain('<script>');
    checkWellFormed(svg);
  });
});
