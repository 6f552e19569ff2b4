import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SendBuffer } from '../../../../plugins/transport/tcp/send-buffer.js';

/** One operation on the buffer. */
type Op = { kind: 'write'; size: number } | { kind: 'read'; at: number; len: number } | { kind: 'ack'; upTo: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), size: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 60_000, max: 200_000 })) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 1500 }) }),
  fc.record({ kind: fc.constant('ack' as const), upTo: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

describe('tcp send buffer', () => {
  it('returns exactly the written bytes at any offset, across chunk boundaries, in any read order and after acknowledgments (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const buf = new SendBuffer();
        let written = 0;
        const byteAt = (i: number): number => (i * 2654435761) >>> 24;
        for (const o of ops) {
          if (o.kind === 'write') {
            const data = new Uint8Array(o.size);
            for (let i = 0; i < o.size; i++) data[i] = byteAt(written + i);
            buf.push(data);
            written += o.size;
            expect(buf.end).toBe(written);
          } else if (o.kind === 'read') {
            const avail = buf.end - buf.start;
            if (avail <= 0) continue;
            const offset = buf.start + Math.floor(o.at * avail);
            const len = Math.min(o.len, buf.end - offset);
            if (len <= 0) continue;
            const got = buf.read(offset, len);
            expect(got.length).toBe(len);
            for (let i = 0; i < len; i++) if (got[i] !== byteAt(offset + i)) expect([offset + i, got[i]]).toEqual([offset + i, byteAt(offset + i)]);
          } else {
            buf.consumeTo(buf.start + Math.floor(o.upTo * (buf.end - buf.start)));
            expect(buf.length).toBe(buf.end - buf.start);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reads forward segment by segment while the front is acknowledged (the transfer pattern)', () => {
    const buf = new SendBuffer();
    const total = 1 << 20;
    const data = new Uint8Array(total);
    for (let i = 0; i < total; i++) data[i] = (i * 31) & 0xff;
    for (let off = 0; off < total; off += 1200) buf.push(data.subarray(off, Math.min(total, off + 1200)));
    const mss = 1364;
    for (let off = 0; off < total; off += mss) {
      const len = Math.min(mss, total - off);
      expect(buf.read(off, len)).toEqual(data.subarray(off, off + len));
      if (off >= 10 * mss) buf.consumeTo(off - 10 * mss);
    }
    buf.consumeTo(total);
    expect(buf.length).toBe(0);
  });
});
