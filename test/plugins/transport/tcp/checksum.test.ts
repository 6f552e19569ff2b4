import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ipAddressBytes, tcpChecksum, useChecksumKernel, verifyTcpChecksum, writeTcpChecksum } from '../../../../plugins/transport/tcp/checksum.js';
import { isUnspecifiedAddress, pseudoAddressBytes, PseudoHeader } from '../../../../plugins/transport/tcp/addresses.js';
import { serializeTcpHeader, TcpFlags } from '../../../../plugins/transport/tcp/header.js';

/** Straightforward RFC 1071 reference over one contiguous buffer. */
function reference(src: Uint8Array, dst: Uint8Array, seg: Uint8Array): number {
  const v6 = src.length === 16;
  const pseudo = v6 ? new Uint8Array(40) : new Uint8Array(12);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  if (v6) {
    new DataView(pseudo.buffer).setUint32(32, seg.length);
    pseudo[39] = 6;
  } else {
    pseudo[9] = 6;
    new DataView(pseudo.buffer).setUint16(10, seg.length);
  }
  const all = new Uint8Array(pseudo.length + seg.length + 1);
  all.set(pseudo);
  all.set(seg, pseudo.length);
  all[pseudo.length + 16] = 0;
  all[pseudo.length + 17] = 0;
  let sum = 0;
  for (let i = 0; i < pseudo.length + seg.length; i += 2) sum += (all[i] << 8) | all[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

describe('TCP checksum over the outer-address pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1)', () => {
  it('parses IPv4, IPv6, IPv4-mapped and zone-scoped addresses', () => {
    expect([...(ipAddressBytes('10.1.2.3') ?? [])]).toEqual([10, 1, 2, 3]);
    expect([...(ipAddressBytes('::1') ?? [])]).toEqual([...new Array(15).fill(0), 1]);
    expect([...(ipAddressBytes('fe80::1:2%eth0') ?? [])]).toEqual([0xfe, 0x80, ...new Array(10).fill(0), 0, 1, 0, 2]);
    expect([...(ipAddressBytes('2001:db8::') ?? [])]).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)]);
    expect([...(pseudoAddressBytes('::ffff:127.0.0.1') ?? [])]).toEqual([127, 0, 0, 1]);
    expect(ipAddressBytes('not-an-address')).toBeUndefined();
    expect(isUnspecifiedAddress('0.0.0.0')).toBe(true);
    expect(isUnspecifiedAddress('::')).toBe(true);
    expect(isUnspecifiedAddress('127.0.0.1')).toBe(false);
  });

  it('matches an independent RFC 1071 computation for split header/payload parts (property)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 301 }),
        (v6, s, d, payload) => {
          const src = v6 ? s : s.subarray(0, 4);
          const dst = v6 ? d : d.subarray(0, 4);
          const h = serializeTcpHeader({ srcPort: 40000, dstPort: 6080, seq: 1, ack: 2, flags: TcpFlags.ACK, window: 100 });
          writeTcpChecksum(src, dst, [h, payload]);
          const seg = new Uint8Array(h.length + payload.length);
          seg.set(h);
          seg.set(payload, h.length);
          expect((h[16] << 8) | h[17]).toBe(reference(src, dst, seg));
          expect(verifyTcpChecksum(src, dst, seg)).toBe(true);
          expect(tcpChecksum(src, dst, [seg])).toBe((h[16] << 8) | h[17]);
        },
      ),
    );
  });

  it('uses the WebAssembly word-sum kernel on Node', () => {
    expect(useChecksumKernel(true)).toBe(true);
  });

  for (const kernel of [true, false]) {
    it(`matches the reference for long payloads at every buffer alignment, split at any byte, ${kernel ? 'WebAssembly kernel' : 'JavaScript only'} (property)`, () => {
      // The kernel copies the parts into its memory; the JavaScript path sums aligned 32-bit words
      // through a view of the whole buffer: payloads at odd, 2-mod-4 and aligned offsets, in shared
      // or separate buffers, split at odd points.
      useChecksumKernel(kernel);
      try {
        const shared = new Uint8Array(8192);
        fc.assert(
          fc.property(
            fc.boolean(),
            fc.uint8Array({ minLength: 0, maxLength: 3000, size: 'max' }),
            fc.integer({ min: 0, max: 7 }),
            fc.integer({ min: 0, max: 3000 }),
            fc.boolean(),
            (v6, payload, offset, splitSeed, inShared) => {
              const src = v6 ? new Uint8Array(16).fill(0xfe) : new Uint8Array([127, 0, 0, 1]);
              const dst = v6 ? new Uint8Array(16).fill(0x01) : new Uint8Array([10, 9, 8, 7]);
              const backing = inShared ? shared : new Uint8Array(payload.length + 8);
              const view = backing.subarray(offset, offset + payload.length);
              view.set(payload);
              const h = serializeTcpHeader({ srcPort: 40000, dstPort: 6080, seq: 9, ack: 8, flags: TcpFlags.ACK, window: 7 });
              const split = payload.length === 0 ? 0 : splitSeed % payload.length;
              writeTcpChecksum(src, dst, [h, view.subarray(0, split), view.subarray(split)]);
              const seg = new Uint8Array(h.length + payload.length);
              seg.set(h);
              seg.set(payload, h.length);
              expect((h[16] << 8) | h[17]).toBe(reference(src, dst, seg));
              const inner = new Uint8Array(seg.length + offset);
              inner.set(seg, offset);
              expect(verifyTcpChecksum(src, dst, inner.subarray(offset))).toBe(true);
              inner[offset + 20 + (splitSeed % Math.max(1, payload.length))] ^= payload.length > 0 ? 0x10 : 0;
              expect(verifyTcpChecksum(src, dst, inner.subarray(offset))).toBe(payload.length === 0);
            },
          ),
          { numRuns: 300 },
        );
        // Largest segments (beyond the kernel's memory the JavaScript path takes over).
        for (const n of [65_400, 65_515]) {
          const big = new Uint8Array(n);
          for (let i = 0; i < n; i++) big[i] = (i * 131 + 17) & 0xff;
          const h = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlags.ACK, window: 5 });
          const src = new Uint8Array([192, 0, 2, 1]);
          const dst = new Uint8Array([192, 0, 2, 2]);
          writeTcpChecksum(src, dst, [h, big]);
          const seg = new Uint8Array(h.length + n);
          seg.set(h);
          seg.set(big, h.length);
          expect((h[16] << 8) | h[17]).toBe(reference(src, dst, seg));
        }
      } finally {
        useChecksumKernel(true);
      }
    });
  }

  it('detects every single-bit error (property)', () => {
    const src = new Uint8Array([10, 0, 0, 1]);
    const dst = new Uint8Array([10, 0, 0, 2]);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (payload, bitSeed) => {
        const h = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlags.ACK, window: 5 });
        writeTcpChecksum(src, dst, [h, payload]);
        const seg = new Uint8Array(h.length + payload.length);
        seg.set(h);
        seg.set(payload, h.length);
        const bit = bitSeed % (seg.length * 8);
        seg[bit >> 3] ^= 1 << (bit & 7);
        expect(verifyTcpChecksum(src, dst, seg)).toBe(false);
      }),
    );
  });

  it('fails when the pseudo-header addresses differ', () => {
    const h = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlags.ACK, window: 5 });
    writeTcpChecksum(new Uint8Array([10, 0, 0, 1]), new Uint8Array([10, 0, 0, 2]), [h]);
    expect(verifyTcpChecksum(new Uint8Array([10, 0, 0, 1]), new Uint8Array([10, 0, 0, 3]), h)).toBe(false);
  });

  it('on a wildcard-bound socket, learns the local address from the first verifying segment', () => {
    const h = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlags.SYN, window: 5 });
    writeTcpChecksum(new Uint8Array([127, 0, 0, 1]), new Uint8Array([127, 0, 0, 1]), [h]);
    const ph = new PseudoHeader('0.0.0.0', '127.0.0.1');
    expect(ph.local).toBeUndefined();
    expect(ph.verify(h)).toBe(true);
    expect([...(ph.local ?? [])]).toEqual([127, 0, 0, 1]);
    const bad = new PseudoHeader('0.0.0.0', '127.0.0.1');
    const wrong = h.slice();
    writeTcpChecksum(new Uint8Array([127, 0, 0, 1]), new Uint8Array([192, 0, 2, 77]), [wrong]);
    expect(bad.verify(wrong)).toBe(false);
  });
});
