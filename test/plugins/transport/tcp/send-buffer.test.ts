import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SendBuffer } from '../../../../plugins/transport/tcp/send-buffer.js';

/** One operation on the buffer. */
type Op = { kind: 'write'; size: number } | { kind: 'read'; at: number; len: number; rx: boolean } | { kind: 'ack'; upTo: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), size: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 60_000, max: 200_000 })) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 1500 }), rx: fc.boolean() }),
  fc.record({ kind: fc.constant('ack' as const), upTo: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

describe('tcp send buffer', () => {
  it('returns exactly the written bytes at any offset, across chunk boundaries, in any read order and after acknowledgments (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const buf = new SendBuffer();
        let written = 0;
        /** Views handed out for retransmissions, with their offsets: they must never change. */
        const resent: [number, Uint8Array][] = [];
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
            const got = buf.read(offset, len, o.rx);
            if (o.rx) resent.push([offset, got]);
            expect(got.length).toBe(len);
            for (let i = 0; i < len; i++) if (got[i] !== byteAt(offset + i)) expect([offset + i, got[i]]).toEqual([offset + i, byteAt(offset + i)]);
          } else {
            buf.consumeTo(buf.start + Math.floor(o.upTo * (buf.end - buf.start)));
            expect(buf.length).toBe(buf.end - buf.start);
          }
        }
        for (const [offset, v] of resent) for (let i = 0; i < v.length; i++) if (v[i] !== byteAt(offset + i)) expect([offset + i, v[i]]).toEqual([offset + i, byteAt(offset + i)]);
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

  it('fills an acknowledged 64 KiB chunk again instead of allocating a new one', () => {
    const buf = new SendBuffer();
    const w = new Uint8Array(1200).fill(7);
    while (buf.end < 3 * 65536) buf.push(w);
    const first = buf.read(0, 1200); // a first transmission from chunk 0
    buf.consumeTo(65536 + 1200); // chunk 0 acknowledged
    const next = (Math.floor(buf.end / 65536) + 1) * 65536; // the first chunk started from now on
    while (buf.end < next + 1200) buf.push(w);
    const again = buf.read(next, 1200);
    expect(again.buffer).toBe(first.buffer);
    expect(again).toEqual(w);
  });

  it('never reuses a chunk that lent a view to a retransmission (it may still wait in a send queue)', () => {
    const buf = new SendBuffer();
    const w = new Uint8Array(1200).fill(7);
    while (buf.end < 3 * 65536) buf.push(w);
    const resent = buf.read(1200, 1200, true);
    const copy = resent.slice();
    buf.consumeTo(65536 + 1200);
    const v = new Uint8Array(1200).fill(9);
    while (buf.end < 5 * 65536) buf.push(v);
    expect(resent).toEqual(copy);
    for (let off = buf.start; off + 1200 <= buf.end; off += 1200) expect(buf.read(off, 1200).buffer).not.toBe(resent.buffer);
  });

  it('keeps no spare chunk once everything is acknowledged', () => {
    const buf = new SendBuffer();
    const w = new Uint8Array(1200).fill(7);
    while (buf.end < 2 * 65536) buf.push(w);
    const first = buf.read(0, 1200);
    buf.consumeTo(buf.end);
    expect(buf.length).toBe(0);
    while (buf.end < 4 * 65536) buf.push(w);
    for (let off = buf.start; off + 1200 <= buf.end; off += 65536) expect(buf.read(off, 1200).buffer).not.toBe(first.buffer);
  });
});
