import { describe, it, expect, afterEach } from 'vitest';
import { createStack, type Stack, type Connection } from '../../../core/index.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function echoOver(host: string): Promise<void> {
  const server = await createStack({ encapsulation: 'gue', security: 'none', transport: 'datagram', congestion: 'none' });
  const client = await createStack({ transport: 'datagram' });
  stacks.push(server, client);
  const srv = await server.listen({ host, port: 0 });
  srv.on('connection', (conn: Connection) => conn.pipe(conn));
  const conn = await client.connect({ host, port: srv.address().port });
  const got: string[] = [];
  const done = new Promise<void>((resolve) => {
    conn.on('data', (chunk: Buffer) => {
      got.push(chunk.toString());
      if (got.length === 3) resolve();
    });
  });
  conn.write('one');
  conn.write('two');
  conn.write('three');
  await done;
  expect(got.sort()).toEqual(['one', 'three', 'two']);
  expect(conn.remoteAddress).toBe(host);
  expect(conn.remotePort).toBe(srv.address().port);
  expect(typeof conn.localPort).toBe('number');
  const stats = client.stats() as { datagramsSent: number };
  expect(stats.datagramsSent).toBeGreaterThanOrEqual(3);
}

describe('GUE + datagram over real UDP loopback', () => {
  it('echoes messages over IPv4', async () => {
    await echoOver('127.0.0.1');
  });
  it('echoes messages over IPv6', async () => {
    await echoOver('::1');
  });
});
