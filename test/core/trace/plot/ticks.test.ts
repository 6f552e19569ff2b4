import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decimalsFor, niceScale, tickFormatter } from '../../../../core/trace/plot/ticks.js';

describe('niceScale', () => {
  it('picks steps of 1, 2 or 5 times a power of ten and covers the data', () => {
    expect(niceScale(0, 100, 6)).toEqual({ min: 0, max: 100, step: 20, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceScale(3, 97, 6).ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceScale(0, 0.7, 8).step).toBe(0.1);
    expect(niceScale(0, 0.7, 8).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceScale(-12, 47, 6)).toMatchObject({ min: -20, max: 50, step: 10 });
  });

  it('widens a degenerate range instead of dividing by zero', () => {
    expect(niceScale(0, 0)).toMatchObject({ min: 0, max: 1 });
    const s = niceScale(5000, 5000);
    expect(s.min).toBeLessThan(5000);
    expect(s.max).toBeGreaterThan(5000);
  });

  it('falls back to [0, 1] for non-finite bounds', () => {
    expect(niceScale(NaN, NaN)).toMatchObject({ min: 0, max: 1 });
    expect(niceScale(0, Infinity)).toMatchObject({ min: 0, max: 1 });
  });

  it('always brackets [lo, hi] with evenly spaced ticks (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), (a, b) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const s = niceScale(lo, hi, 6);
        expect(s.min).toBeLessThanOrEqual(lo);
        expect(s.max).toBeGreaterThanOrEqual(hi);
        expect(s.ticks.length).toBeGreaterThanOrEqual(2);
        expect(s.ticks.length).toBeLessThanOrEqual(12);
        expect(s.ticks[0]).toBe(s.min);
        expect(s.ticks[s.ticks.length - 1]).toBe(s.max);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('decimalsFor', () => {
  it('counts the decimals a step needs', () => {
    expect(decimalsFor(20)).toBe(0);
    expect(decimalsFor(0.5)).toBe(1);
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(2.5)).toBe(1);
  });
});

describe('tickFormatter', () => {
  it('labels bytes with decimal prefixes', () => {
    const s = niceScale(0, 100_000, 6);
    const f = tickFormatter(s, 'bytes');
    expect(s.ticks.map(f)).toEqual(['0 kB', '20 kB', '40 kB', '60 kB', '80 kB', '100 kB']);
    expect(tickFormatter(niceScale(0, 500), 'bytes')(300)).toBe('300 B');
    expect(tickFormatter(niceScale(0, 2.5e6, 6), 'bytes')(1.5e6)).toBe('1.5 MB');
  });

  it('labels rates in B/s', () => {
    expect(tickFormatter(niceScale(0, 3e8), 'bytes/s')(2e8)).toBe('200 MB/s');
  });

  it('labels times in ms, switching to s once the axis reaches 1 s', () => {
    expect(tickFormatter(niceScale(0, 500), 'ms')(200)).toBe('200 ms');
    expect(tickFormatter(niceScale(0, 30_000), 'ms')(15_000)).toBe('15 s');
    const s = niceScale(0, 2000);
    expect(s.ticks.map(tickFormatter(s, 'ms'))).toEqual(['0 s', '0.5 s', '1 s', '1.5 s', '2 s']);
    expect(niceScale(10_000, 12_000, 5).ticks.map(tickFormatter(niceScale(10_000, 12_000, 5), 'ms'))).toEqual(['10 s', '10.5 s', '11 s', '11.5 s', '12 s']);
  });

  it('labels plain numbers with k/M suffixes and custom units after them', () => {
    expect(tickFormatter(niceScale(0, 5000), '')(2000)).toBe('2k');
    expect(tickFormatter(niceScale(0, 50), 'pkts')(20)).toBe('20 pkts');
    expect(tickFormatter(niceScale(0, 0.5), '')(0.1)).toBe('0.1');
  });

  it('never prints float noise or negative zero', () => {
    const s = niceScale(0, 0.7, 8);
    const labels = s.ticks.map(tickFormatter(s, ''));
    expect(labels).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7']);
    expect(tickFormatter(niceScale(-1, 1), '')(-0)).toBe('0');
  });
});
