/**
 * The TCP Vegas example: a custom controller passing the congestion
 * compliance suite, selected from a JSON stack file (by plugin name and by
 * module path), and keeping the bottleneck queue short where Reno fills it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStack, loadStackConfig } from '../../core/index.js';
import type { StackConfig } from '../../core/index.js';
import { SimNetwork } from '../../core/sim/index.js';
import type { AnyPlugin } from '../../core/contracts/plugin.js';
import { describeCongestionCompliance } from '../../core/testing/index.js';
import tcpTransportPlugin from '../../plugins/transport/tcp/index.js';
import renoCongestionPlugin from '../../plugins/congestion/reno/index.js';
import vegas, { Vegas, vegasOptionsSchema } from '../../examples/vegas/index.js';

const plugins = [tcpTransportPlugin, vegas, renoCongestionPlugin] as unknown as AnyPlugin[];
const file = (name: string): string => fileURLToPath(new URL(`../../examples/vegas/${name}`, import.meta.url));

describeCongestionCompliance('vegas (example)', await vegas.create(vegasOptionsSchema.parse({}), undefined as never));

/** One bulk flow over 20 Mbit/s, 50 ms, 4-BDP drop-tail queue; returns link stats after `ms`. */
async function bulk(config: StackConfig, ms: number) {
  const net = new SimNetwork({ seed: 2 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  const link = net.link(a, b, { bandwidth: '20Mbit', delay: '25ms', queue: '4bdp' });
  const client = await createStack(config, { substrate: a, plugins });
  const server = await createStack(config, { substrate: b, plugins });
  const srv = await server.listen({ host: '10.0.0.2', port: 7000 });
  srv.on('connection', (c) => c.resume());
  const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 7000 }));
  const chunk = new Uint8Array(1 << 16);
  const pump = (): void => {
    while (conn.write(chunk)) {
      /* keep the send buffer full */
    }
  };
  conn.on('drain', pump);
  pump();
  await net.run({ for: 5_000 });
  const warm = link.ab.stats();
  let maxQueue = 0;
  for (let t = 5_000; t < ms; t += 50) {
    await net.run({ for: 50 });
    maxQueue = Math.max(maxQueue, link.ab.stats().queuePackets);
  }
  const end = link.ab.stats();
  const cwnd = (conn.stats().transport as { cwnd: number; mss: number }).cwnd;
  conn.destroy();
  await client.close();
  await server.close();
  const dropsOf = (s: typeof end) => Object.values(s.dropped).reduce((x, y) => x + (y ?? 0), 0);
  return {
    utilisation: (end.busyTime - warm.busyTime) / (ms - 5_000),
    maxQueue,
    drops: dropsOf(end) - dropsOf(warm),
    cwnd,
  };
}

describe('vegas example', () => {
  it('validates its options', () => {
    expect(vegasOptionsSchema.parse({})).toEqual({ alpha: 2, beta: 4, gamma: 1 });
    expect(vegasOptionsSchema.safeParse({ alpha: 5, beta: 4 }).success).toBe(false);
  });

  it('is selected by name from a JSON stack file and keeps the queue within a few segments', async () => {
    const config = await loadStackConfig(file('stack.json'));
    const v = await bulk(config, 20_000);
    expect(v.utilisation).toBeGreaterThan(0.9);
    expect(v.drops).toBe(0);
    expect(v.maxQueue).toBeLessThanOrEqual(12);
    // Reno on the same path fills the 4-BDP buffer (about 350 packets) and overflows it.
    const reno = await bulk({ ...config, congestion: 'reno' }, 20_000);
    expect(reno.maxQueue).toBeGreaterThan(100);
    expect(reno.maxQueue).toBeGreaterThan(10 * v.maxQueue);
  });

  it('is loaded by module path from a JSON stack file', async () => {
    const config = await loadStackConfig(file('stack-module.json'));
    const net = new SimNetwork({ seed: 1 });
    const a = net.host('10.0.0.1');
    const b = net.host('10.0.0.2');
    net.link(a, b, { bandwidth: '10Mbit', delay: '10ms' });
    const client = await createStack(config, { substrate: a, plugins: [tcpTransportPlugin as unknown as AnyPlugin] });
    const server = await createStack(config, { substrate: b, plugins: [tcpTransportPlugin as unknown as AnyPlugin] });
    const srv = await server.listen({ host: '10.0.0.2', port: 7001 });
    let got = 0;
    srv.on('connection', (c) => c.on('data', (d: Uint8Array) => (got += d.length)));
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 7001 }));
    conn.write(new Uint8Array(200_000));
    await net.run({ for: 2_000 });
    expect(got).toBe(200_000);
    const st = conn.stats().transport as { cwnd: number };
    expect(st.cwnd).toBeGreaterThan(0);
    await client.close();
    await server.close();
  });

  it('adds a segment per RTT without queueing and removes one when more than β segments queue up', () => {
    const mss = 1000;
    let now = 0;
    const ctx = {
      mss,
      clock: { now: () => now },
      rtt: { latest: 0, smoothed: 0, variance: 0, min: Infinity },
      tracer: { enabled: false, emit() {}, child() { return this; } },
      params: { initialWindow: 20 * mss },
    };
    const v = new Vegas(ctx, { alpha: 2, beta: 4, gamma: 1 });
    // Put it in avoidance with a loss, then run rounds of cwnd ACKs at a given RTT.
    v.onCongestionEvent({ now: 0, cause: 'loss', lostBytes: mss, bytesInFlight: 40 * mss, largestLostSentAt: -1, persistent: false });
    const round = (rtt: number) => {
      const n = Math.round(v.cwnd / mss);
      const start = now;
      for (let i = 0; i < n; i++) v.onPacketSent({ now: start + i * 0.1, bytes: mss, bytesInFlight: i * mss, retransmission: false, appLimited: false });
      now = start + rtt;
      for (let i = 0; i < n; i++) {
        v.onAckBegin(now);
        v.onPacketAcked({ bytes: mss, sentAt: start + i * 0.1 });
        v.onAckEnd({ now, ackedBytes: mss, priorBytesInFlight: (n - i) * mss, bytesInFlight: (n - i - 1) * mss, rttSample: rtt, appLimited: false, inRecovery: false });
      }
    };
    round(100);
    const w0 = v.cwnd;
    round(100);
    round(100);
    expect(v.cwnd).toBe(w0 + 2 * mss); // no queue: +1 segment per round
    // RTT 30 % above BaseRTT: about 0.3·cwnd ≈ 7 segments queued > β: shrink by one per round.
    // (Each decision uses the previous round's RTT, so the first 130 ms round still grows.)
    round(130);
    expect(v.cwnd).toBe(w0 + 3 * mss);
    round(130);
    round(130);
    expect(v.cwnd).toBe(w0 + mss);
    expect(v.snapshot().diff).toBeGreaterThan(4);
  });
});
