/**
 * Closing in either order ends both sides at once: the side whose FIN
 * completes its close acknowledges the peer's FIN before it reports the
 * close (and its socket may go), so the peer leaves LAST-ACK instead of
 * retransmitting its FIN into a closed socket for minutes (RFC 9293 §3.6).
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../../core/connection/connection.js';
import { simPair } from '../../../../core/testing/transport.js';

describe('tcp close order on the simulator (createStack)', () => {
  for (const first of ['client', 'server'] as const) {
    it(`the ${first} closes first: both connections close within a round trip or two, nothing retransmitted`, async () => {
      const p = await simPair({ transport: 'tcp' }, { link: { delay: '10ms' }, seed: 2 });
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        let accepted: Connection | undefined;
        srv.on('connection', (c: Connection) => {
          accepted = c;
          c.resume();
          c.on('end', () => c.end()); // answer the peer's FIN with ours
        });
        const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
        conn.resume();
        conn.on('end', () => conn.end());
        conn.write('hello');
        await p.net.run({ for: '100ms' });
        const closedAt: Record<string, number> = {};
        conn.on('close', () => (closedAt.client = p.net.now));
        accepted?.on('close', () => (closedAt.server = p.net.now));
        const start = p.net.now;
        (first === 'client' ? conn : (accepted as Connection)).end();
        await p.net.run({ for: '5s' });
        expect(closedAt.client - start).toBeLessThan(100);
        expect(closedAt.server - start).toBeLessThan(100);
        expect(p.server.stats().peers).toBe(0);
        expect(p.client.stats().peers).toBe(0);
        expect((accepted?.stats().transport as { retransmissions: number }).retransmissions).toBe(0);
      } finally {
        await p.close();
      }
    });
  }
});
