/**
 * What the tcp transport writes to a trace: units (the window in bytes,
 * RFC 7323 §2.3) and `metrics_updated` whenever the congestion window
 * changes, including at a fast retransmit and a retransmission timeout,
 * where no ACK of new data follows at once.
 */
import { describe, it, expect } from 'vitest';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';
import { makePair, pump, randomBytes } from './harness.js';
import type { Pair } from './harness.js';

/** A traced pair; `run(ms)` advances virtual time with the tracer's clock following. */
function traced(opts: Parameters<typeof makePair>[0] = {}): { p: Pair; sink: MemorySink; run: (ms: number) => void } {
  const sink = new MemorySink();
  let now = 0;
  const p = makePair({ ...opts, tracer: new SinkTracer(() => now, [sink]) });
  const run = (ms: number): void => {
    for (let t = 0; t < ms; t += 10) {
      p.vt.advance(10);
      now = p.vt.now();
    }
  };
  return { p, sink, run };
}

describe('tcp trace events', () => {
  it('give the window in bytes: the header field scaled by the negotiated shift', () => {
    const { p, sink, run } = traced({ tcp: { receiveBuffer: 1 << 20 } });
    p.c.start();
    pump(p, 'client', randomBytes(20_000));
    run(500);
    const acks = sink.named('packet_sent').filter((e) => e.group === 'server' && e.data.flags === 'ACK');
    expect(acks.length).toBeGreaterThan(0);
    // A 1 MiB buffer needs a shift (the 16-bit field alone stops at 65535).
    for (const e of acks) expect(e.data.window as number).toBeGreaterThan(65_535);
    // The receiving side reports the same bytes for the same segments.
    const got = sink.named('packet_received').filter((e) => e.group === 'client' && e.data.flags === 'ACK').map((e) => e.data.window);
    expect(got).toEqual(acks.map((e) => e.data.window));
    // The SYN's window field is never scaled.
    const syn = sink.named('packet_sent').find((e) => e.data.flags === 'SYN');
    expect(syn?.data.window).toBeLessThanOrEqual(65_535);
  });

  it('emit metrics_updated with the reduced cwnd at a retransmission timeout, before any new ACK', () => {
    const { p, sink, run } = traced({ tcp: { minRto: 200 } });
    p.c.start();
    pump(p, 'client', randomBytes(4_000_000));
    run(100);
    let outage = true;
    p.wire.script = () => (outage ? { drop: true } : undefined); // the path goes down in both directions
    run(3000);
    const lost = sink.named('packet_lost').find((e) => e.group === 'client' && e.data.trigger === 'retransmission_timeout');
    expect(lost).toBeDefined();
    const after = sink.named('metrics_updated').filter((e) => e.group === 'client' && e.time >= (lost?.time ?? Infinity));
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].time).toBe(lost?.time);
    expect(after[0].data.cwnd).toBe(p.c.stats().mss);
    outage = false;
    run(2000);
  });

  it('emit metrics_updated with the reduced cwnd at a fast retransmit', () => {
    const { p, sink, run } = traced();
    let n = 0;
    p.wire.script = (seg) => (seg.from === 'client' && seg.length > 0 && ++n === 40 ? { drop: true } : undefined);
    p.c.start();
    pump(p, 'client', randomBytes(200_000));
    run(2000);
    const lost = sink.named('packet_lost').find((e) => e.group === 'client' && e.data.trigger === 'fast_retransmit');
    expect(lost).toBeDefined();
    // In event order: the last metrics before the loss, and the first after it (same virtual time).
    const i = sink.events.indexOf(lost as (typeof sink.events)[number]);
    const client = (e: (typeof sink.events)[number]): boolean => e.group === 'client' && e.name === 'metrics_updated';
    const before = sink.events.slice(0, i).filter(client).at(-1);
    const at = sink.events.slice(i).find(client);
    expect(at?.time).toBe(lost?.time);
    expect(at?.data.cwnd as number).toBeLessThan(before?.data.cwnd as number);
  });
});
