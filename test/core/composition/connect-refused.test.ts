/**
 * Connecting to a UDP port nobody listens on, over real loopback: the
 * kernel answers the first datagram with an ICMP port unreachable, which the
 * client's connected socket reports as `ECONNREFUSED`. A connection still in
 * its handshake fails at once with `ERR_CONNECTION_REFUSED` (as kernel TCP
 * does in SYN-SENT) instead of retrying until its handshake timeout; a
 * datagram "connection" has no handshake, so it stays open and the error is
 * counted.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createStack, type Connection, type Stack, type StackConfig } from '../../../core/index.js';
import type { Substrate, SubstrateSocket } from '../../../core/contracts/substrate.js';
import { UdpSubstrate } from '../../../plugins/substrate/udp/index.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

/** A loopback UDP port that was free a moment ago (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

/**
 * Write `text` every 10 ms (at most 100 times) until the client's stack has counted an
 * `ECONNREFUSED`: the refusal arrives as a socket error event after a send. Returns the count.
 */
async function refusalsAfterWrites(client: Stack, conn: Connection, text: string): Promise<number | undefined> {
  const refused = (): number | undefined => (client.stats() as { socketErrors: Record<string, number> }).socketErrors.ECONNREFUSED;
  for (let i = 0; i < 100 && refused() === undefined; i++) {
    conn.write(Buffer.from(text));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return refused();
}

const psk = { identity: 'refused', key: '000102030405060708090a0b0c0d0e0f' };

describe('connecting to a port nobody listens on', () => {
  it.each<[string, StackConfig]>([
    ['tcp', { transport: 'tcp' }],
    ['sctp', { transport: 'sctp' }],
    ['DTLS + tcp', { security: { use: 'dtls', options: { psk } }, transport: 'tcp' }],
  ])('%s: connect() fails with ERR_CONNECTION_REFUSED instead of waiting for its handshake timeout', async (_name, config) => {
    const client = await createStack(config);
    stacks.push(client);
    const port = await closedPort();
    const started = performance.now();
    await expect(client.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'ERR_CONNECTION_REFUSED',
      message: `connection refused by 127.0.0.1:${port}: nothing listens there (ICMP port unreachable)`,
    });
    // Far below any handshake timeout (tcp's SYN retries take minutes): the refusal ended it.
    expect(performance.now() - started).toBeLessThan(3000);
    const stats = client.stats() as { connections: number; peers: number; socketErrors: Record<string, number> };
    expect(stats.socketErrors.ECONNREFUSED).toBeGreaterThanOrEqual(1);
    expect(stats.connections).toBe(0);
    expect(stats.peers).toBe(0);
  });

  it('datagram: the connection stays open and the refusal is counted', async () => {
    const client = await createStack({ transport: 'datagram' });
    stacks.push(client);
    const conn = await client.connect({ host: '127.0.0.1', port: await closedPort() });
    expect(await refusalsAfterWrites(client, conn, 'anyone?')).toBeGreaterThanOrEqual(1);
    expect(conn.destroyed).toBe(false);
  });

  it('an established connection only counts a later refusal', async () => {
    // The server's UDP socket is closed under it (no RST, no ABORT): the client's next segment is refused.
    const sockets: SubstrateSocket[] = [];
    const udp = new UdpSubstrate();
    const substrate: Substrate = { kind: 'udp', bind: async (o) => { const s = await udp.bind(o); sockets.push(s); return s; } };
    const server = await createStack({ transport: 'tcp' }, { substrate });
    const client = await createStack({ transport: 'tcp' });
    stacks.push(server, client);
    const srv = await server.listen({ host: '127.0.0.1', port: 0 });
    srv.on('connection', (c) => c.on('error', () => {}));
    const conn = await client.connect({ host: '127.0.0.1', port: srv.address().port });
    conn.on('error', () => {});
    await Promise.all(sockets.map((s) => s.close()));
    expect(await refusalsAfterWrites(client, conn, 'still there?')).toBeGreaterThanOrEqual(1);
    expect(conn.destroyed).toBe(false);
  });
});
