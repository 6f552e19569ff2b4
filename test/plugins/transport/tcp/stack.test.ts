import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { simPair } from '../../../../core/testing/transport.js';
import tcpPlugin from '../../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../../plugins/congestion/reno/index.js';
import type { Connection } from '../../../../core/connection/connection.js';
import { randomBytes } from './harness.js';

const config = { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' } as const;
const stackOptions = { plugins: [tcpPlugin, renoPlugin] };

describe('tcp on the simulator through createStack', () => {
  it('transfers 8 MB with SHA-256 equality at 1% loss', async () => {
    const p = await simPair(config, { stackOptions, link: { bandwidth: '100Mbit', delay: '10ms', loss: 0.01 } as never });
    try {
      const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
      const h = createHash('sha256');
      let n = 0;
      let ended = false;
      srv.on('connection', (c: Connection) => {
        c.on('data', (d: Buffer) => {
          h.update(d);
          n += d.length;
        });
        c.on('end', () => {
          ended = true;
          c.end();
        });
      });
      const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
      const data = randomBytes(8 << 20, 3);
      conn.end(data);
      await p.net.runUntil(new Promise<void>((r) => conn.on('close', () => r())), { limit: '600s' });
      expect(ended).toBe(true);
      expect(n).toBe(data.length);
      expect(h.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
      console.log(p.net.now, JSON.stringify(conn.stats()));
    } finally {
      await p.close();
    }
  });
});
