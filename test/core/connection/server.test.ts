/**
 * The server owns a connection until it hands it over with `'connection'`:
 * a handshake that fails before then is counted, never thrown at the
 * application (a remote peer must not crash the process), and closing the
 * server aborts what it has not handed over. Simulated network, virtual time.
 */
import { describe, expect, it } from 'vitest';
import { createStack, type Connection, type Stack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

/** A client and a tcp server on a 10 ms link; `dropToServer` decides which client→server datagrams are lost (numbered from 1). */
async function setup(dropToServer: (n: number) => boolean): Promise<{ net: SimNetwork; server: Stack; client: Stack }> {
  const net = new SimNetwork({ seed: 7 });
  net.link('10.0.0.1', '10.0.0.2', { delay: '10ms', ab: { dropScript: (n) => dropToServer(n) } });
  const cfg = { transport: { use: 'tcp', options: { synRetries: 2 } } } as const;
  const server = await createStack(cfg, { substrate: net.host('10.0.0.2') });
  const client = await createStack(cfg, { substrate: net.host('10.0.0.1') });
  return { net, server, client };
}

const drops = (s: Stack): Record<string, number> => (s.stats() as { drops: Record<string, number> }).drops;

/** Connect to the server; resolves with the connection (its errors ignored) or undefined if the attempt failed. */
function connectQuietly(client: Stack): Promise<Connection | undefined> {
  return client.connect({ host: '10.0.0.2', port: 6080 }).then(
    (c) => {
      c.on('error', () => {});
      return c;
    },
    () => undefined,
  );
}

describe('a server before it hands a connection over', () => {
  it('counts a handshake that never completes (the SYN-ACK is never acknowledged) instead of throwing an unhandled error', async () => {
    // The client's SYN arrives; everything after it (its ACKs, its retransmissions) is lost.
    const { net, server, client } = await setup((n) => n > 1);
    const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
    const accepted: Connection[] = [];
    srv.on('connection', (c) => accepted.push(c));
    const attempt = connectQuietly(client);
    // Long enough for the server's SYN-ACK retries to run out (synRetries: 2).
    await net.run({ for: '60s' });
    expect(accepted).toEqual([]);
    expect(drops(server).connection_failed_before_accept).toBe(1);
    expect(srv.connections).toBe(0);
    await client.close();
    await server.close();
    await attempt;
    await net.runUntilIdle({ limit: '10s' });
  });

  it('aborts the connections it has not handed over when it closes', async () => {
    // The client's first ACK (its second datagram) is lost, so the server is still in SYN-RECEIVED when it closes.
    const { net, server, client } = await setup((n) => n === 2);
    const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
    const accepted: Connection[] = [];
    srv.on('connection', (c) => accepted.push(c));
    const attempt = connectQuietly(client);
    await net.run({ for: '25ms' }); // the SYN arrived, the SYN-ACK went out, the ACK is lost
    expect(srv.connections).toBe(1);
    await srv.close();
    await net.run({ for: '10s' });
    expect(accepted).toEqual([]);
    expect(srv.connections).toBe(0);
    expect((server.stats() as { connections: number }).connections).toBe(0);
    // The client learns of it (an RST answers it), rather than holding a connection that goes nowhere.
    const conn = await attempt;
    expect(conn === undefined || conn.destroyed).toBe(true);
    await client.close();
    await server.close();
    await net.runUntilIdle({ limit: '10s' });
  });

  it('ends the secure sessions that carry no connection yet when it closes, so their clients learn of it (DTLS + datagram)', async () => {
    const net = new SimNetwork({ seed: 3 });
    net.link('10.0.0.1', '10.0.0.2', { delay: '10ms' });
    const cfg = { security: { use: 'dtls', options: { psk: { identity: 'close', key: '000102030405060708090a0b0c0d0e0f' } } }, transport: 'datagram' } as const;
    const server = await createStack(cfg, { substrate: net.host('10.0.0.2') });
    const client = await createStack(cfg, { substrate: net.host('10.0.0.1') });
    const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
    // The DTLS handshake completes, so connect() resolves; the server has no connection until the first datagram.
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    let ended = false;
    conn.on('end', () => (ended = true));
    conn.resume();
    expect((server.stats() as { peers: number }).peers).toBe(1);
    await srv.close();
    await net.run({ for: '1s' });
    expect((server.stats() as { peers: number }).peers).toBe(0);
    // close_notify reached the client: its connection ended, like a tcp connection after the peer's FIN.
    expect(ended).toBe(true);
    expect((client.stats() as { peers: number }).peers).toBe(0);
    await client.close();
    await server.close();
    await net.runUntilIdle({ limit: '10s' });
  });
});
