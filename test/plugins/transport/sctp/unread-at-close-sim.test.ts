/**
 * The reviewer's scenario on the simulator, through `createStack`: the
 * server writes and ends at once; the client's application reads nothing
 * for a second, then reads. It must get every byte, then `'end'` — on the
 * Duplex, on stream channels and through `'message'` — while the SHUTDOWN
 * exchange itself completes without waiting for it. A reader that never
 * comes back is ended by `stack.close()`.
 */
import { once } from 'node:events';
import { describe, it, expect } from 'vitest';
import type { Duplex } from 'node:stream';
import type { Connection } from '../../../../core/index.js';
import type { MessageInfo } from '../../../../core/contracts/transport.js';
import { simSctp, type SimSctp } from './sim-helpers.js';

const LINK = { bandwidth: '100Mbit', delay: '5ms' } as const;

/** Count what `r` yields once it flows, and whether it ended. */
function reader(r: Duplex): { bytes: number; ended: boolean; start(): void } {
  const st = {
    bytes: 0,
    ended: false,
    start: (): void => {
      r.on('data', (d: Uint8Array) => void (st.bytes += d.length));
      r.resume();
    },
  };
  r.once('end', () => void (st.ended = true));
  return st;
}

/** Wait until the server's connection closed (the wire exchange completed). */
async function serverClosed(s: SimSctp): Promise<number> {
  const t0 = s.net.now;
  if (!s.serverConn.closed) await s.net.runUntil(once(s.serverConn, 'close'), { limit: '10s' });
  return s.net.now - t0;
}

describe('a reader that pauses while the peer ends (simulator)', () => {
  for (const [label, write] of [
    ['one 1 MB write', (c: Connection) => c.end(new Uint8Array(1_000_000).fill(1))],
    [
      '10 kB writes',
      (c: Connection) => {
        for (let k = 0; k < 100; k++) c.write(new Uint8Array(10_000).fill(k));
        c.end();
      },
    ],
  ] as const) {
    for (const clientEndsFirst of [false, true]) {
      it(`gets all 1,000,000 bytes, then 'end' (${label}${clientEndsFirst ? ', client ended first' : ''})`, async () => {
        const s = await simSctp(LINK, 3);
        s.serverConn.resume();
        if (clientEndsFirst) s.conn.end();
        const r = reader(s.conn);
        write(s.serverConn);
        // The SHUTDOWN exchange does not wait for the client's application.
        expect(await serverClosed(s)).toBeLessThan(1000);
        await s.net.run({ for: '1s' });
        expect(r.ended).toBe(false);
        r.start();
        await s.net.run({ for: '1s' });
        expect(r.bytes).toBe(1_000_000);
        expect(r.ended).toBe(true);
        expect(s.conn.errored).toBeNull();
        await s.net.run({ for: '1s' });
        expect(s.conn.closed).toBe(true);
        expect(s.client.stats().connections).toBe(0);
        await s.close();
      });
    }
  }

  it('stream channels and the message API get every message, then end (stream 0, never read, goes to the message API only)', async () => {
    const s = await simSctp(LINK, 4);
    s.serverConn.resume();
    const channels = [s.conn, s.conn.stream(1), s.conn.stream(2)];
    const readers = channels.map(reader);
    const messages = [0, 0, 0];
    s.conn.on('message', (_d: Uint8Array, info: MessageInfo) => void messages[info.stream]++);
    // 900 kB: within the client's 1 MiB receive window, so the server can end without the client reading.
    for (let k = 0; k < 180; k++) s.serverConn.send(new Uint8Array(5000).fill(k & 0xff), { stream: k % 3 });
    s.serverConn.end();
    expect(await serverClosed(s)).toBeLessThan(1000);
    await s.net.run({ for: '1s' });
    expect(messages.reduce((a, b) => a + b)).toBeLessThan(180);
    for (const r of readers) r.start();
    await s.net.run({ for: '1s' });
    expect(messages).toEqual([60, 60, 60]);
    // The channels queued all of theirs. Stream 0's messages went to 'message' events only while
    // the application had not read that stream (Connection: 'message'); those that arrived once
    // it read it were queued there as well.
    expect(readers.slice(1).map((r) => r.bytes)).toEqual([300_000, 300_000]);
    expect(readers[0].bytes % 5000).toBe(0);
    expect(readers[0].bytes).toBeLessThan(300_000);
    expect(readers.map((r) => r.ended)).toEqual([true, true, true]);
    await s.close();
  });

  for (const side of ['client', 'server'] as const) {
    it(`stack.close() ends a connection whose reader never comes back (${side} side)`, async () => {
      const s = await simSctp(LINK, 5);
      const [reading, writing] = side === 'client' ? [s.conn, s.serverConn] : [s.serverConn, s.conn];
      const [stack, other] = side === 'client' ? [s.client, s.server] : [s.server, s.client];
      writing.resume();
      writing.end(new Uint8Array(1_000_000).fill(1));
      if (!writing.closed) await s.net.runUntil(once(writing, 'close'), { limit: '10s' });
      await s.net.run({ for: '5s' });
      // Still open locally: it holds data the application has not read.
      expect(reading.closed).toBe(false);
      expect(stack.stats().connections).toBe(1);
      await stack.close();
      expect(reading.destroyed).toBe(true);
      expect(stack.stats().connections).toBe(0);
      await other.close();
    });
  }

  it('a reset (ABORT) from the peer still discards what was not read and errors at once', async () => {
    const s = await simSctp(LINK, 6);
    const r = reader(s.conn);
    let error: Error | undefined;
    s.conn.on('error', (e) => (error = e));
    s.serverConn.write(new Uint8Array(1_000_000).fill(1));
    await s.net.run({ for: '1s' });
    s.serverConn.destroy();
    await s.net.run({ for: '1s' });
    expect(error?.name).toBe('SctpAbortedError');
    r.start();
    await s.net.run({ for: '1s' });
    expect(r.bytes).toBeLessThan(1_000_000);
    expect(r.ended).toBe(false);
    await s.close();
  });

  // Here the server's stack also closes the DTLS session (close_notify) once its connection is released:
  // the client's core drains the session (resume() with every delivery accepted) before closing it.
  it('under DTLS too, where the peer’s close_notify follows at once', async () => {
    const psk = { identity: 'sctp-test', key: '0102030405060708090a0b0c0d0e0f10' };
    const s = await simSctp(LINK, 7, {}, { use: 'dtls', options: { psk, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'] } });
    s.serverConn.resume();
    const r = reader(s.conn);
    s.serverConn.end(new Uint8Array(1_000_000).fill(1));
    expect(await serverClosed(s)).toBeLessThan(1000);
    await s.net.run({ for: '1s' });
    r.start();
    await s.net.run({ for: '1s' });
    try {
      expect(r.bytes).toBe(1_000_000);
      expect(r.ended).toBe(true);
    } finally {
      await s.close();
    }
  });
});
