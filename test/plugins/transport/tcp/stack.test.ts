import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { simPair } from '../../../../core/testing/transport.js';
import type { LinkOptions, SimLink, SimNetwork } from '../../../../core/sim/index.js';
import tcpPlugin from '../../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../../plugins/congestion/reno/index.js';
import type { Connection } from '../../../../core/connection/connection.js';
import type { StackConfig } from '../../../../core/composition/config.js';
import dtlsPlugin from '../../../../plugins/security/dtls/index.js';
import { randomBytes } from './harness.js';

const config = { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' } as const;
const stackOptions = { plugins: [tcpPlugin, renoPlugin] };
const LONG = process.env.TOUKIT_LONG === '1';
const MB = 1 << 20;

interface Result {
  received: number;
  digest: string;
  clientStats: Record<string, unknown>;
  serverStats: Record<string, unknown>;
  serverDrops: Record<string, number>;
  virtualMs: number;
}

/** Send `size` bytes client → server over `link`, end, wait for the close; SHA-256 of what arrived. */
async function transfer(
  size: number,
  link: LinkOptions,
  setup?: (net: SimNetwork, l: SimLink, now: number) => void,
  stackConfig: StackConfig = config,
): Promise<Result & { expected: string }> {
  const p = await simPair(stackConfig, { stackOptions, link, seed: 3 });
  try {
    const l = p.net.links[0];
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const h = createHash('sha256');
    let n = 0;
    let sconn: Connection | undefined;
    let serverStats: Record<string, unknown> = {};
    srv.on('connection', (c: Connection) => {
      sconn = c;
      c.on('data', (d: Buffer) => {
        h.update(d);
        n += d.length;
      });
      c.on('end', () => {
        serverStats = c.stats();
        c.end();
      });
    });
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    conn.resume();
    setup?.(p.net, l, p.net.now);
    const data = randomBytes(size, 9);
    const expected = createHash('sha256').update(data).digest('hex');
    conn.end(data);
    await p.net.runUntil(new Promise<void>((r) => conn.on('close', () => r())), { limit: '3600s' });
    void sconn;
    const transport = serverStats.transport as Record<string, unknown>;
    return {
      received: n,
      digest: h.digest('hex'),
      expected,
      clientStats: conn.stats().transport as Record<string, unknown>,
      serverStats: transport,
      serverDrops: (transport?.drops ?? {}) as Record<string, number>,
      virtualMs: p.net.now,
    };
  } finally {
    await p.close();
  }
}

describe('tcp end to end on the simulator (createStack, GUE, reno)', () => {
  it('transfers 64 MB with SHA-256 equality on a clean 100 Mbit/s link', async () => {
    const r = await transfer(64 * MB, { bandwidth: '100Mbit', delay: '10ms', queue: { bytes: '1MB' } });
    expect(r.received).toBe(64 * MB);
    expect(r.digest).toBe(r.expected);
  });

  for (const loss of [0.01, 0.05, 0.1]) {
    const size = LONG ? 64 * MB : loss >= 0.1 ? 2 * MB : 4 * MB;
    it(`transfers ${size / MB} MB exactly at ${loss * 100}% loss in both directions`, async () => {
      const r = await transfer(size, { bandwidth: '100Mbit', delay: '10ms', loss });
      expect(r.received).toBe(size);
      expect(r.digest).toBe(r.expected);
      expect(r.clientStats.retransmissions as number).toBeGreaterThan(0);
    });
  }

  it('transfers exactly under reordering', async () => {
    const size = LONG ? 64 * MB : 4 * MB;
    const r = await transfer(size, { bandwidth: '100Mbit', delay: '10ms', reorder: { probability: 0.05, delay: '5ms' } });
    expect(r.digest).toBe(r.expected);
    expect((r.serverStats.outOfOrderBytes as number) >= 0).toBe(true);
  });

  it('transfers exactly under duplication (duplicates are discarded)', async () => {
    const size = LONG ? 64 * MB : 4 * MB;
    const r = await transfer(size, { bandwidth: '100Mbit', delay: '10ms', duplicate: 0.05 });
    expect(r.received).toBe(size);
    expect(r.digest).toBe(r.expected);
    expect(r.serverStats.duplicateBytesReceived as number).toBeGreaterThan(0);
  });

  it('transfers exactly under single-bit corruption, caught by the TCP checksum', async () => {
    const size = LONG ? 64 * MB : 4 * MB;
    const r = await transfer(size, { bandwidth: '100Mbit', delay: '10ms', corrupt: { probability: 0.01, bits: 1 } });
    expect(r.received).toBe(size);
    expect(r.digest).toBe(r.expected);
    expect(r.serverDrops.tcp_bad_checksum ?? 0).toBeGreaterThan(0);
  });

  it('survives a 10 s outage in the middle of a transfer', async () => {
    const size = LONG ? 64 * MB : 8 * MB;
    let outageAt = 0;
    const r = await transfer(size, { bandwidth: '20Mbit', delay: '10ms' }, (net, l, now) => {
      outageAt = now + 1000;
      net.outage(l, outageAt, outageAt + 10_000);
    });
    expect(r.digest).toBe(r.expected);
    expect(r.clientStats.timeouts as number).toBeGreaterThan(0);
    expect(r.virtualMs).toBeGreaterThan(outageAt + 10_000);
  });

  it('transfers exactly inside DTLS 1.2 (PSK, AES-128-GCM) at 1% loss', async () => {
    const size = LONG ? 64 * MB : 4 * MB;
    const r = await transfer(size, { bandwidth: '100Mbit', delay: '10ms', loss: 0.01 }, undefined, {
      encapsulation: 'gue',
      security: {
        use: dtlsPlugin,
        options: { psk: { identity: 'toukit', key: '00112233445566778899aabbccddeeff' }, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'] },
      },
      transport: 'tcp',
      congestion: 'reno',
    });
    expect(r.received).toBe(size);
    expect(r.digest).toBe(r.expected);
  });

  it('completes connections through SYN cookies when the half-open limit is reached', async () => {
    const cfg = { ...config, transport: { use: 'tcp', options: { maxHalfOpen: 1 } } } as const;
    const p = await simPair(cfg as unknown as StackConfig, { stackOptions, link: { bandwidth: '100Mbit', delay: '5ms' } });
    try {
      const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
      srv.on('connection', (c: Connection) => c.pipe(c));
      const conns = await p.net.runUntil(Promise.all(Array.from({ length: 20 }, () => p.client.connect({ host: '10.0.0.2', port: 6080 }))));
      const echoes = conns.map((c, i) => {
        const chunks: Buffer[] = [];
        c.on('data', (d: Buffer) => chunks.push(d));
        const msg = Buffer.from(`cookie ${i}`.repeat(100));
        const done = new Promise<boolean>((r) => c.on('end', () => r(Buffer.concat(chunks).equals(msg))));
        c.end(msg);
        return done;
      });
      expect((await p.net.runUntil(Promise.all(echoes))).every(Boolean)).toBe(true);
      const proto = (p.server as unknown as { transport: { counters: { synCookiesValidated: number } } }).transport;
      expect(proto.counters.synCookiesValidated).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });

  it('serves 1,000 concurrent connections on one server socket', async () => {
    const p = await simPair(config, { stackOptions, link: { bandwidth: '1Gbit', delay: '5ms' } });
    try {
      const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
      srv.on('connection', (c: Connection) => c.pipe(c));
      const N = 1000;
      const conns = await p.net.runUntil(Promise.all(Array.from({ length: N }, () => p.client.connect({ host: '10.0.0.2', port: 6080 }))));
      const echoes = conns.map((c, i) => {
        const msg = Buffer.from(`connection ${i} `.repeat(50));
        const chunks: Buffer[] = [];
        c.on('data', (d: Buffer) => chunks.push(d));
        const done = new Promise<boolean>((r) => c.on('end', () => r(Buffer.concat(chunks).equals(msg))));
        c.end(msg);
        return done;
      });
      const ok = await p.net.runUntil(Promise.all(echoes), { limit: '120s' });
      expect(ok.filter(Boolean).length).toBe(N);
      expect(new Set(conns.map((c) => c.localPort)).size).toBeGreaterThanOrEqual(1);
    } finally {
      await p.close();
    }
  });
});
