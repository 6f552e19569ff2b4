import { describe, it, expect } from 'vitest';
import { createStack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

describe('a toukit stack on simulated hosts', () => {
  it('runs createStack unchanged in virtual time (gue + datagram over a 20 ms link)', async () => {
    const net = new SimNetwork({ seed: 1 });
    net.link('10.0.0.1', '10.0.0.2', { bandwidth: '10Mbit', delay: '20ms' });
    const cfg = { encapsulation: 'gue', security: 'none', transport: 'datagram', congestion: 'none' } as const;
    const serverStack = await createStack(cfg, { substrate: net.host('10.0.0.2') });
    const clientStack = await createStack(cfg, { substrate: net.host('10.0.0.1') });
    const server = await serverStack.listen({ host: '10.0.0.2', port: 6080 });
    const atServer: number[] = [];
    server.on('connection', (c) => {
      c.on('data', (d: Uint8Array) => {
        atServer.push(net.now);
        c.write(d);
      });
    });
    const conn = await net.runUntil(clientStack.connect({ host: '10.0.0.2', port: 6080 }));
    const echoed: string[] = [];
    conn.on('data', (d: Uint8Array) => echoed.push(`${Buffer.from(d).toString()}@${net.now.toFixed(3)}`));
    conn.write('hello');
    await net.run({ for: '200ms' });
    expect(atServer.length).toBe(1);
    // 20 ms propagation plus serialisation of a small datagram at 10 Mbit/s, each way.
    expect(atServer[0]).toBeGreaterThan(20);
    expect(atServer[0]).toBeLessThan(20.2);
    expect(echoed).toHaveLength(1);
    expect(echoed[0]).toMatch(/^hello@40\.\d+$/);
    expect(net.stats().links['10.0.0.1>10.0.0.2'].delivered).toBeGreaterThanOrEqual(1);
    await clientStack.close();
    await serverStack.close();
    await net.runUntilIdle({ limit: '10s' });
  });
});
