/**
 * When the peer ends its secure session (DTLS close_notify) after its
 * transport finished sending, every byte the local transport received and
 * acknowledged reaches the reader before 'end', however slowly it reads.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../core/connection/connection.js';
import { createStack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

const psk = { identity: 'me', key: '00112233445566778899aabbccddeeff' };
const SIZE = 1_000_000;

describe('a slow reader when the peer closes its secure session', () => {
  // sctp has no half-close (its end() is SHUTDOWN), so this request/response pattern is tcp's.
  for (const transport of ['tcp'] as const) {
    it(`${transport} over DTLS: the client ends first, the server answers 1 MB and ends; the client reads 1 s later and gets every byte`, async () => {
      const net = new SimNetwork({ seed: 4 });
      net.link('10.0.0.1', '10.0.0.2', { delay: '5ms', bandwidth: '100Mbit' });
      const config = { security: { use: 'dtls', options: { psk } }, transport } as const;
      const server = await createStack(config, { substrate: net.host('10.0.0.2') });
      const client = await createStack(config, { substrate: net.host('10.0.0.1') });
      const payload = new Uint8Array(SIZE).map((_, i) => (i * 7) & 0xff);
      (await server.listen({ host: '10.0.0.2', port: 6080 })).on('connection', (c: Connection) => {
        c.resume();
        c.on('end', () => c.end(payload));
      });
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
      conn.pause();
      conn.end('request');
      await net.run({ for: '1s' }); // the reader is busy elsewhere
      const h = createHash('sha256');
      let n = 0;
      let ended = false;
      conn.on('data', (d: Buffer) => {
        h.update(d);
        n += d.length;
      });
      conn.on('end', () => (ended = true));
      conn.resume();
      await net.run({ for: '5s' });
      expect(n).toBe(SIZE);
      expect(ended).toBe(true);
      expect(h.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
      await net.runUntil(Promise.all([client.close(), server.close()]));
    });
  }
});
