/**
 * cwnd grows only while it limits the sender. A flow held back by the
 * peer's receive window (or by the application) sends less than cwnd
 * allows, so its ACKs say nothing about whether the path could take more:
 * RFC 9438 §5.8 (CUBIC does not grow cwnd when the flow is limited by the
 * application or by the receiver's advertised window), RFC 7661 (cwnd
 * validation). Before this rule a receive-window-limited bulk transfer
 * grew cwnd by every ACK without bound (hundreds of MB on loopback).
 */
import { describe, it, expect } from 'vitest';
import type { CongestionControllerFactory } from '../../../../core/contracts/congestion.js';
import { cubicFactory } from '../../../../plugins/congestion/cubic/index.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';

const RWND = 64 * 1024;

/**
 * 4 MB over 80 Mbit/s with a 20 ms RTT (BDP 200 kB) to a receiver that
 * offers at most 64 KiB: the receive window, not cwnd, limits the flow.
 */
function rwndLimited(cc: CongestionControllerFactory, receiveBuffer = RWND) {
  const p = makePair({ delay: 10, rate: 10_000, cc, server: { receiveBuffer } });
  p.wire.logging = false;
  p.client.keepChunks = false;
  p.server.keepChunks = false;
  p.c.start();
  const a = randomBytes(4_000_000, 11);
  pump(p, 'client', a);
  let maxCwnd = 0;
  let maxFlight = 0;
  const probe = p.vt.createTimer(() => {
    const st = p.c.stats();
    maxCwnd = Math.max(maxCwnd, st.cwnd as number);
    maxFlight = Math.max(maxFlight, st.bytesInFlight as number);
    if (p.server.remoteEndedAt < 0) probe.arm(p.vt.now() + 1);
  });
  probe.arm(p.vt.now() + 1);
  const ok = p.vt.runWhile(() => p.server.remoteEndedAt >= 0, 120_000);
  const st = p.c.stats();
  return { ok, exact: p.server.digest() === sha256hex(a), maxCwnd, maxFlight, mss: st.mss as number, retransmissions: st.retransmissions as number };
}

describe('tcp cwnd validation (RFC 9438 §5.8, RFC 7661)', () => {
  for (const [name, cc] of [
    ['reno', renoFactory()],
    ['cubic', cubicFactory()],
  ] as const) {
    it(`${name}: a receive-window-limited flow does not grow cwnd beyond what it uses`, () => {
      const r = rwndLimited(cc);
      expect(r.ok).toBe(true);
      expect(r.exact).toBe(true);
      expect(r.retransmissions).toBe(0);
      // The window was filled: the flow was receive-window limited, not idle.
      expect(r.maxFlight).toBeGreaterThan(RWND - 2 * r.mss);
      // cwnd stops within a few segments of the flight the window allows (without the rule:
      // ~4 MB, one MSS per ACKed MSS in slow start for the whole transfer).
      expect(r.maxCwnd).toBeLessThanOrEqual(RWND + 4 * r.mss);
    });
  }

  it('a cwnd-limited flow still grows: with a large receive window cwnd passes the 64 KiB mark', () => {
    const r = rwndLimited(renoFactory(), 4 << 20);
    expect(r.ok).toBe(true);
    expect(r.exact).toBe(true);
    expect(r.maxCwnd).toBeGreaterThan(4 * RWND);
  });
});
