import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeHandshake, fragmentHandshake, parseHandshakeFragments } from '../../../../../plugins/security/dtls/handshake/header.js';
import { Reassembler } from '../../../../../plugins/security/dtls/handshake/reassembly.js';
import { packFlight } from '../../../../../plugins/security/dtls/handshake/flight.js';

describe('handshake fragmentation and reassembly (RFC 6347 §4.2.3)', () => {
  it('splits a message into fragments with their own headers, offsets and lengths', () => {
    const msg = encodeHandshake(11, 3, new Uint8Array(250).map((_, i) => i));
    const frags = fragmentHandshake(msg, 100);
    expect(frags.map((f) => f.length)).toEqual([112, 112, 62]);
    const parsed = frags.flatMap((f) => parseHandshakeFragments(f));
    expect(parsed.map((f) => [f.msgType, f.length, f.messageSeq, f.fragmentOffset, f.body.length])).toEqual([
      [11, 250, 3, 0, 100],
      [11, 250, 3, 100, 100],
      [11, 250, 3, 200, 50],
    ]);
  });

  it('reassembles out-of-order, duplicated and overlapping fragments and releases messages in message_seq order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer(),
        (bodies, sizeA, sizeB, seed) => {
          const frags = bodies.flatMap((b, i) => {
            const m = encodeHandshake(1 + i, i, b);
            return [...fragmentHandshake(m, sizeA), ...fragmentHandshake(m, sizeB)]; // two overlapping splits
          });
          let s = seed >>> 0;
          for (let i = frags.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [frags[i], frags[j]] = [frags[j], frags[i]];
          }
          const r = new Reassembler(0);
          const out: { seq: number; body: number[] }[] = [];
          for (const f of frags) {
            for (const p of parseHandshakeFragments(f)) {
              const outcome = r.add(p);
              expect(['buffered', 'old']).toContain(outcome);
              for (let m = r.pop(); m; m = r.pop()) out.push({ seq: m.messageSeq, body: Array.from(m.body) });
            }
          }
          expect(out).toEqual(bodies.map((b, i) => ({ seq: i, body: Array.from(b) })));
        },
      ),
    );
  });

  it('keeps its own copy of a message that arrived whole, ignores duplicates and still rejects conflicting fragments', () => {
    const r = new Reassembler(0);
    const wire = encodeHandshake(11, 0, Uint8Array.of(1, 2, 3, 4));
    const [whole] = parseHandshakeFragments(wire);
    expect(r.add(whole)).toBe('buffered');
    wire.fill(0); // the datagram buffer is reused or modified afterwards
    expect(r.add(parseHandshakeFragments(encodeHandshake(11, 0, Uint8Array.of(1, 2, 3, 4)))[0])).toBe('buffered');
    expect(r.add(parseHandshakeFragments(fragmentHandshake(encodeHandshake(11, 0, Uint8Array.of(1, 2, 3, 4)), 2)[1])[0])).toBe('buffered');
    expect(r.add(parseHandshakeFragments(encodeHandshake(12, 0, Uint8Array.of(1, 2, 3, 4)))[0])).toBe('mismatch');
    const m = r.pop();
    expect(m).toMatchObject({ msgType: 11, messageSeq: 0 });
    expect(Array.from(m!.body)).toEqual([1, 2, 3, 4]);
    expect(r.pop()).toBeUndefined();
  });

  it('reports retransmitted old messages, drops far-future ones and conflicting fragments', () => {
    const r = new Reassembler(2);
    const [old] = parseHandshakeFragments(encodeHandshake(1, 1, Uint8Array.of(1)));
    expect(r.add(old)).toBe('old');
    const [future] = parseHandshakeFragments(encodeHandshake(1, 40, Uint8Array.of(1)));
    expect(r.add(future)).toBe('future');
    const [a] = parseHandshakeFragments(fragmentHandshake(encodeHandshake(1, 2, new Uint8Array(10)), 5)[0]);
    expect(r.add(a)).toBe('buffered');
    const [b] = parseHandshakeFragments(encodeHandshake(2, 2, new Uint8Array(10)));
    expect(r.add(b)).toBe('mismatch');
  });

  it('packs a flight into datagrams no larger than the MTU', () => {
    const entries = [
      { type: 22 as const, epoch: 0, payload: encodeHandshake(2, 1, new Uint8Array(80)) },
      { type: 22 as const, epoch: 0, payload: encodeHandshake(11, 2, new Uint8Array(900)) },
      { type: 22 as const, epoch: 0, payload: encodeHandshake(14, 3, new Uint8Array(0)) },
    ];
    const seal = (type: number, _epoch: number, p: Uint8Array) => {
      const r = new Uint8Array(13 + p.length);
      r[0] = type;
      r.set(p, 13);
      return [r];
    };
    const dgrams = packFlight(entries, 300, () => 13, seal);
    for (const d of dgrams) expect(d.reduce((n, p) => n + p.length, 0)).toBeLessThanOrEqual(300);
    const r = new Reassembler(1);
    const got: number[] = [];
    for (const d of dgrams) for (const rec of d) for (const f of parseHandshakeFragments(rec.subarray(13))) {
      r.add(f);
      for (let m = r.pop(); m; m = r.pop()) got.push(m.body.length);
    }
    expect(got).toEqual([80, 900, 0]);
  });
});
