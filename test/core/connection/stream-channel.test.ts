/**
 * A stream of a multi-stream connection (`conn.stream(id)`) as its own
 * Duplex. Flow control is per association: when a stream's reader stops,
 * the session stops delivering; when it reads again, the session must
 * resume. Simulated network, virtual time.
 */
import { describe, expect, it } from 'vitest';
import { createStack, type Connection } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

describe('a stream channel', () => {
  it('resumes the association when its reader, paused until its buffer filled, reads again: every byte arrives', async () => {
    const net = new SimNetwork({ seed: 1 });
    net.link('10.0.0.1', '10.0.0.2', { bandwidth: '50Mbit', delay: '10ms' });
    const cfg = { transport: 'sctp' } as const;
    const server = await createStack(cfg, { substrate: net.host('10.0.0.2') });
    const client = await createStack(cfg, { substrate: net.host('10.0.0.1') });
    let received = 0;
    let channel: ReturnType<Connection['stream']> | undefined;
    (await server.listen({ host: '10.0.0.2', port: 5000 })).on('connection', (c) => {
      channel = c.stream(1);
      channel.pause();
      channel.on('data', (d: Buffer) => (received += d.length));
    });
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 5000 }));
    const out = conn.stream(1);
    const total = 2_000_000;
    const data = Buffer.alloc(total, 1);
    let offset = 0;
    const pump = (): void => {
      while (offset < total) {
        const ok = out.write(data.subarray(offset, offset + 16384));
        offset += 16384;
        if (!ok) {
          out.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await net.run({ for: '2s' });
    expect(received).toBe(0); // paused: the association's window filled and stopped the sender
    channel?.resume();
    await net.run({ for: '30s' });
    expect(received).toBe(total);
    await client.close();
    await server.close();
    await net.runUntilIdle({ limit: '10s' });
  });
});
