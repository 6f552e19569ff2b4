/**
 * The send buffer must not starve a window-limited sender: `sendBuffer`
 * bounds the bytes waiting to be sent, not the bytes in flight, so with the
 * send buffer as large as the peer's receive window the whole window stays
 * in flight (RFC 9293 §3.8.6: the sender may have up to SND.WND
 * unacknowledged).
 */
import { describe, it, expect } from 'vitest';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';

const MIB = 1024 * 1024;

describe('tcp send buffer versus the receive window', () => {
  it('keeps a full 1 MiB receive window in flight with a 1 MiB send buffer on a path whose BDP is larger', () => {
    // 125,000 bytes/ms (1 Gbit/s), 20 ms one way: BDP 5 MB, so the peer's 1 MiB window is the limit.
    const p = makePair({ delay: 20, rate: 125_000, tcp: { receiveBuffer: MIB, sendBuffer: MIB } });
    p.c.start();
    expect(p.vt.runWhile(() => p.client.openedAt >= 0 && p.server.openedAt >= 0, 1000)).toBe(true);
    const data = randomBytes(24 * MIB, 5);
    pump(p, 'client', data, true, 16 * 1024);
    let tStart = -1;
    const done = p.vt.runWhile(() => {
      if (tStart < 0 && p.server.receivedBytes >= 8 * MIB) tStart = p.vt.now(); // past slow start
      return p.server.receivedBytes === data.length;
    }, 20_000);
    expect(done).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(data));
    const rate = (16 * MIB) / ((p.vt.now() - tStart) / 1000);
    const windowRate = MIB / 0.04;
    // Counting data in flight against the send buffer, the queue ran dry whenever the window
    // was full and refilled only as ACKs freed space: about 93 % of this.
    expect(rate).toBeGreaterThan(0.97 * windowRate);
  });
});
