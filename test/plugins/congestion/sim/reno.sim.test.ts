/**
 * NewReno with the real `tcp` transport on the simulator: the sawtooth
 * period, goodput against the Mathis model under random loss, and
 * utilisation of a drop-tail bottleneck.
 *
 * The 100 Mbit/s, 60 s utilisation run takes about 40 s of wall time; it
 * runs with TOUKIT_LONG=1. By default the same scenario runs scaled to
 * 20 Mbit/s (same RTT and buffer in BDPs, same 60 s / last 50 s).
 */
import { describe, expect, it } from 'vitest';
import { runBulk } from './harness.js';

const LONG = process.env.TOUKIT_LONG === '1';

/**
 * Predicted Reno sawtooth period in ms for one flow: cwnd grows by one
 * segment per RTT from W/2 to W = BDP + buffer (in packets), and the RTT is
 * the base RTT plus the queueing delay of the part of cwnd above the BDP.
 */
function sawtoothPeriod(bdpPackets: number, bufferPackets: number, baseRtt: number): number {
  const w = bdpPackets + bufferPackets;
  let t = 0;
  for (let x = w / 2; x < w; x += 1) t += baseRtt * Math.max(1, x / bdpPackets);
  return t;
}

describe('reno over tcp on the simulator', () => {
  it("has the sawtooth period predicted by one segment per RTT from W/2 to W (20 Mbit/s, 50 ms, 1-BDP buffer)", async () => {
    const r = await runBulk({
      congestion: 'reno',
      link: { bandwidth: '20Mbit', delay: '25ms', queue: '1bdp' },
      duration: 40_000,
    });
    const s = r.flows[0];
    const reductions: number[] = [];
    for (let i = 1; i < s.length; i++) if (s[i].cwnd < 0.75 * s[i - 1].cwnd) reductions.push(s[i].t);
    const periods = reductions.slice(2).map((t, i) => t - reductions[i + 1]);
    expect(periods.length).toBeGreaterThanOrEqual(3);
    // Wire size of a full segment: payload + TCP header with timestamps (32) + GUE (4) + IPv4/UDP (28).
    const wire = r.mss + 32 + 4 + 28;
    const bdp = (20e6 / 8) * 0.05 / wire;
    const predicted = sawtoothPeriod(bdp, bdp, 50);
    for (const p of periods) expect(Math.abs(p - predicted) / predicted).toBeLessThan(0.1);
    // The peak window is BDP + buffer.
    const peak = Math.max(...s.slice(s.length / 2).map((x) => x.cwnd)) / r.mss;
    expect(Math.abs(peak - 2 * bdp) / (2 * bdp)).toBeLessThan(0.05);
  });

  for (const p of [0.001, 0.005, 0.01]) {
    it(`goodput under ${p * 100} % Bernoulli loss is within ±25 % of Mathis (100 Mbit/s, 50 ms)`, async () => {
      const duration = 60_000;
      const r = await runBulk({
        congestion: 'reno',
        link: { bandwidth: '100Mbit', delay: '25ms', queue: '1bdp', ab: { loss: { type: 'bernoulli', p } } },
        duration,
        // Every segment ACKed (b = 1); with byte counting the model is the same with delayed ACKs.
        tcp: { delayedAck: 0 },
      });
      const goodput = (r.deliveredBetween(0, 10_000, duration) / (duration - 10_000)) * 1000; // bytes/s
      const c = Math.sqrt(3 / 2); // C = √(3/(2b)), b = 1
      const mathis = (r.mss / 0.05) * (c / Math.sqrt(p));
      expect(goodput / mathis).toBeGreaterThan(0.75);
      expect(goodput / mathis).toBeLessThan(1.25);
    });
  }

  it('keeps a 20 Mbit/s, 50 ms, 1-BDP drop-tail bottleneck ≥ 90 % busy over the last 50 s of 60 s', async () => {
    const r = await runBulk({ congestion: 'reno', link: { bandwidth: '20Mbit', delay: '25ms', queue: '1bdp' }, duration: 60_000 });
    expect(r.utilisation(10_000, 60_000)).toBeGreaterThanOrEqual(0.9);
  });

  it.runIf(LONG)('keeps a 100 Mbit/s, 50 ms, 1-BDP drop-tail bottleneck ≥ 90 % busy over the last 50 s of 60 s (TOUKIT_LONG=1)', async () => {
    const r = await runBulk({ congestion: 'reno', link: { bandwidth: '100Mbit', delay: '25ms', queue: '1bdp' }, duration: 60_000 });
    expect(r.utilisation(10_000, 60_000)).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
