/**
 * Reopening a closed receive window (RFC 9260 §6.1, §6.2): the receiver
 * sends a window-update SACK once the application read enough (the
 * receiver side of silly window avoidance, RFC 1122 §4.2.3.3), and the
 * sender resends the zero window probe the receiver dropped as soon as it
 * hears of room, without the cwnd collapse of a real timeout. Recovery
 * after a pause takes a round trip, not the backed-off T3-rtx timer.
 */
import { describe, it, expect } from 'vitest';
import type { Connection } from '../../../../core/index.js';
import { SctpPair, chunksOf } from './harness.js';
import { pumpWrites, simSctp } from './sim-helpers.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';

/** SACKs the server put on the wire so far. */
const sacks = (pair: SctpPair): number => pair.wire.s2c.filter((p) => chunksOf(p).some((c) => c.type === ChunkType.SACK)).length;
/** a_rwnd of the last SACK the server sent. */
const lastArwnd = (pair: SctpPair): number => {
  const p = pair.wire.s2c.filter((q) => chunksOf(q).some((c) => c.type === ChunkType.SACK)).at(-1) as Uint8Array;
  return Buffer.from(chunksOf(p).find((c) => c.type === ChunkType.SACK)!.value).readUInt32BE(4);
};

/** A server whose application stopped reading, and a client that filled its window. */
function closedWindow(): SctpPair {
  const pair = new SctpPair({ server: { receiveWindow: 16_000, maxMessageSize: 16_000 }, client: { heartbeatInterval: 0 } }).connect();
  pair.serverLog.accept = false;
  for (let i = 0; i < 100; i++) pair.client.sendMessage!(new Uint8Array(1000).fill(i), { stream: 0 });
  pair.time.run(pair.time.now() + 10_000);
  return pair;
}

describe('window-update SACK (RFC 9260 §6.2)', () => {
  it('goes out at once when a read opens a closed window by one MTU, and not for smaller reads', () => {
    const pair = closedWindow();
    expect(lastArwnd(pair)).toBeLessThan(1200); // the peer heard of less than one packet (MTU 1200)
    const before = sacks(pair);
    // Each resume() with deliver() returning false hands over one 1000-byte message, as a paused Readable would.
    pair.server!.resume();
    expect(sacks(pair)).toBe(before); // 1000 bytes more: less than one MTU, no SACK yet (silly window avoidance)
    pair.server!.resume();
    expect(sacks(pair)).toBe(before + 1); // 2000 bytes more: the SACK goes out within the same instant
    expect(lastArwnd(pair)).toBeGreaterThanOrEqual(2000);
    pair.server!.resume();
    pair.server!.resume();
    expect(sacks(pair)).toBe(before + 1); // the peer knows of room for a packet already: no more updates
  });

  it('is never sent for a window that did not close, however often the application reads', () => {
    const run = (readOften: boolean): { sacks: number; dataPackets: number; delivered: number } => {
      const pair = new SctpPair().connect();
      const t0 = pair.time.now();
      if (readOften) {
        // One message per read, a read every 2 ms: the 1 MiB window never gets below 700 KB.
        pair.serverLog.accept = false;
        for (let t = 2; t <= 2000; t += 2) pair.time.at(t0 + t, () => pair.server!.resume());
      }
      for (let i = 0; i < 300; i++) pair.client.sendMessage!(new Uint8Array(1000).fill(i), { stream: 0 });
      pair.time.run(t0 + 3000);
      const dataPackets = pair.wire.c2s.filter((p) => chunksOf(p).some((c) => c.type === ChunkType.DATA)).length;
      return { sacks: sacks(pair), dataPackets, delivered: pair.serverLog.messages.length };
    };
    const quiet = run(false);
    const reading = run(true);
    expect(reading.delivered).toBe(300);
    expect(reading.sacks).toBe(quiet.sacks);
    // One SACK per two DATA packets (§6.2), plus the handshake-free tail: no storm.
    expect(reading.sacks).toBeLessThanOrEqual(Math.ceil(reading.dataPackets / 2) + 1);
  });
});

describe('zero window probe recovery (RFC 9260 §6.1)', () => {
  it('resends the dropped probe as soon as a SACK advertises room: new data arrives one RTT after the read', () => {
    const pair = closedWindow();
    const c = pair.client.stats();
    expect(c.t3Expirations as number).toBeGreaterThan(2); // probing, with T3-rtx backed off (§6.3.3)
    // A lone probe the receiver dropped for want of window is no congestion signal: cwnd stays as it was.
    expect(c.cwnd as number).toBeGreaterThan(1200);
    const delivered = pair.serverLog.messages.length;
    const t = pair.time.now();
    pair.serverLog.accept = true;
    pair.server!.resume();
    pair.time.run(t + 100);
    const next = pair.serverLog.messages[pair.serverLog.messages.findIndex((m) => m.at > t)];
    expect(pair.serverLog.messages.length).toBeGreaterThan(delivered);
    expect(next.at - t).toBeLessThanOrEqual(20); // the SACK's 10 ms out, the probe's 10 ms back
    pair.time.run(t + 5000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('recovery after the application paused (on the simulator)', () => {
  for (const pause of [5_000, 20_000]) {
    it(`brings new data about one round trip after reading resumes, after a ${pause / 1000} s pause as after a short one`, async () => {
      // 50 Mbit/s, 20 ms RTT; 16 KiB writes; the reader pauses until the 1 MiB window is closed.
      const s = await simSctp({ bandwidth: '50Mbit', delay: '10ms' }, 1);
      const server = s.serverConn as Connection & { session: { stats(): Record<string, unknown> } };
      server.pause();
      let received = 0;
      server.on('data', (d: Uint8Array) => void (received += d.length));
      const total = 4 * 1024 * 1024;
      const chunk = new Uint8Array(16 * 1024).fill(5);
      pumpWrites(s.conn, chunk, total);
      await s.net.run({ for: pause });
      expect(server.session.stats().rwnd).toBe(0);
      // Everything received so far: read, in the Readable's buffer, or in the association's (its whole 1 MiB window).
      const held = received + server.readableLength + 1024 * 1024;
      const resumedAt = s.net.now;
      server.resume();
      let firstNewAt = -1;
      for (let step = 0; step < 200 && firstNewAt < 0; step++) {
        await s.net.run({ for: 1 });
        if (received > held) firstNewAt = s.net.now;
      }
      expect(firstNewAt - resumedAt).toBeGreaterThan(0);
      // 43 ms: 1 RTT, and 16 KiB at 50 Mbit/s. Without the window update and probe recovery: 3.0 s after 5 s, 12.0 s after 20 s.
      expect(firstNewAt - resumedAt).toBeLessThan(60);
      await s.net.run({ for: '10s' });
      expect(received).toBe(total);
      await s.close();
    });
  }
});
