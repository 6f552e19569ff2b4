import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { LinkOptions, QueueOptions } from '../../../core/sim/index.js';
import { numbered, pair, seqOf } from './helpers.js';

const queueArb: fc.Arbitrary<QueueOptions> = fc.oneof(
  fc.record({ packets: fc.integer({ min: 0, max: 50 }) }),
  fc.integer({ min: 500, max: 40_000 }),
  fc.record({ type: fc.constant('codel' as const), target: fc.constantFrom(1, 5), interval: fc.constantFrom(20, 100) }),
  fc.record({
    type: fc.constant('red' as const),
    minThreshold: fc.constant(3000),
    maxThreshold: fc.constant(9000),
    bytes: fc.constant(30_000),
  }),
);

const linkArb: fc.Arbitrary<LinkOptions> = fc.record(
  {
    bandwidth: fc.constantFrom('1Mbit', '10Mbit', Infinity),
    delay: fc.double({ min: 0, max: 30, noNaN: true }),
    jitter: fc.double({ min: 0, max: 5, noNaN: true }),
    queue: queueArb,
    loss: fc.oneof(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.constant({ type: 'gilbert-elliott' as const, p: 0.05, r: 0.3 })),
    duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
    corrupt: fc.double({ min: 0, max: 0.2, noNaN: true }),
    mtu: fc.constantFrom(600, 1500, Infinity),
    down: fc.constantFrom([], [[20, 40]] as [number, number][]),
  },
  { requiredKeys: [] },
);

describe('conservation under any link configuration (property)', () => {
  it('every datagram offered is delivered or dropped for a counted reason, and order holds without reordering', async () => {
    await fc.assert(
      fc.asyncProperty(linkArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (options, seed) => {
        const p = await pair(options, { seed });
        const rnd = p.net.random('sizes');
        let seq = 0;
        const t = p.net.timers.createTimer(() => {
          p.send(numbered(seq++, 4 + (rnd.uint32() % 1000)));
          if (seq < 150) t.arm(p.net.now + rnd.float() * 0.6);
        });
        t.arm(0);
        await p.net.runUntilIdle();
        const s = p.link.ab.stats();
        const dropped = Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0);
        expect(s.sent).toBe(150);
        expect(s.delivered + dropped).toBe(s.sent + s.duplicated);
        expect(p.arrivals.length).toBe(s.delivered);
        expect(s.queuePackets).toBe(0);
        // Without reordering, arrivals keep sending order (a duplicate follows its original).
        const seqs = p.arrivals.map((a) => seqOf(a.data));
        if (s.corrupted === 0) {
          for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThanOrEqual(seqs[i - 1]);
        }
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });
});
