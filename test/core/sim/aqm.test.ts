import { describe, it, expect } from 'vitest';
import type { QueueOptions } from '../../../core/sim/index.js';
import { pair } from './helpers.js';

const RATE = 10e6; // bit/s
const SIZE = 1200;
const WIRE_MS = ((SIZE + 28) * 8 * 1000) / RATE; // 0.9824 ms per datagram

/**
 * A 500-datagram burst at t = 0, then a stream at exactly the link rate:
 * the burst becomes a standing queue that only drops can remove.
 * Returns the sojourn (queueing) time of each delivered datagram.
 */
async function standingQueue(queue: QueueOptions, until: number) {
  const p = await pair({ bandwidth: RATE, delay: '10ms', queue });
  const sojourn: { time: number; delay: number }[] = [];
  p.rx.onDatagram((d) => {
    const sent = new DataView(d.buffer, d.byteOffset).getFloat64(0);
    sojourn.push({ time: p.net.now, delay: p.net.now - sent - 10 - WIRE_MS });
  });
  const stamp = (): Uint8Array => {
    const d = new Uint8Array(SIZE);
    new DataView(d.buffer).setFloat64(0, p.net.now);
    return d;
  };
  for (let i = 0; i < 500; i++) p.send(stamp());
  let next = 0;
  const t = p.net.timers.createTimer(() => {
    p.send(stamp());
    next += WIRE_MS;
    if (next < until) t.arm(next);
  });
  t.arm(0);
  await p.net.runUntilIdle();
  return { sojourn, stats: p.link.ab.stats() };
}

describe('CoDel (RFC 8289)', () => {
  it('drains a standing queue down to about its 5 ms target, where drop-tail keeps it', async () => {
    const dropTail = await standingQueue({ packets: 1000 }, 6000);
    const codel = await standingQueue({ type: 'codel', target: '5ms', interval: '100ms', packets: 1000 }, 6000);
    const late = (r: typeof codel) => r.sojourn.filter((s) => s.time > 5500).map((s) => s.delay);
    expect(Math.min(...late(dropTail))).toBeGreaterThan(450);
    expect(dropTail.stats.dropped.aqm).toBeUndefined();
    expect(Math.max(...late(codel))).toBeLessThan(15);
    expect(codel.stats.dropped.aqm).toBeGreaterThan(400);
    expect(codel.stats.dropped.queue_full).toBeUndefined();
  });

  it('waits an interval above target before the first drop', async () => {
    const drops: number[] = [];
    const p = await pair({ bandwidth: RATE, queue: { type: 'codel' } }, { onEvent: (e) => e.type === 'drop' && drops.push(e.time) });
    for (let i = 0; i < 300; i++) p.send(new Uint8Array(SIZE));
    await p.net.runUntilIdle();
    // Sojourn passes 5 ms at the first dequeue after 5 ms; the first drop comes ≥ 100 ms later.
    expect(drops.length).toBeGreaterThan(0);
    expect(drops[0]).toBeGreaterThanOrEqual(105);
    expect(drops[0]).toBeLessThan(105 + 2 * WIRE_MS);
  });

  it('does not drop when the queue stays below target', async () => {
    const p = await pair({ bandwidth: RATE, queue: { type: 'codel' } }, {}, false);
    const t = p.net.timers.createTimer(() => {
      for (let i = 0; i < 4; i++) p.send(new Uint8Array(SIZE)); // bursts of ~4 ms of backlog
      if (p.net.now < 2000) t.arm(p.net.now + 5 * WIRE_MS);
    });
    t.arm(0);
    await p.net.runUntilIdle();
    expect(p.link.ab.stats().dropped).toEqual({});
  });
});

describe('RED', () => {
  /** 1.5× overload for 3 s; returns counters and the mean queue over the last 2 s. */
  async function overload(queue: QueueOptions) {
    const p = await pair({ bandwidth: RATE, delay: '5ms', queue }, { seed: 3 }, false);
    const sampler = p.link.ab.sampleQueue('1ms');
    const t = p.net.timers.createTimer(() => {
      p.send(new Uint8Array(SIZE));
      if (p.net.now < 3000) t.arm(p.net.now + WIRE_MS / 1.5);
    });
    t.arm(0);
    await p.net.runUntilIdle();
    sampler.stop();
    const steady = sampler.samples.filter((x) => x.time >= 1000 && x.time < 3000);
    const mean = steady.reduce((a, x) => a + x.bytes, 0) / steady.length;
    return { stats: p.link.ab.stats(), mean };
  }

  it('drops early and holds the average queue between its thresholds, where drop-tail sits at its limit', async () => {
    const red = await overload({ type: 'red', minThreshold: '10KB', maxThreshold: '30KB', bytes: '100KB' });
    const tail = await overload({ bytes: '100KB' });
    // Only the start-up transient (before the moving average catches up) reaches the hard limit.
    expect(red.stats.dropped.aqm).toBeGreaterThan(1000);
    expect(red.stats.dropped.queue_full ?? 0).toBeLessThan(red.stats.dropped.aqm! / 20);
    expect(red.mean).toBeGreaterThan(10_000);
    expect(red.mean).toBeLessThan(60_000);
    expect(tail.stats.dropped.queue_full).toBeGreaterThan(1000);
    expect(tail.mean).toBeGreaterThan(95_000);
  });
});
