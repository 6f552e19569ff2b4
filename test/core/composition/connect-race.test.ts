/**
 * connect() settles whatever happens while its socket is being bound: a
 * stack closed or a signal aborted in that moment rejects the promise and
 * frees the socket. Once connected, the connection is the application's:
 * connect() leaves no 'error' listener of its own behind (an unhandled
 * error is as fatal as on a net.Socket).
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../core/connection/connection.js';
import { whenConnected } from '../../../core/composition/stack-connections.js';
import { createStack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

async function pair(transport: 'tcp' | 'sctp' | 'datagram') {
  const net = new SimNetwork({ seed: 1 });
  net.link('10.0.0.1', '10.0.0.2', { delay: '5ms' });
  const server = await createStack({ transport }, { substrate: net.host('10.0.0.2') });
  await server.listen({ host: '10.0.0.2', port: 6080 });
  const client = await createStack({ transport }, { substrate: net.host('10.0.0.1') });
  return { net, server, client };
}

describe('connect() while its socket is being bound', () => {
  for (const transport of ['tcp', 'sctp', 'datagram'] as const) {
    it(`${transport}: stack.close() rejects it with ERR_STACK_CLOSED and frees the socket`, async () => {
      const { net, server, client } = await pair(transport);
      const attempt = client.connect({ host: '10.0.0.2', port: 6080 });
      const closing = client.close();
      const err = await net.runUntil(attempt.then(() => undefined, (e: unknown) => e));
      expect(err).toMatchObject({ code: 'ERR_STACK_CLOSED' });
      await net.runUntil(closing);
      expect(client.stats()).toMatchObject({ connections: 0, sockets: 0 });
      await net.runUntil(server.close());
    });

    it(`${transport}: an abort rejects it with the signal's reason and leaves nothing open`, async () => {
      const { net, server, client } = await pair(transport);
      const ac = new AbortController();
      const attempt = client.connect({ host: '10.0.0.2', port: 6080, signal: ac.signal });
      ac.abort(new Error('changed my mind'));
      const err = await net.runUntil(attempt.then(() => undefined, (e: unknown) => e));
      expect(err).toMatchObject({ message: 'changed my mind' });
      await net.run({ for: '1s' });
      expect(client.stats()).toMatchObject({ connections: 0, sockets: 0 });
      await net.runUntil(Promise.all([client.close(), server.close()]));
    });
  }

  it('leaves no error listener of its own on the connection once the caller had a turn', async () => {
    const { net, server, client } = await pair('tcp');
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    await new Promise((r) => setImmediate(r));
    expect(conn.listenerCount('error')).toBe(0);
    await net.runUntil(Promise.all([client.close(), server.close()]));
  });

  it('holds an error raised between the connect and the caller\'s first turn (one datagram that connects and aborts), then hands it to the listener the caller adds', async () => {
    const conn = new Duplex({ read() {}, write: (_c, _e, cb: () => void) => cb() }) as unknown as Connection;
    const attempt = whenConnected(conn, undefined);
    // As a datagram handler would: after this callback Node runs the next-tick queue (the
    // 'error' of destroy()) before the promise jobs (the caller's code after `await`).
    setImmediate(() => {
      conn.emit('connect');
      conn.destroy(new Error('aborted by peer'));
    });
    const c = await attempt;
    const err = await new Promise<Error>((resolve) => c.on('error', resolve));
    expect(err.message).toBe('aborted by peer');
  });
});
