import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { REPLAY_WINDOW, ReplayWindow } from '../../../../../plugins/security/dtls/record/replay.js';

describe('anti-replay window (RFC 6347 §4.1.2.6)', () => {
  it('accepts new numbers, rejects duplicates and numbers left of the 64-entry window', () => {
    const w = new ReplayWindow();
    expect(w.check(0)).toBe(true);
    w.accept(0);
    expect(w.check(0)).toBe(false);
    w.accept(100);
    expect(w.check(100)).toBe(false);
    expect(w.check(100 - REPLAY_WINDOW + 1)).toBe(true);
    expect(w.check(100 - REPLAY_WINDOW)).toBe(false);
    w.accept(60);
    expect(w.check(60)).toBe(false);
    expect(w.check(61)).toBe(true);
  });

  it('handles 48-bit sequence numbers beyond 2^32', () => {
    const w = new ReplayWindow();
    const big = 2 ** 47 + 5;
    w.accept(big);
    expect(w.check(big)).toBe(false);
    expect(w.check(big - 1)).toBe(true);
    w.accept(big - 40);
    expect(w.check(big - 40)).toBe(false);
  });

  it('matches a reference model (set of accepted numbers, max − 64 bound) on random sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (seqs) => {
        const w = new ReplayWindow();
        const seen = new Set<number>();
        let top = -1;
        for (const s of seqs) {
          const expected = !seen.has(s) && (s > top || top - s < REPLAY_WINDOW);
          expect(w.check(s)).toBe(expected);
          if (expected) {
            w.accept(s);
            seen.add(s);
            top = Math.max(top, s);
          }
        }
      }),
    );
  });
});
