/**
 * `stack.connect({ host })` with a host name: the name is resolved once,
 * before the socket is bound, and everything after (the peer table, tcp's
 * pseudo-header checksum, `conn.remoteAddress`) uses the address. Real UDP
 * on loopback.
 */
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createStack, type Connection, type Stack } from '../../../core/index.js';
import { UdpSubstrate } from '../../../plugins/substrate/udp/index.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

/** Listen where `localhost` points, connect by the name, and echo one message. */
async function echoByName(transport: 'datagram' | 'tcp' | 'sctp'): Promise<{ conn: Connection; address: string }> {
  const { address } = await lookup('localhost');
  const server = await createStack({ transport });
  const client = await createStack({ transport });
  stacks.push(server, client);
  const srv = await server.listen({ host: address, port: 0 });
  srv.on('connection', (c: Connection) => {
    c.on('error', () => {});
    c.on('data', (d: Buffer) => c.write(d));
  });
  const conn = await client.connect({ host: 'localhost', port: srv.address().port });
  conn.on('error', () => {});
  conn.write(Buffer.from('ping'));
  const [reply] = (await once(conn, 'data')) as [Buffer];
  expect(reply.toString()).toBe('ping');
  return { conn, address };
}

describe('connecting by host name', () => {
  it.each(['datagram', 'tcp', 'sctp'] as const)('%s: resolves "localhost" once and talks to the address it names', async (transport) => {
    const { conn, address } = await echoByName(transport);
    expect(conn.remoteAddress).toBe(address);
  });

  it('fails with a typed error naming the host when the name does not resolve', async () => {
    const client = await createStack({ transport: 'datagram' });
    stacks.push(client);
    // RFC 6761: names under .invalid never resolve.
    const err = await client.connect({ host: 'no-such-host.invalid', port: 9 }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(err?.code).toMatch(/^ERR_SOCKET_E/);
    expect(err?.message).toContain('cannot resolve host "no-such-host.invalid"');
  });

  it('leaves an address unchanged', async () => {
    const udp = new UdpSubstrate();
    await expect(udp.resolve('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(udp.resolve('::1')).resolves.toBe('::1');
  });
});

describe('connect() port checks', () => {
  it.each([0, 70000, 1.5, -1])('rejects port %s before any socket is bound, naming the path', async (port) => {
    const client = await createStack({ transport: 'datagram' });
    stacks.push(client);
    await expect(client.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      path: 'port',
      message: `port: expected an integer ≥ 1 and ≤ 65535, got ${port}`,
    });
  });

  it("reports Node's own error code once, with the address it tried to reach", async () => {
    const udp = new UdpSubstrate();
    await expect(udp.bind({ host: '0.0.0.0', port: 0, connect: { address: '127.0.0.1', family: 'IPv4', port: 70000 } })).rejects.toMatchObject({
      code: 'ERR_SOCKET_BAD_PORT',
      message: expect.stringContaining('cannot connect UDP socket to 127.0.0.1:70000'),
    });
  });
});
