import { describe, it, expect } from 'vitest';
import { simPair } from '../../../../core/testing/index.js';
import type { Connection, MessageInfo } from '../../../../core/index.js';

describe('datagram transport', () => {
  it('one write is one datagram and arrives as one data chunk and one message', async () => {
    const p = await simPair({ transport: 'datagram' });
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const chunks: Buffer[] = [];
    const infos: MessageInfo[] = [];
    srv.on('connection', (c) => {
      c.on('data', (d: Buffer) => chunks.push(d));
      c.on('message', (_d: Uint8Array, info: MessageInfo) => infos.push(info));
    });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    conn.write(Buffer.alloc(1000, 1));
    conn.write(Buffer.alloc(1, 2));
    conn.write(Buffer.alloc(1396, 3));
    await p.net.run({ for: '1s' });
    expect(chunks.map((c) => c.length)).toEqual([1000, 1, 1396]);
    expect(infos).toHaveLength(3);
    expect(infos[0]).toEqual({ stream: 0, ppid: 0, unordered: true });
    const sent = p.net.stats().links['10.0.0.1>10.0.0.2'];
    expect(sent.delivered).toBe(3);
    await p.close();
  });

  it('keeps echoing across a NAT rebinding of the client (the server sees a new peer)', async () => {
    const p = await simPair({ transport: { use: 'datagram', options: { idleTimeout: 5000 } } });
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const peers: string[] = [];
    srv.on('connection', (c: Connection) => {
      peers.push(`${c.remoteAddress}:${c.remotePort}`);
      c.pipe(c);
    });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    const echoed: string[] = [];
    conn.on('data', (d: Buffer) => echoed.push(d.toString()));
    conn.write('before');
    await p.net.run({ for: '1s' });
    p.net.rebind('10.0.0.1', { port: 40000 });
    conn.write('after');
    await p.net.run({ for: '1s' });
    expect(echoed).toEqual(['before', 'after']);
    expect(peers).toHaveLength(2);
    expect(peers[1]).toBe('10.0.0.1:40000');
    expect(srv.connections).toBe(2);
    await p.net.run({ for: '10s' }); // the old mapping's state times out; the new one too (no traffic)
    expect(srv.connections).toBe(0);
    expect((p.server.stats() as { peers: number }).peers).toBe(0);
    await p.close();
  });

  it('drops a peer between idleTimeout and 1.25 × idleTimeout after its last datagram, never while traffic flows', async () => {
    const p = await simPair({ transport: { use: 'datagram', options: { idleTimeout: 4000 } } });
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    srv.on('connection', (c: Connection) => c.resume());
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    // One datagram every 3.9 s for 20 s: each gap is below the timeout, so the state stays.
    for (let i = 0; i < 5; i++) {
      conn.write('tick');
      await p.net.run({ for: '3900ms' });
      expect(srv.connections).toBe(1);
    }
    conn.write('last');
    await p.net.run({ for: '3990ms' });
    expect(srv.connections).toBe(1);
    await p.net.run({ for: '1020ms' }); // 5.01 s after the last datagram
    expect(srv.connections).toBe(0);
    await p.close();
  });

  it('caps the number of peers a listener keeps state for', async () => {
    const p = await simPair({ transport: { use: 'datagram', options: { maxPeers: 2 } } });
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    srv.on('connection', (c) => c.resume());
    for (let i = 0; i < 4; i++) {
      const c = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
      c.write('hi');
    }
    await p.net.run({ for: '1s' });
    expect(srv.connections).toBe(2);
    expect((p.server.stats() as { drops: Record<string, number> }).drops.peer_limit).toBe(2);
    await p.close();
  });

  it('end() closes the local session (no half-close in a datagram transport)', async () => {
    const p = await simPair({ transport: 'datagram' });
    await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    conn.resume();
    conn.end();
    await p.net.run({ for: '100ms' });
    expect(conn.destroyed).toBe(true);
    expect((p.client.stats() as { connections: number }).connections).toBe(0);
    await p.close();
  });
});

describe('listen() on a simulated host', () => {
  it('binds the host address when no host is given', async () => {
    const p = await simPair({ transport: 'datagram' });
    const srv = await p.server.listen({ port: 6080 });
    expect(srv.address()).toEqual({ address: '10.0.0.2', family: 'IPv4', port: 6080 });
    await p.close();
  });
});
