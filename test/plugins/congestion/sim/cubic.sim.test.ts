/**
 * CUBIC with the real `tcp` transport on the simulator: utilisation of a
 * drop-tail bottleneck, and HyStart++ on a deep-buffer path.
 *
 * The 100 Mbit/s, 60 s utilisation run takes about 40 s of wall time; it
 * runs with TOUKIT_LONG=1. By default the same scenario runs scaled to
 * 20 Mbit/s (same RTT and buffer in BDPs, same 60 s / last 50 s).
 */
import { describe, expect, it } from 'vitest';
import { runBulk } from './harness.js';

const LONG = process.env.TOUKIT_LONG === '1';

describe('cubic over tcp on the simulator', () => {
  it('keeps a 20 Mbit/s, 50 ms, 1-BDP drop-tail bottleneck ≥ 95 % busy over the last 50 s of 60 s', async () => {
    const r = await runBulk({ congestion: 'cubic', link: { bandwidth: '20Mbit', delay: '25ms', queue: '1bdp' }, duration: 60_000 });
    expect(r.utilisation(10_000, 60_000)).toBeGreaterThanOrEqual(0.95);
  });

  // Regression: with β = 0.7 a slow-start overshoot leaves cwnd above BDP + buffer during fast
  // recovery, so retransmissions were dropped; tcp had no lost-retransmission detection, the RTO
  // recomputed ssthresh from the FlightSize inflated by recovery (3× the path) and every following
  // slow start overshot again: about 27–46 % busy, one RTO per recovery.
  it('keeps a 50 Mbit/s, 40 ms, 1-BDP drop-tail bottleneck ≥ 90 % busy, recovering from every loss without a timeout', async () => {
    const r = await runBulk({ congestion: 'cubic', link: { bandwidth: '50Mbit', delay: '20ms', queue: '1bdp' }, duration: 30_000 });
    const s = r.flows[0];
    const last = s[s.length - 1];
    expect(r.utilisation(5_000, 30_000)).toBeGreaterThanOrEqual(0.9);
    expect(last.fastRecoveries).toBeGreaterThanOrEqual(2);
    expect(last.timeouts).toBe(0);
  });

  it.runIf(LONG)('keeps a 100 Mbit/s, 50 ms, 1-BDP drop-tail bottleneck ≥ 95 % busy over the last 50 s of 60 s (TOUKIT_LONG=1)', async () => {
    const r = await runBulk({ congestion: 'cubic', link: { bandwidth: '100Mbit', delay: '25ms', queue: '1bdp' }, duration: 60_000 });
    expect(r.utilisation(10_000, 60_000)).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  // After HyStart++ sees the round's minimum RTT rise, Conservative Slow Start still grows cwnd
  // for CSS_ROUNDS = 5 rounds by a quarter of the slow-start rate (RFC 9406 §4.2–4.3), about 3×
  // in all. With an ACK every second segment slow start doubles cwnd per round, and on an 8-BDP
  // buffer that growth overflows the queue before CSS ends (230 drops against 1,761 without
  // HyStart++ on this path); a 16-BDP buffer holds it.
  describe('HyStart++ on a deep-buffer path (20 Mbit/s, 50 ms, 16-BDP drop-tail buffer)', () => {
    const run = (hystart: boolean) =>
      runBulk({
        congestion: { use: 'cubic', options: { hystart } },
        link: { bandwidth: '20Mbit', delay: '25ms', queue: '16bdp' },
        duration: 6_000,
        sampleMs: 10,
      });

    it('leaves slow start before the first loss, and loses far fewer packets than standard slow start', async () => {
      const on = await run(true);
      const off = await run(false);
      const exitOn = on.flows[0].findIndex((x) => x.ssthresh !== null);
      const exitOff = off.flows[0].findIndex((x) => x.ssthresh !== null);
      expect(exitOn).toBeGreaterThan(0);
      expect(on.link[exitOn].drops).toBe(0);
      // Without HyStart++ slow start only ends with the buffer overflowing.
      expect(exitOff).toBeGreaterThan(0);
      expect(off.link[exitOff].drops).toBeGreaterThan(0);
      const lossesOn = on.link.at(-1)?.drops ?? -1;
      const lossesOff = off.link.at(-1)?.drops ?? -1;
      expect(lossesOn * 10).toBeLessThan(lossesOff);
    });
  });
});
