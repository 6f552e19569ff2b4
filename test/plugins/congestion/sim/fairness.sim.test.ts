/**
 * Two flows of the same controller share a bottleneck fairly: the second
 * starts 5 s after the first, and Jain's index of their goodputs over the
 * last 60 s of a 120 s run is at least 0.95. Default runs use 20 Mbit/s;
 * TOUKIT_LONG=1 adds the 100 Mbit/s runs.
 */
import { describe, expect, it } from 'vitest';
import { jainIndex, runBulk } from './harness.js';

const LONG = process.env.TOUKIT_LONG === '1';

describe('two-flow fairness over tcp on the simulator (50 ms, 1-BDP drop-tail buffer)', () => {
  for (const cc of ['reno', 'cubic']) {
    for (const bandwidth of LONG ? ['20Mbit', '100Mbit'] : ['20Mbit']) {
      it(`${cc}: Jain index ≥ 0.95 at ${bandwidth} over the last 60 s of 120 s (second flow starts 5 s later)`, async () => {
        const r = await runBulk({
          congestion: cc,
          link: { bandwidth, delay: '25ms', queue: '1bdp' },
          duration: 120_000,
          flows: 2,
          stagger: 5_000,
        });
        const x = [0, 1].map((f) => r.deliveredBetween(f, 60_000, 120_000));
        expect(Math.min(...x)).toBeGreaterThan(0);
        expect(jainIndex(x)).toBeGreaterThanOrEqual(0.95);
        expect(r.utilisation(60_000, 120_000)).toBeGreaterThan(0.9);
      }, 300_000);
    }
  }
});
