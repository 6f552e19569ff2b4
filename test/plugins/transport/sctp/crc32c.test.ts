import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { crc32c, crc32cUpdate } from '../../../../plugins/transport/sctp/crc32c.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('CRC32c (RFC 9260 Appendix A)', () => {
  it('matches the check value of "123456789"', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 §B.4 test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('is the empty-input value 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('can be computed incrementally over any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const k = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const c = crc32cUpdate(crc32cUpdate(0xffffffff, bytes, 0, k), bytes, k, bytes.length);
        expect(~c >>> 0).toBe(crc32c(bytes));
      }),
    );
  });

  it('agrees with a bitwise reference implementation', () => {
    const ref = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(crc32c(bytes)).toBe(ref(bytes));
      }),
    );
  });
});

describe('CRC32c over long and unaligned ranges (the word-sliced path)', () => {
  const ref = (b: Uint8Array, start: number, end: number): number => {
    let c = 0xffffffff;
    for (let i = start; i < end; i++) {
      c ^= b[i];
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    return ~c >>> 0;
  };

  it('agrees with the bitwise reference at every buffer offset and range start', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.nat(7), fc.nat(7), (bytes, shift, from) => {
        // Place the bytes at an arbitrary offset of a larger buffer, then checksum a sub-range.
        const host = new Uint8Array(bytes.length + 16).fill(0xa5);
        host.set(bytes, shift);
        const view = host.subarray(shift, shift + bytes.length);
        const start = Math.min(from, view.length);
        expect(~crc32cUpdate(0xffffffff, view, start, view.length) >>> 0).toBe(ref(view, start, view.length));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result when alternating between buffers (the word view is cached per buffer)', () => {
    const a = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff);
    const b = Uint8Array.from({ length: 1500 }, (_, i) => (i * 13 + 5) & 0xff);
    const ca = ref(a, 0, a.length);
    const cb = ref(b, 0, b.length);
    for (let i = 0; i < 4; i++) {
      expect(crc32c(a)).toBe(ca);
      expect(crc32c(b.subarray(0))).toBe(cb);
      expect(crc32c(a.subarray(3, 1403))).toBe(ref(a, 3, 1403));
    }
  });
});
