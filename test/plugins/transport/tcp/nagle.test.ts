/**
 * Nagle's algorithm (RFC 9293 §3.7.4) with Minshall's variant, as Linux
 * uses it: a sub-MSS segment waits only while an earlier sub-MSS segment
 * is unacknowledged, not while any data is. With the plain rule the short
 * tail of a write waits for the ACK of every full segment before it, and
 * the receiver delays the ACK of an odd last full segment (RFC 5681 §4.2,
 * up to `delayedAck` ms): the classic Nagle / delayed-ACK stall, seen at
 * the end of every bulk transfer in the loopback benchmark (41 ms).
 */
import { describe, it, expect } from 'vitest';
import { makePair, randomBytes, sha256hex } from './harness.js';

function established(tcp: Record<string, unknown> = {}) {
  const p = makePair({ delay: 10, tcp });
  p.c.start();
  expect(p.vt.runWhile(() => p.client.openedAt >= 0 && p.server.openedAt >= 0, 1000)).toBe(true);
  p.vt.advance(100); // handshake ACKs settled, delayed-ACK timers idle
  return p;
}

describe('tcp Nagle with Minshall’s variant', () => {
  it('sends the short tail of a write at once when no short segment is unacknowledged (no 40 ms delayed-ACK stall)', () => {
    const p = established();
    const mss = p.c.stats().mss as number;
    const data = randomBytes(3 * mss + 100, 3); // three full segments (odd: the third ACK is delayed) and a tail
    const t0 = p.vt.now();
    p.c.write(data);
    const done = p.vt.runWhile(() => p.server.receivedBytes === data.length, 1000);
    expect(done).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(data));
    // One-way delay 10 ms: everything can arrive 10 ms after the write. Waiting for the delayed
    // ACK of the third segment (40 ms) and sending the tail after it takes ~70 ms.
    expect(p.vt.now() - t0).toBeLessThan(20);
    const small = p.wire.log.filter((s) => s.from === 'client' && s.length > 0 && s.length < mss);
    expect(small.length).toBe(1);
  });

  it('still holds a short segment while an earlier short one is unacknowledged (coalescing)', () => {
    const p = established();
    const before = p.wire.log.length;
    for (let i = 0; i < 5; i++) p.c.write(new Uint8Array(10).fill(i));
    const sent = p.wire.log.slice(before).filter((s) => s.from === 'client' && s.length > 0);
    expect(sent.map((s) => s.length)).toEqual([10]);
    expect(p.vt.runWhile(() => p.server.receivedBytes === 50, 1000)).toBe(true);
    const all = p.wire.log.slice(before).filter((s) => s.from === 'client' && s.length > 0);
    expect(all.map((s) => s.length)).toEqual([10, 40]);
  });

  it('with noDelay sends every write at once', () => {
    const p = established({ noDelay: true });
    const before = p.wire.log.length;
    for (let i = 0; i < 3; i++) p.c.write(new Uint8Array(10).fill(i));
    const sent = p.wire.log.slice(before).filter((s) => s.from === 'client' && s.length > 0);
    expect(sent.map((s) => s.length)).toEqual([10, 10, 10]);
  });
});
