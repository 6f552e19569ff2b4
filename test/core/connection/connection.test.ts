import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createStack } from '../../../core/index.js';
import type { Connection } from '../../../core/connection/connection.js';
import { SimNetwork } from '../../../core/sim/index.js';

const SERVER = '10.0.0.2';
const CLIENT = '10.0.0.1';

/** A client connection and the bytes its server receives, on a seeded simulated 10 Mbit/s, 10 ms link. */
async function pair(transport: 'tcp' | 'datagram', options: Record<string, unknown> = {}) {
  const net = new SimNetwork({ seed: 7 });
  net.link(CLIENT, SERVER, { bandwidth: '10Mbit', delay: '10ms' });
  const cfg = { transport: { use: transport, options }, congestion: transport === 'tcp' ? 'reno' : 'none' };
  const serverStack = await createStack(cfg, { substrate: net.host(SERVER) });
  const clientStack = await createStack(cfg, { substrate: net.host(CLIENT) });
  const server = await serverStack.listen({ host: SERVER, port: 6080 });
  const received: Buffer[] = [];
  server.on('connection', (c) => c.on('data', (d: Buffer) => received.push(d)));
  const conn = (await net.runUntil(clientStack.connect({ host: SERVER, port: 6080 }))) as Connection;
  const close = async (): Promise<void> => {
    await clientStack.close();
    await serverStack.close();
    await net.runUntilIdle({ limit: '60s' });
  };
  return { net, conn, received, close };
}

const sha = (parts: readonly Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('Connection.write', () => {
  it('returns false once the session is past its send buffer, sets writableNeedDrain, and emits drain when it has room', async () => {
    const { net, conn, received, close } = await pair('tcp', { sendBuffer: 16 * 1024 });
    const chunk = Buffer.alloc(4096, 1);
    const results: boolean[] = [];
    for (let i = 0; i < 8; i++) results.push(conn.write(chunk));
    expect(results.indexOf(false)).toBeGreaterThan(0);
    expect(conn.writableNeedDrain).toBe(true);
    const drained = once(conn, 'drain');
    await net.runUntil(drained);
    expect(conn.writableNeedDrain).toBe(false);
    await net.run({ for: '2s' });
    expect(Buffer.concat(received).length).toBe(8 * 4096);
    await close();
  });

  it('keeps the byte order when plain writes, writes with callbacks, corked writes and strings are mixed', async () => {
    const { net, conn, received, close } = await pair('tcp', { sendBuffer: 8 * 1024 });
    const sent: Buffer[] = [];
    const callbacks: string[] = [];
    let n = 0;
    const next = (): Buffer => {
      const b = Buffer.alloc(1000 + (n % 7) * 300, n & 0xff);
      n++;
      sent.push(b);
      return b;
    };
    for (let round = 0; round < 20; round++) {
      conn.write(next());
      conn.write(next(), () => callbacks.push(`cb${round}`));
      conn.cork();
      conn.write(next());
      conn.write(next());
      conn.uncork();
      const s = `text ${round};`;
      sent.push(Buffer.from(s));
      conn.write(s);
      if (!conn.write(next())) await net.runUntil(once(conn, 'drain'));
    }
    await net.run({ for: '5s' });
    expect(sha(received)).toBe(sha(sent));
    expect(callbacks).toHaveLength(20);
    expect(conn.stats().bytesWritten).toBe(Buffer.concat(sent).length);
    await close();
  });

  it('reports a write the session refuses as an error event, as the Writable path does', async () => {
    const { net, conn, close } = await pair('datagram');
    const errored = once(conn, 'error');
    // Under the high-water mark (so the direct path takes it) but over the datagram budget.
    expect(() => conn.write(Buffer.alloc(4000))).not.toThrow();
    const [err] = (await net.runUntil(errored)) as [Error & { code?: string }];
    expect(err.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect(conn.destroyed).toBe(true);
    await close();
  });

  it('fails writes after end() with ERR_STREAM_WRITE_AFTER_END', async () => {
    const { net, conn, close } = await pair('tcp');
    conn.end();
    const errored = once(conn, 'error');
    conn.write(Buffer.from('late'));
    const [err] = (await net.runUntil(errored)) as [Error & { code?: string }];
    expect(err.code).toBe('ERR_STREAM_WRITE_AFTER_END');
    await close();
  });
});
