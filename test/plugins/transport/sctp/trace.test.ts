/**
 * What the sctp transport writes to a trace (docs/guides/tracing.md,
 * "Standard events"): `length` of `packet_sent` / `packet_received` is
 * the user data a packet carries, as tcp's payload bytes, so throughput
 * plots show goodput and the transports compare; `metrics_updated` uses
 * the documented names in bytes and ms, and follows every congestion
 * event (fast retransmit, RFC 9260 §7.2.4; T3-rtx expiry, §6.3.3 /
 * §7.2.3) at the time of the event, marked by `packet_lost`.
 */
import { describe, it, expect } from 'vitest';
import { createStack } from '../../../../core/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import { MemorySink, SinkTracer, type TraceEvent } from '../../../../core/trace/tracer.js';
import { seriesFromTrace } from '../../../../core/trace/plot/series.js';
import { userDataBytes } from '../../../../plugins/transport/sctp/trace.js';
import { SctpPair, chunksOf, pattern, type PairOptions } from './harness.js';

/** A traced harness pair: events of the client in group `client`, of the server in group `server`. */
function traced(o: PairOptions = {}): { p: SctpPair; sink: MemorySink } {
  const sink = new MemorySink();
  let p: SctpPair | undefined;
  p = new SctpPair({ ...o, tracer: new SinkTracer(() => p?.time.now() ?? 0, [sink]) });
  return { p, sink };
}

/** User data of a packet, counted with the test-side parser: DATA value minus TSN/SID/SSN/PPID (12), I-DATA minus 16. */
function userBytesOf(packet: Uint8Array): number {
  let n = 0;
  for (const c of chunksOf(packet)) {
    if (c.type === 0) n += c.value.length - 12;
    else if (c.type === 64) n += c.value.length - 16;
  }
  return n;
}

const sum = (events: readonly TraceEvent[], field: string): number => events.reduce((a, e) => a + (e.data[field] as number), 0);
const of = (sink: MemorySink, name: string, group: string): TraceEvent[] => sink.named(name).filter((e) => e.group === group);

/** Largest SCTP packet of the harness (mtu 1200) less the common header: cwnd after T3-rtx (§7.2.3). */
const MSS = 1200 - 12;

describe('sctp packet_sent / packet_received length', () => {
  it('sums to the application bytes on the simulator, as tcp (a 1,000,000-byte transfer, the review repro)', async () => {
    const totals: Record<string, { app: number; received: number; packetBytes: number; throughput: number }> = {};
    for (const transport of ['tcp', 'sctp'] as const) {
      const net = new SimNetwork({ seed: 1 });
      net.link('10.0.0.1', '10.0.0.2', { delay: '10ms', bandwidth: '10Mbit' });
      const mem = new MemorySink();
      const server = await createStack({ transport }, { substrate: net.host('10.0.0.2'), trace: mem });
      const client = await createStack({ transport }, { substrate: net.host('10.0.0.1') });
      let app = 0;
      (await server.listen({ host: '10.0.0.2' })).on('connection', (c) => c.on('data', (d: Uint8Array) => (app += d.length)));
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2' }));
      conn.end(new Uint8Array(1_000_000));
      await net.run({ for: '5s' });
      const rx = mem.named('packet_received');
      const [tput] = seriesFromTrace(mem.events, { metric: 'throughput', windowMs: 100 });
      // The throughput series integrates back to bytes: each window's rate × 0.1 s (the last point only closes the step).
      const integrated = tput.points.slice(0, -1).reduce((a, [, v]) => a + v / 10, 0);
      totals[transport] = { app, received: sum(rx, 'length'), packetBytes: sum(rx, 'packetSize') || 0, throughput: Math.round(integrated) };
      await client.close();
      await server.close();
    }
    expect(totals.tcp.app).toBe(1_000_000);
    expect(totals.sctp.app).toBe(1_000_000);
    expect(totals.tcp.received).toBe(1_000_000);
    // No loss on this link: each byte arrived once, and length counts only user data.
    expect(totals.sctp.received).toBe(1_000_000);
    expect(totals.sctp.throughput).toBe(1_000_000);
    // The whole packets stay available, under a name the plots do not read.
    expect(totals.sctp.packetBytes).toBeGreaterThan(1_000_000);
  });

  it('counts DATA user data only (0 for control packets) and reports the whole packet as packetSize', () => {
    const { p, sink } = traced();
    p.connect();
    const sizes = [1, 100, 1000, 5000, 20_000];
    for (const n of sizes) p.client.sendMessage!(pattern(n), { stream: 0 });
    p.time.run(p.time.now() + 2000);
    expect(p.serverLog.totalBytes).toBe(26_101);
    // The server's INIT ACK goes out from the endpoint before any association exists: not in its trace.
    for (const [group, wire] of [['client', p.wire.c2s], ['server', p.wire.s2c.slice(1)]] as const) {
      const sent = of(sink, 'packet_sent', group);
      expect(sent.map((e) => e.data.packetSize)).toEqual(wire.map((w) => w.length));
      expect(sent.map((e) => e.data.length)).toEqual(wire.map(userBytesOf));
    }
    // Handshake, SACKs: control chunks only.
    expect(of(sink, 'packet_sent', 'server').every((e) => e.data.length === 0)).toBe(true);
    expect(sum(of(sink, 'packet_sent', 'client'), 'length')).toBe(26_101);
    expect(sum(of(sink, 'packet_received', 'server'), 'length')).toBe(26_101);
    expect(p.client.stats().dataBytesSent).toBe(26_101);
    // The first packet is the INIT: chunk type 1, no user data.
    expect(of(sink, 'packet_sent', 'client')[0].data).toMatchObject({ transport: 'sctp', chunk: 1, length: 0 });
  });

  it('counts I-DATA user data (RFC 8260: 20-byte chunk header)', () => {
    const { p, sink } = traced({ client: { interleaving: true }, server: { interleaving: true } });
    p.connect();
    expect(p.client.iDataOk).toBe(true);
    for (const n of [7, 3000, 9000]) p.client.sendMessage!(pattern(n), { stream: 0 });
    p.time.run(p.time.now() + 2000);
    expect(p.serverLog.totalBytes).toBe(12_007);
    expect(of(sink, 'packet_sent', 'client').map((e) => e.data.length)).toEqual(p.wire.c2s.map(userBytesOf));
    expect(sum(of(sink, 'packet_received', 'server'), 'length')).toBe(12_007);
  });

  it('leaves a packet failing its CRC32c out of packet_received (it is a drop, as for tcp)', () => {
    let n = 0;
    const { p, sink } = traced({ script: (dir, _i, pk) => (dir === 'c2s' && userBytesOf(pk) > 0 && ++n === 2 ? 'corrupt' : 'pass') });
    p.connect();
    for (let i = 0; i < 4; i++) p.client.sendMessage!(pattern(1000, i), { stream: 0 });
    p.time.run(p.time.now() + 5000);
    expect(p.serverLog.totalBytes).toBe(4000);
    expect(p.server?.drops.sctp_bad_crc).toBe(1);
    // The corrupted copy is not counted, its retransmission is: each byte once.
    expect(sum(of(sink, 'packet_received', 'server'), 'length')).toBe(4000);
    expect(sum(of(sink, 'packet_sent', 'client'), 'length')).toBe(5000);
  });

  it('userDataBytes never throws and stops at a malformed chunk', () => {
    const ok = p4([0, 0, 0, 20, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 3, 0, 0, 4]);
    expect(userDataBytes(ok)).toBe(4);
    expect(userDataBytes(p4([0, 0, 0, 200, 1, 2, 3, 4]))).toBe(0); // runs past the packet
    expect(userDataBytes(p4([0, 0, 0, 2]))).toBe(0); // length below 4
    expect(userDataBytes(new Uint8Array(5))).toBe(0);
  });
});

/** A 12-byte common header followed by `chunks`. */
function p4(chunks: number[]): Uint8Array {
  const out = new Uint8Array(12 + chunks.length);
  out.set(chunks, 12);
  return out;
}

describe('sctp metrics_updated', () => {
  it('uses the documented names, in bytes and ms', () => {
    const { p, sink } = traced({ delay: 10 });
    p.connect();
    p.client.sendMessage!(pattern(50_000), { stream: 0 });
    p.time.run(p.time.now() + 2000);
    const m = of(sink, 'metrics_updated', 'client');
    expect(m.length).toBeGreaterThan(0);
    const last = m[m.length - 1].data;
    expect(Object.keys(last).sort()).toEqual(['bytesInFlight', 'cwnd', 'rto', 'rttvar', 'srtt', 'ssthresh']);
    expect(last.srtt as number).toBeGreaterThanOrEqual(20); // 2 × 10 ms one-way, in ms
    expect(last.srtt as number).toBeLessThan(300);
    expect(last.rto).toBe(1000); // RTO.Min (RFC 9260 §16), ms
    expect(last.cwnd as number).toBeGreaterThanOrEqual(4380); // bytes (§7.2.1 initial window)
    expect(last.bytesInFlight).toBe(0);
    expect(last.ssthresh).toBeNull(); // no reduction yet
    const [cwnd] = seriesFromTrace(sink.events, { metric: 'cwnd', group: 'client' });
    expect(cwnd.points.length).toBe(m.length);
  });

  it('follows a T3-rtx expiry at once, with cwnd = 1 MTU (RFC 9260 §7.2.3)', () => {
    let outage = false;
    const { p, sink } = traced({ script: () => (outage ? 'drop' : 'pass') });
    p.connect();
    const data = pattern(1_000_000);
    for (let off = 0; off < data.length; off += 10_000) p.client.write(data.subarray(off, off + 10_000));
    p.time.run(p.time.now() + 150);
    outage = true; // the path goes down in both directions
    p.time.run(p.time.now() + 3000);
    expect(p.client.stats().t3Expirations).toBe(1);
    const lost = of(sink, 'packet_lost', 'client').find((e) => e.data.trigger === 'retransmission_timeout');
    expect(lost).toBeDefined();
    expect(lost?.data.rto).toBe(2000); // backed off (§6.3.3 E2), ms
    const i = sink.events.indexOf(lost as TraceEvent);
    const before = sink.events.slice(0, i).filter((e) => e.group === 'client' && e.name === 'metrics_updated').at(-1);
    const at = sink.events.slice(i).find((e) => e.group === 'client' && e.name === 'metrics_updated');
    expect(at?.time).toBe(lost?.time);
    expect(before?.data.cwnd as number).toBeGreaterThan(MSS);
    expect(at?.data).toMatchObject({ cwnd: MSS, rto: 2000 });
    // What a cwnd plot shows: the drop to 1 MTU at the time of the expiry.
    const [cwnd] = seriesFromTrace(sink.events, { metric: 'cwnd', group: 'client' });
    expect(cwnd.points.find(([t]) => t === lost?.time)?.[1]).toBe(MSS);
    outage = false;
    p.time.runUntil(() => p.serverLog.totalBytes === data.length, p.time.now() + 60_000);
    expect(p.serverLog.totalBytes).toBe(data.length);
  });

  it('follows a fast retransmit at once, with the reduced cwnd (RFC 9260 §7.2.4)', () => {
    let n = 0;
    const { p, sink } = traced({ script: (dir, _i, pk) => (dir === 'c2s' && userBytesOf(pk) > 0 && ++n === 40 ? 'drop' : 'pass') });
    p.connect();
    const data = pattern(400_000);
    for (let off = 0; off < data.length; off += 10_000) p.client.write(data.subarray(off, off + 10_000));
    p.time.run(p.time.now() + 2000);
    expect(p.serverLog.totalBytes).toBe(400_000);
    expect(p.client.stats()).toMatchObject({ fastRetransmits: 1, t3Expirations: 0 });
    const lost = of(sink, 'packet_lost', 'client').find((e) => e.data.trigger === 'fast_retransmit');
    expect(lost?.data.chunks).toBe(1);
    const i = sink.events.indexOf(lost as TraceEvent);
    const client = (e: TraceEvent): boolean => e.group === 'client' && e.name === 'metrics_updated';
    const before = sink.events.slice(0, i).filter(client).at(-1);
    const at = sink.events.slice(i).find(client);
    expect(at?.time).toBe(lost?.time);
    // NewReno halves the window (§7.2.3: ssthresh = max(cwnd/2, 4·MTU), cwnd = ssthresh).
    expect(at?.data.cwnd as number).toBeLessThan(before?.data.cwnd as number);
    expect(at?.data.ssthresh).toBe(at?.data.cwnd);
    // The retransmission follows in the same instant, after the metrics.
    const rtx = sink.events.slice(i).find((e) => e.group === 'client' && e.name === 'packet_sent' && (e.data.length as number) > 0);
    expect(rtx?.time).toBe(lost?.time);
  });
});
