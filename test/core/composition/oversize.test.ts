/**
 * The stack's `mtu` is the largest UDP payload it sends, whatever a plugin
 * does: a datagram above it (a transport that ignored `maxDatagramSize`) is
 * dropped and counted, never sent to be fragmented or lost on the path.
 */
import { describe, expect, it } from 'vitest';
import { createStack, definePlugin } from '../../../core/index.js';
import type { SessionInit, TransportContext } from '../../../core/contracts/transport.js';
import { SimNetwork } from '../../../core/sim/index.js';
import { DatagramTransport, datagramOptionsSchema } from '../../../plugins/transport/datagram/index.js';

/** The datagram transport, told its sessions may send 9000-byte datagrams whatever the stack's mtu. */
class OversizedDatagramTransport extends DatagramTransport {
  override createSession(ctx: TransportContext, init: SessionInit) {
    return super.createSession(Object.create(ctx, { maxDatagramSize: { value: 9000 } }) as TransportContext, init);
  }
}

const liar = definePlugin({
  name: 'oversized-datagram',
  layer: 'transport',
  capabilities: ['messages'],
  options: datagramOptionsSchema,
  create: (o) => new OversizedDatagramTransport(o),
});

describe('stack mtu', () => {
  it('drops and counts a datagram larger than the mtu, and sends the others', async () => {
    const net = new SimNetwork({ seed: 1 });
    const link = net.link('10.0.0.1', '10.0.0.2', { delay: '1ms' });
    const server = await createStack({ transport: 'datagram' }, { substrate: net.host('10.0.0.2') });
    const client = await createStack({ transport: liar, mtu: 1400 }, { substrate: net.host('10.0.0.1') });
    const got: number[] = [];
    (await server.listen({ host: '10.0.0.2' })).on('connection', (c) => c.on('data', (d: Buffer) => got.push(d.length)));
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    conn.write(new Uint8Array(3000)); // 3004 bytes with the GUE header
    conn.write(new Uint8Array(1396)); // exactly 1400
    await net.run({ for: '100ms' });
    expect(got).toEqual([1396]);
    expect(client.stats().drops).toMatchObject({ oversize_datagram: 1 });
    expect(link.ab.stats().sent).toBe(1);
    await net.runUntil(Promise.all([client.close(), server.close()]));
  });
});
