import { describe, it, expect } from 'vitest';
import { SeededRandom } from '../../../core/random/random.js';
import { GilbertElliottLoss, gilbertElliottLossRate, SimConfigError, SimNetwork } from '../../../core/sim/index.js';
import { pair } from './helpers.js';

/** Lengths of the runs of consecutive numbers in a sorted list. */
function runs(ns: readonly number[]): number[] {
  const out: number[] = [];
  let len = 0;
  for (let i = 0; i < ns.length; i++) {
    len = i > 0 && ns[i] === ns[i - 1] + 1 ? len + 1 : 1;
    if (i === ns.length - 1 || ns[i + 1] !== ns[i] + 1) out.push(len);
  }
  return out;
}

describe('Bernoulli loss', () => {
  it('loses p·N of 100k datagrams within 3σ', async () => {
    const N = 100_000;
    const prob = 0.1;
    const p = await pair({ loss: prob }, { seed: 21 }, false);
    const d = new Uint8Array(8);
    for (let i = 0; i < N; i++) p.send(d);
    await p.net.runUntilIdle();
    const s = p.link.ab.stats();
    const sigma = Math.sqrt(N * prob * (1 - prob));
    expect(Math.abs((s.dropped.loss ?? 0) - N * prob)).toBeLessThan(3 * sigma);
    expect(s.delivered + (s.dropped.loss ?? 0)).toBe(N);
  });

  it('accepts the object form and rejects probabilities outside [0, 1]', () => {
    const net = new SimNetwork();
    expect(() => net.link('10.0.0.1', '10.0.0.2', { loss: { type: 'bernoulli', p: 0.5 } })).not.toThrow();
    expect(() => net.link('10.0.0.3', '10.0.0.4', { loss: 1.5 })).toThrow(SimConfigError);
    expect(() => net.link('10.0.0.5', '10.0.0.6', { loss: { type: 'gilbert-elliott', p: 0.1, r: -1 } })).toThrow(
      /link\(10\.0\.0\.5,10\.0\.0\.6\)\.ab\.loss\.r/,
    );
  });
});

describe('Gilbert–Elliott loss', () => {
  it('has mean burst length 1/r and loss rate p/(p+r) on a link (simple Gilbert: h = 0, k = 1)', async () => {
    const N = 100_000;
    const ge = { p: 0.01, r: 0.25 };
    const lost: number[] = [];
    const p = await pair(
      { loss: { type: 'gilbert-elliott', ...ge } },
      { seed: 7, onEvent: (e) => e.type === 'drop' && lost.push(e.n) },
      false,
    );
    const d = new Uint8Array(8);
    for (let i = 0; i < N; i++) p.send(d);
    await p.net.runUntilIdle();
    const bursts = runs(lost);
    const mean = bursts.reduce((a, b) => a + b, 0) / bursts.length;
    // Burst lengths are geometric: mean 1/r, sd sqrt(1-r)/r.
    const se = Math.sqrt(1 - ge.r) / ge.r / Math.sqrt(bursts.length);
    expect(Math.abs(mean - 1 / ge.r)).toBeLessThan(4 * se);
    const rate = lost.length / N;
    expect(rate).toBeGreaterThan(gilbertElliottLossRate(ge) * 0.85);
    expect(rate).toBeLessThan(gilbertElliottLossRate(ge) * 1.15);
  });

  it('loses 1-k in Good and 1-h in Bad', () => {
    const rnd = new SeededRandom(99);
    const m = new GilbertElliottLoss(0.02, 0.1, 0.6, 0.95);
    let good = 0;
    let goodLost = 0;
    let bad = 0;
    let badLost = 0;
    for (let i = 0; i < 200_000; i++) {
      const wasBad = m.bad;
      const l = m.lose(rnd);
      if (wasBad) {
        bad++;
        if (l) badLost++;
      } else {
        good++;
        if (l) goodLost++;
      }
    }
    expect(goodLost / good).toBeCloseTo(0.05, 2);
    expect(badLost / bad).toBeCloseTo(0.4, 1);
    expect(gilbertElliottLossRate({ p: 0.02, r: 0.1, h: 0.6, k: 0.95 })).toBeCloseTo((0.02 / 0.12) * 0.4 + (0.1 / 0.12) * 0.05, 12);
  });
});
