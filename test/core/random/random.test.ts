/**
 * CryptoRandom: small fills come from a pool, large ones straight from
 * node:crypto; nothing handed out is handed out again.
 */
import { describe, it, expect } from 'vitest';
import { CryptoRandom } from '../../../core/random/random.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('CryptoRandom', () => {
  it('fills buffers of every size, pooled or not, without repeating a block across pool refills', () => {
    const r = new CryptoRandom();
    const seen = new Set<string>();
    // 32-byte fills cross the 4 KiB pool boundary several times; odd sizes misalign it.
    for (let i = 0; i < 600; i++) {
      const b = new Uint8Array(i % 7 === 0 ? 17 : 32);
      r.fill(b);
      const h = hex(b);
      expect(seen.has(h)).toBe(false);
      seen.add(h);
    }
    for (const n of [0, 1, 255, 256, 257, 5000]) {
      const a = new Uint8Array(n);
      const b = new Uint8Array(n);
      r.fill(a);
      r.fill(b);
      if (n >= 16) expect(hex(a)).not.toBe(hex(b));
    }
  });

  it('gives bytes with a plausible distribution (every byte value appears in 64 KiB of 32-byte fills)', () => {
    const r = new CryptoRandom();
    const counts = new Uint32Array(256);
    const b = new Uint8Array(32);
    for (let i = 0; i < 2048; i++) {
      r.fill(b);
      for (const x of b) counts[x]++;
    }
    // 65,536 bytes: 256 expected per value; a stuck or zeroed pool would leave most values at 0 or one value huge.
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(380);
  });

  it('draws uint32 and float values in range', () => {
    const r = new CryptoRandom();
    for (let i = 0; i < 1000; i++) {
      const u = r.uint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });
});
