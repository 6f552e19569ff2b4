import { describe, it, expect } from 'vitest';
import { describeTransportCompliance, simPair } from '../../core/testing/index.js';
import seqDatagram from '../../examples/seq-datagram/index.js';

describeTransportCompliance('seq-datagram (example)', { transport: seqDatagram }, { stackOptions: { plugins: [seqDatagram] } });

describe('seq-datagram example', () => {
  it('counts losses and reordering on a lossy, reordering link', async () => {
    const p = await simPair(
      { transport: 'seq-datagram' },
      { stackOptions: { plugins: [seqDatagram] }, link: { bandwidth: '10Mbit', delay: '10ms', ab: { loss: 0.1, reorder: 0.1 } }, seed: 3 },
    );
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    let server: import('../../core/index.js').Connection | undefined;
    srv.on('connection', (c) => {
      server = c;
      c.resume();
    });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    for (let i = 0; i < 1000; i++) conn.write(new Uint8Array(100));
    await p.net.run({ for: '2s' });
    const s = (server?.stats() as { transport: { received: number; lost: number; reordered: number } }).transport;
    expect(s.received).toBeGreaterThan(800);
    expect(s.received).toBeLessThan(980);
    expect(s.reordered).toBeGreaterThan(20);
    expect(s.received + s.lost).toBeGreaterThanOrEqual(990); // only trailing losses go unseen
    expect(s.received + s.lost).toBeLessThanOrEqual(1000);
    await p.close();
  });
});
