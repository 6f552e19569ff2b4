import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TsnMap, TsnOffer } from '../../../../plugins/transport/sctp/tsn-map.js';
import { tsnLt, tsnAdd } from '../../../../plugins/transport/sctp/bytes.js';

describe('TSN serial arithmetic (RFC 9260 §1.6)', () => {
  it('orders TSNs across the 2^32 wrap', () => {
    expect(tsnLt(0xffffffff, 0)).toBe(true);
    expect(tsnLt(0, 0xffffffff)).toBe(false);
    expect(tsnAdd(0xffffffff, 2)).toBe(1);
  });
});

describe('receiver TSN map (RFC 9260 §6.2)', () => {
  it('advances the cumulative TSN over in-order TSNs, across the wrap', () => {
    const m = new TsnMap(0xfffffffe);
    expect(m.cumTsn).toBe(0xfffffffd);
    for (const t of [0xfffffffe, 0xffffffff, 0, 1]) expect(m.offer(t)).toBe(TsnOffer.New);
    expect(m.cumTsn).toBe(1);
    expect(m.hasGaps).toBe(false);
  });

  it('reports gap ack blocks as offsets from the cumulative TSN and duplicates once each', () => {
    const m = new TsnMap(100);
    for (const t of [100, 102, 103, 106, 108, 109, 110]) m.offer(t);
    expect(m.cumTsn).toBe(100);
    expect(m.gaps(10)).toEqual([2, 3, 6, 6, 8, 10]);
    expect(m.offer(103)).toBe(TsnOffer.Duplicate);
    expect(m.offer(99)).toBe(TsnOffer.Duplicate);
    expect(m.duplicates).toEqual([103, 99]);
    m.offer(101);
    expect(m.cumTsn).toBe(103);
    expect(m.gaps(10)).toEqual([3, 3, 5, 7]);
  });

  it('limits the number of gap blocks', () => {
    const m = new TsnMap(1);
    for (let t = 2; t < 40; t += 2) m.offer(t);
    expect(m.cumTsn).toBe(0);
    expect(m.gaps(3)).toEqual([2, 2, 4, 4, 6, 6]);
  });

  it('refuses TSNs beyond its capacity', () => {
    const m = new TsnMap(1, 1024);
    expect(m.offer(1025)).toBe(TsnOffer.Beyond);
    expect(m.offer(1024)).toBe(TsnOffer.New);
  });

  it('moves to a FORWARD TSN point and past already received TSNs (RFC 3758 §3.6)', () => {
    const m = new TsnMap(10);
    m.offer(10);
    m.offer(14);
    m.offer(15);
    m.forwardTo(13);
    expect(m.cumTsn).toBe(15);
    expect(m.hasGaps).toBe(false);
    m.forwardTo(12);
    expect(m.cumTsn).toBe(15);
  });

  it('matches a set model for any arrival order', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.array(fc.nat(200), { maxLength: 150 }), (base, offs) => {
        const m = new TsnMap(base);
        const seen = new Set<number>();
        for (const o of offs) {
          m.offer(tsnAdd(base, o));
          seen.add(o);
        }
        let cum = -1;
        while (seen.has(cum + 1)) cum++;
        expect(m.cumTsn).toBe(tsnAdd(base, cum));
        const gaps = m.gaps(1000);
        const covered = new Set<number>();
        for (let i = 0; i < gaps.length; i += 2) for (let k = gaps[i]; k <= gaps[i + 1]; k++) covered.add(cum + k);
        expect([...covered].sort((a, b) => a - b)).toEqual([...seen].filter((o) => o > cum).sort((a, b) => a - b));
      }),
    );
  });
});
