/**
 * The statistics of paired benchmark rounds (`npm run bench -- --paired N`):
 * the sign-test interval for a median and the verdict against a target.
 * The measuring itself needs real processes and is exercised by
 * `npm run bench`, not here.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { judgePaired, medianInterval, summarisePaired } from './paired.js';
import type { PairedRound, PairedSummary } from './paired.js';
import type { ConnectedResult } from './measure.js';
import type { BenchTarget } from './types.js';

/** Exact Binomial(n, ½) probability P(B ≤ k). */
function binomCdf(n: number, k: number): number {
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    let c = 1;
    for (let j = 0; j < i; j++) c = (c * (n - j)) / (j + 1);
    sum += c;
  }
  return sum / 2 ** n;
}

const AT_LEAST_09: BenchTarget = { op: '>=', value: 0.9, on: 'ratio' };

function summary(ratio: number, low?: number, high?: number): PairedSummary {
  return {
    ratio,
    interval: low === undefined || high === undefined ? undefined : { low, high, coverage: 0.95 },
    candidateBytesPerSecond: 1,
    baselineBytesPerSecond: 1,
    range: [low ?? ratio, high ?? ratio],
  };
}

describe('medianInterval (sign-test interval for a median)', () => {
  it('gives no interval for samples too small for 95 % (n ≤ 5)', () => {
    for (let n = 0; n <= 5; n++) expect(medianInterval(Array.from({ length: n }, (_, i) => i))).toBeUndefined();
  });

  it('uses the textbook order statistics: 1st–6th of 6, 2nd–9th of 10, 6th–15th of 20', () => {
    const seq = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    expect(medianInterval(seq(6))).toMatchObject({ low: 1, high: 6 });
    expect(medianInterval(seq(10))).toMatchObject({ low: 2, high: 9 });
    expect(medianInterval(seq(20))).toMatchObject({ low: 6, high: 15 });
  });

  it('sorts its input and reports the coverage it achieves, never below the level', () => {
    const values = [0.93, 0.81, 0.88, 1.02, 0.79, 0.9, 0.86, 0.95, 0.84, 0.91];
    const iv = medianInterval(values);
    expect(iv).toMatchObject({ low: 0.81, high: 0.95 });
    expect(iv?.coverage).toBeCloseTo(1 - 2 * binomCdf(10, 1), 12);
    for (const n of [6, 7, 12, 25, 40, 101]) {
      const c = medianInterval(Array.from({ length: n }, (_, i) => i))?.coverage ?? 0;
      expect(c).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('picks the narrowest interval with that coverage: one step narrower falls below 95 %', () => {
    for (const n of [6, 10, 20, 40, 77]) {
      const iv = medianInterval(Array.from({ length: n }, (_, i) => i + 1));
      const k = iv?.low ?? 0;
      expect(1 - 2 * binomCdf(n, k)).toBeLessThan(0.95);
    }
  });

  it('honours another level', () => {
    const seq = Array.from({ length: 20 }, (_, i) => i + 1);
    // 90 %: P(B ≤ 5) = 0.0207 ≤ 0.05 < P(B ≤ 6) = 0.0577 → k = 6, as at 95 %.
    expect(medianInterval(seq, 0.9)).toMatchObject({ low: 6, high: 15 });
    // 50 %: P(B ≤ 7) = 0.1316 ≤ 0.25 < P(B ≤ 8) = 0.2517 → k = 8.
    expect(medianInterval(seq, 0.5)).toMatchObject({ low: 8, high: 13 });
  });
});

describe('judgePaired', () => {
  it('calls a target met only when the whole interval meets it', () => {
    expect(judgePaired(summary(0.95, 0.91, 0.99), AT_LEAST_09)).toEqual({ status: 'ok', reason: expect.stringMatching(/^met/) });
  });

  it('calls it missed when the whole interval misses it', () => {
    expect(judgePaired(summary(0.85, 0.8, 0.89), AT_LEAST_09)).toEqual({ status: 'missed', reason: expect.stringMatching(/^missed/) });
  });

  it('calls a straddling interval undecided, and does not count it as met even with the median above the target', () => {
    expect(judgePaired(summary(0.92, 0.87, 0.95), AT_LEAST_09)).toEqual({ status: 'missed', reason: expect.stringMatching(/^undecided/) });
  });

  it('judges "at most" targets from the other end of the interval', () => {
    const atMost: BenchTarget = { op: '<=', value: 1, on: 'ratio' };
    expect(judgePaired(summary(0.9, 0.8, 0.99), atMost).status).toBe('ok');
    expect(judgePaired(summary(1.05, 0.98, 1.1), atMost).reason).toMatch(/^undecided/);
  });

  it('falls back to the median, and says so, without an interval', () => {
    expect(judgePaired(summary(0.95), AT_LEAST_09)).toEqual({ status: 'ok', reason: expect.stringMatching(/median only/) });
    expect(judgePaired(summary(0.85), AT_LEAST_09).status).toBe('missed');
  });

  it('has nothing to judge without a target', () => {
    expect(judgePaired(summary(0.5, 0.4, 0.6), undefined).status).toBe('ok');
  });
});

describe('summarisePaired', () => {
  function round(baseline: number, candidate: number): PairedRound {
    const r = (bps: number): ConnectedResult => ({ bytesPerSecond: bps }) as ConnectedResult;
    return { baseline: r(baseline), candidate: r(candidate), ratio: candidate / baseline };
  }

  it('gives the median of the per-round ratios, not the ratio of the median throughputs', () => {
    const rounds = [round(100, 90), round(200, 100), round(100, 95), round(150, 150), round(100, 80), round(120, 60)];
    const s = summarisePaired(rounds);
    // ratios: 0.9, 0.5, 0.95, 1.0, 0.8, 0.5 → median (0.8 + 0.9) / 2
    expect(s.ratio).toBeCloseTo(0.85, 12);
    expect(s.baselineBytesPerSecond).toBe(110);
    expect(s.candidateBytesPerSecond).toBe(92.5);
    expect(s.range).toEqual([0.5, 1]);
    expect(s.interval).toMatchObject({ low: 0.5, high: 1 });
  });
});
