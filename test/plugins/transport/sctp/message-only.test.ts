/**
 * An application that reads messages only through the 'message' event (as
 * the sctp README shows) and never reads the stream: every message arrives,
 * and the connection closes when the peer ends, instead of stalling once an
 * unread stream buffer fills.
 */
import { describe, expect, it } from 'vitest';
import { simSctp } from './sim-helpers.js';

describe("sctp: a reader of 'message' events only", () => {
  it('gets all 100 messages of a peer that then ends, and the connection closes', async () => {
    const s = await simSctp({ bandwidth: '100Mbit', delay: '5ms' }, 3);
    s.serverConn.resume();
    const got: number[] = [];
    s.conn.on('message', (d: Uint8Array) => got.push(d[0]));
    for (let k = 0; k < 100; k++) s.serverConn.send(new Uint8Array(1000).fill(k), { stream: 0 });
    s.serverConn.end();
    await s.net.run({ for: '5s' });
    expect(got).toEqual([...Array(100).keys()]);
    expect(s.client.stats().connections).toBe(0);
    await s.close();
  });

  it('still queues messages in the stream once the application reads it', async () => {
    const s = await simSctp({ bandwidth: '100Mbit', delay: '5ms' }, 3);
    s.serverConn.resume();
    let events = 0;
    let bytes = 0;
    s.conn.on('message', () => events++);
    s.conn.on('data', (d: Buffer) => (bytes += d.length));
    for (let k = 0; k < 10; k++) s.serverConn.send(new Uint8Array(1000), { stream: 0 });
    await s.net.run({ for: '1s' });
    expect(events).toBe(10);
    expect(bytes).toBe(10_000);
    await s.close();
  });
});
