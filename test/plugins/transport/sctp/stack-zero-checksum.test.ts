/**
 * In a real stack, the `sctp` plugin learns from the stack's security layer
 * whether DTLS protects it: zero checksums (RFC 9653) are used inside DTLS
 * and never over plain GUE.
 */
import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import type { Connection } from '../../../../core/connection/connection.js';
import type { StackConfig } from '../../../../core/composition/config.js';
import { simPair } from '../../../../core/testing/transport.js';
import sctp from '../../../../plugins/transport/sctp/index.js';
import reno from '../../../../plugins/congestion/reno/index.js';

const psk = { identity: 'zero-checksum', key: '00112233445566778899aabbccddeeff' };

async function run(config: StackConfig): Promise<{ client: Record<string, unknown>; server: Record<string, unknown>; exact: boolean }> {
  const p = await simPair(config, { stackOptions: { plugins: [sctp, reno] }, link: { bandwidth: '50Mbit', delay: '5ms', loss: 0.02 } });
  try {
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const h = createHash('sha256');
    let n = 0;
    let server: Connection | undefined;
    srv.on('connection', (c: Connection) => {
      server = c;
      c.on('data', (d: Buffer) => {
        h.update(d);
        n += d.length;
      });
    });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit: 60_000 });
    const data = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    conn.write(data);
    await p.net.run({ for: '5s' });
    const exact = n === data.length && h.digest('hex') === createHash('sha256').update(data).digest('hex');
    const t = (c: Connection | undefined): Record<string, unknown> => (c?.stats().transport ?? {}) as Record<string, unknown>;
    return { client: t(conn), server: t(server), exact };
  } finally {
    await p.close();
  }
}

describe('sctp zero checksum in a stack (RFC 9653)', () => {
  it('is used both ways inside DTLS, and the transfer is exact under loss', async () => {
    const r = await run({ encapsulation: 'gue', security: { use: 'dtls', options: { psk } }, transport: 'sctp', congestion: 'reno' });
    expect(r.exact).toBe(true);
    expect(r.client.zeroChecksum).toBe(true);
    expect(r.server.zeroChecksum).toBe(true);
  });

  it('is not used inside DTLS when the option zeroChecksum is false', async () => {
    const r = await run({
      encapsulation: 'gue',
      security: { use: 'dtls', options: { psk } },
      transport: { use: 'sctp', options: { zeroChecksum: false } },
      congestion: 'reno',
    });
    expect(r.exact).toBe(true);
    expect(r.client.zeroChecksum).toBe(false);
    expect(r.server.zeroChecksum).toBe(false);
  });

  it('is not used over plain GUE', async () => {
    const r = await run({ encapsulation: 'gue', security: 'none', transport: 'sctp', congestion: 'reno' });
    expect(r.exact).toBe(true);
    expect(r.client.zeroChecksum).toBe(false);
    expect(r.server.zeroChecksum).toBe(false);
  });
});
