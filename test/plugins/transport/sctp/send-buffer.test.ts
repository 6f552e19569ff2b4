/**
 * The send buffer must not starve a window-limited sender: `sendBufferSize`
 * bounds the bytes waiting to be sent, not the bytes in flight, so with the
 * send buffer as large as the peer's receive window the whole window stays
 * in flight (RFC 9260 §6.1 rule A: the sender may have up to the peer's
 * rwnd outstanding).
 */
import { describe, it, expect } from 'vitest';
import { pumpWrites, simSctp } from './sim-helpers.js';

const MIB = 1024 * 1024;

describe('sctp send buffer versus the receive window (on the simulator)', () => {
  it('keeps a full 1 MiB receive window in flight with a 1 MiB send buffer on a path whose BDP is larger', async () => {
    // 1 Gbit/s, 40 ms RTT: BDP 5 MB, so the 1 MiB a_rwnd is the limit: at best 1 MiB per RTT.
    const s = await simSctp({ bandwidth: '1Gbit', delay: '20ms' }, 5, { receiveWindow: MIB, sendBufferSize: MIB });
    const total = 24 * MIB;
    const chunk = new Uint8Array(16 * 1024).fill(7);
    let received = 0;
    let tStart = -1;
    let tEnd = -1;
    s.serverConn.on('data', (d: Uint8Array) => {
      received += d.length;
      if (tStart < 0 && received >= 8 * MIB) tStart = s.net.now; // past slow start
      if (tEnd < 0 && received >= total) tEnd = s.net.now;
    });
    pumpWrites(s.conn, chunk, total);
    await s.net.run({ for: '10s' });
    expect(received).toBe(total);
    const rate = (16 * MIB) / ((tEnd - tStart) / 1000); // bytes per second after slow start
    const windowRate = MIB / 0.04;
    // With the in-flight data counted against the send buffer, the window half-emptied before
    // the application was asked for more: about 70 % of this.
    expect(rate).toBeGreaterThan(0.9 * windowRate);
    await s.close();
  });
});
