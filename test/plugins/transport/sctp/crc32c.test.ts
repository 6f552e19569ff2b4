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
