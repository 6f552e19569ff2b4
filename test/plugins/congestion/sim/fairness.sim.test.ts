/**
 * Two flows of the same controller share a bottleneck fairly: Jain's index
 * of their goodputs over the last 50 s of 60 s is at least 0.95. Default
 * runs use 20 Mbit/s; TOUKIT_LONG=1 adds the 100 Mbit/s runs.
 */
import { describe, expect, it } from 'vitest';
import { jainIndex, runBulk } from './harness.js';

const LONG = process.env.TOUKIT_LONG === '1';

describe('two-flow fairness over tcp on the simulator (50 ms, 1-BDP drop-tail buffer)', () => {
  for (const cc of ['reno', 'cubic']) {
    for (const bandwidth of LONG ? ['20Mbit', '100Mbit'] : ['20Mbit']) {
      it(`${cc}: Jain index ≥ 0.95 at ${bandwidth} (second flow starts 2 s later)`, async () => {
        const r = await runBulk({
          congestion: cc,
          link: { bandwidth, delay: '25ms', queue: '1bdp' },
          duration: 60_000,
          flows: 2,
          stagger: 2_000,
        });
        const x = [0, 1].map((f) => r.deliveredBetween(f, 10_000, 60_000));
        expect(Math.min(...x)).toBeGreaterThan(0);
        expect(jainIndex(x)).toBeGreaterThanOrEqual(0.95);
        expect(r.utilisation(10_000, 60_000)).toBeGreaterThan(0.9);
      }, 300_000);
    }
  }
});
