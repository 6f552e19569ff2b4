import { describe, it, expect } from 'vitest';
import { SeededRandom } from '../../../../core/random/random.js';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';
import type { LinkVerdict, PairOptions, WireSegment } from './harness.js';

function transfer(
  size: number,
  script: (r: SeededRandom) => (s: WireSegment) => LinkVerdict | undefined,
  opts: PairOptions = {},
  both = false,
) {
  const p = makePair({ delay: 20, rate: 1250, ...opts }); // 10 Mbit/s, 40 ms RTT
  p.wire.logging = false;
  p.client.keepChunks = false;
  p.server.keepChunks = false;
  const r = new SeededRandom(opts.seed ?? 99);
  p.wire.script = script(r);
  p.c.start();
  const a = randomBytes(size, 11);
  const b = randomBytes(both ? size : 0, 12);
  pump(p, 'client', a);
  pump(p, 'server', b);
  const ok = p.vt.runWhile(() => p.server.remoteEndedAt >= 0 && p.client.remoteEndedAt >= 0, 3_600_000);
  return { p, a, b, ok };
}

const loss = (rate: number) => (r: SeededRandom) => () => (r.float() < rate ? { drop: true } : undefined);

describe('tcp reliability (back to back, virtual time)', () => {
  for (const rate of [0, 0.01, 0.05, 0.1]) {
    for (const sack of [true, false]) {
      it(`delivers 2 MB exactly at ${rate * 100}% loss both ways (sack=${sack})`, () => {
        const { p, a, b, ok } = transfer(2_000_000, loss(rate), { tcp: { sack, minRto: 200 } }, true);
        expect(ok).toBe(true);
        expect(p.server.digest()).toBe(sha256hex(a));
        expect(p.client.digest()).toBe(sha256hex(b));
        if (rate > 0) expect((p.c.stats().retransmissions as number) > 0).toBe(true);
      });
    }
  }

  it('survives reordering, duplication and corruption', () => {
    const { p, a, ok } = transfer(2_000_000, (r) => () => {
      const x = r.float();
      if (x < 0.05) return { extraDelay: r.float() * 30 };
      if (x < 0.08) return { duplicate: 1 };
      if (x < 0.1) return { flipBit: 8 * 20 + Math.floor(r.float() * 8 * 100) };
      return undefined;
    });
    expect(ok).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(a));
    expect(p.server.drops.tcp_bad_checksum ?? 0).toBeGreaterThan(0);
  });

  it('works over IPv6 (RFC 8200 pseudo-header, IPv6 default MSS rules)', () => {
    const { p, a, ok } = transfer(1_000_000, loss(0.02), { family: 'IPv6' });
    expect(ok).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(a));
    expect(p.server.drops.tcp_bad_checksum ?? 0).toBe(0);
  });

  it('survives without timestamps', () => {
    const { p, a, ok } = transfer(1_000_000, loss(0.03), { tcp: { timestamps: false } });
    expect(ok).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(a));
  });

  it('survives a 10 s outage', () => {
    const { p, a, ok } = transfer(2_000_000, (r) => (s) => (s.time > 500 && s.time < 10_500 ? { drop: true } : undefined));
    void 0;
    expect(ok).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(a));
  });
});
