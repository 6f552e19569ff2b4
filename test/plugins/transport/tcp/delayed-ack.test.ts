/**
 * Delayed ACKs (RFC 5681 §4.2, RFC 9293 §3.8.6.3): during a bulk transfer the
 * receiver acknowledges at least every second full-sized segment. A
 * full-sized segment carries the MSS less the TCP options in every segment
 * (RFC 9293 §3.7.1): with timestamps (RFC 7323) 12 bytes fewer.
 */
import { describe, it, expect } from 'vitest';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';

function bulk(ts: boolean) {
  const p = makePair({ delay: 20, rate: 1250, tcp: { timestamps: ts } }); // 10 Mbit/s, 40 ms RTT, no loss
  p.wire.logging = false;
  p.client.keepChunks = false;
  p.server.keepChunks = false;
  p.c.start();
  const a = randomBytes(1_000_000, 5);
  pump(p, 'client', a);
  pump(p, 'server', new Uint8Array(0));
  const ok = p.vt.runWhile(() => p.server.remoteEndedAt >= 0 && p.client.remoteEndedAt >= 0, 600_000);
  return { ok, exact: p.server.digest() === sha256hex(a), data: p.c.stats().segmentsSent as number, acks: p.s.stats().segmentsSent as number };
}

describe('tcp delayed ACKs', () => {
  for (const ts of [true, false]) {
    it(`acknowledge every second full-sized segment of a bulk transfer (timestamps ${ts ? 'on' : 'off'})`, () => {
      const r = bulk(ts);
      expect(r.ok).toBe(true);
      expect(r.exact).toBe(true);
      // Every second segment: about one ACK per two data segments (a few more around the
      // handshake, slow start and the FIN); every third would give about one per three.
      expect(r.acks / r.data).toBeGreaterThan(0.45);
      expect(r.acks / r.data).toBeLessThan(0.6);
    });
  }
});
