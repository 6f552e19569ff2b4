import { describe, it, expect } from 'vitest';
import type { QueueOptions } from '../../../core/sim/index.js';
import { numbered, pair, seqOf } from './helpers.js';

describe('bandwidth and queueing', () => {
  it('serialises at the link rate: a burst arrives one transmission time apart after the propagation delay', async () => {
    // 1000 B at 8 Mbit/s = 1 ms on the wire (overhead 0 for round numbers).
    const p = await pair({ bandwidth: '8Mbit', delay: '10ms', overhead: 0, queue: { packets: 100 } });
    for (let i = 0; i < 20; i++) p.send(numbered(i, 1000));
    await p.net.runUntilIdle();
    expect(p.arrivals.map((a) => a.time)).toEqual(Array.from({ length: 20 }, (_, i) => 10 + (i + 1)));
  });

  it('queueing delay equals the backlog ahead divided by the bandwidth', async () => {
    const p = await pair({ bandwidth: '10Mbit', delay: '5ms', overhead: 28, queue: { packets: 1000 } });
    const sizes = [1200, 300, 1472, 64, 900, 1200, 10, 1400];
    const sentAt = 2;
    await p.net.run({ until: sentAt });
    sizes.forEach((s, i) => p.send(numbered(i, s)));
    expect(p.link.ab.queuePackets).toBe(sizes.length - 1);
    expect(p.link.ab.queueBytes).toBe(sizes.slice(1).reduce((x, s) => x + s + 28, 0));
    await p.net.runUntilIdle();
    let backlog = 0;
    let total = 0;
    p.arrivals.forEach((a, i) => {
      const wire = sizes[i] + 28;
      const queueing = (backlog * 8) / 1e4; // ms at 10 Mbit/s
      const tx = (wire * 8) / 1e4;
      expect(a.time - sentAt - 5 - tx).toBeCloseTo(queueing, 9);
      backlog += wire;
      total += queueing;
    });
    const s = p.link.ab.stats();
    expect(s.transmitted).toBe(sizes.length);
    expect(s.queueDelayTotal).toBeCloseTo(total, 9);
  });

  it('never delivers faster than the bandwidth over any window, under random overload', async () => {
    const p = await pair({ bandwidth: '5Mbit', delay: '3ms', queue: '20KB' }, { seed: 9 });
    const rnd = p.net.random('sizes');
    const t = p.net.timers.createTimer(() => {
      p.send(new Uint8Array(1 + (rnd.uint32() % 1400)));
      if (p.net.now < 500) t.arm(p.net.now + rnd.float() * 1.5);
    });
    t.arm(0);
    await p.net.runUntilIdle();
    const s = p.link.ab.stats();
    expect(s.dropped.queue_full ?? 0).toBeGreaterThan(0);
    const arr = p.arrivals;
    const wire = arr.map((a) => a.data.length + 28);
    // Any run of consecutive arrivals i..j: bytes after the first ≤ rate × elapsed.
    let worst = -Infinity;
    for (let i = 0; i < arr.length; i++) {
      let bytes = 0;
      for (let j = i + 1; j < arr.length && j < i + 200; j++) {
        bytes += wire[j];
        worst = Math.max(worst, bytes * 8 - 5e3 * (arr[j].time - arr[i].time));
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    const elapsed = arr[arr.length - 1].time - arr[0].time;
    expect(s.wireBytesDelivered * 8).toBeLessThanOrEqual(5e3 * elapsed + wire[0] * 8 + 1e-6);
    // Saturated: utilisation close to 1 while traffic lasted.
    expect(s.busyTime / elapsed).toBeGreaterThan(0.95);
  });

  it('drop-tail limits in packets and in bytes; 1bdp uses bandwidth × RTT', async () => {
    const byPackets = await pair({ bandwidth: '1Mbit', queue: { packets: 3 } });
    for (let i = 0; i < 10; i++) byPackets.send(numbered(i, 500));
    expect(byPackets.link.ab.queuePackets).toBe(3);
    await byPackets.net.runUntilIdle();
    expect(byPackets.arrivals.map((a) => seqOf(a.data))).toEqual([0, 1, 2, 3]);
    expect(byPackets.link.ab.stats().dropped).toEqual({ queue_full: 6 });
    expect(byPackets.link.ab.stats().maxQueuePackets).toBe(3);

    const byBytes = await pair({ bandwidth: '1Mbit', overhead: 0, queue: '1000B' });
    for (let i = 0; i < 10; i++) byBytes.send(numbered(i, 300));
    expect(byBytes.link.ab.queueBytes).toBe(900);
    await byBytes.net.runUntilIdle();
    expect(byBytes.arrivals.length).toBe(4);

    const bdp = await pair({ bandwidth: '8Mbit', ab: { delay: '15ms' }, ba: { delay: '5ms' }, queue: '0.5bdp' });
    expect(bdp.link.ab.queueLimitBytes).toBe(10_000); // 8e6 bit/s × 20 ms / 8 / 2
    expect(bdp.link.ba.queueLimitBytes).toBe(10_000);
  });

  it('the drop-tail fast path (slots computed on arrival) matches the event-driven transmitter', async () => {
    // RED with unreachable thresholds never drops early but runs one event per transmission.
    const run = async (queue: QueueOptions) => {
      const p = await pair({ bandwidth: '4Mbit', delay: '7ms', queue }, { seed: 12 });
      const rnd = p.net.random('traffic');
      const samples: number[] = [];
      const t = p.net.timers.createTimer(() => {
        p.send(numbered(seq++, 4 + (rnd.uint32() % 1400)));
        samples.push(p.link.ab.queueBytes);
        if (p.net.now < 400) t.arm(p.net.now + rnd.float() * 2);
      });
      let seq = 0;
      t.arm(0);
      await p.net.runUntilIdle();
      return { arrivals: p.arrivals.map((a) => [seqOf(a.data), a.time]), samples, stats: p.link.ab.stats() };
    };
    const fast = await run({ bytes: '15KB' });
    const evented = await run({ type: 'red', minThreshold: '1GB', maxThreshold: '2GB', bytes: '15KB' });
    expect(fast.stats.dropped.queue_full).toBeGreaterThan(10);
    expect(fast.stats).toEqual(evented.stats);
    expect(fast.samples).toEqual(evented.samples);
    expect(fast.arrivals.length).toBe(evented.arrivals.length);
    fast.arrivals.forEach(([n, time], i) => {
      expect(n).toBe(evented.arrivals[i][0]);
      expect(time).toBeCloseTo(evented.arrivals[i][1], 9);
    });
  });

  it('samples the queue length periodically', async () => {
    const p = await pair({ bandwidth: '8Mbit', overhead: 0, queue: { packets: 100 } });
    const sampler = p.link.ab.sampleQueue('1ms');
    for (let i = 0; i < 10; i++) p.send(numbered(i, 1000));
    await p.net.runUntilIdle();
    sampler.stop();
    expect(sampler.samples.slice(0, 4)).toEqual([
      { time: 0, packets: 9, bytes: 9000 },
      { time: 1, packets: 8, bytes: 8000 },
      { time: 2, packets: 7, bytes: 7000 },
      { time: 3, packets: 6, bytes: 6000 },
    ]);
  });
});

describe('delay, jitter and reordering', () => {
  it('jitter varies delays but keeps FIFO order by default', async () => {
    const p = await pair({ delay: '20ms', jitter: '10ms' }, { seed: 5 });
    const t = p.net.timers.createTimer(() => {
      p.send(numbered(sent++));
      if (sent < 2000) t.arm(p.net.now + 0.5);
    });
    let sent = 0;
    t.arm(0);
    await p.net.runUntilIdle();
    const seqs = p.arrivals.map((a) => seqOf(a.data));
    expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const delays = p.arrivals.map((a, i) => a.time - i * 0.5);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeGreaterThan(25);
    expect(new Set(delays.map((d) => d.toFixed(3))).size).toBeGreaterThan(100);
  });

  it('jitterReorders lets jitter reorder', async () => {
    const p = await pair({ delay: '20ms', jitter: '10ms', jitterReorders: true }, { seed: 5 });
    for (let i = 0; i < 200; i++) p.net.at(i * 0.5, () => p.send(numbered(i)));
    await p.net.runUntilIdle();
    const seqs = p.arrivals.map((a) => seqOf(a.data));
    expect(seqs.length).toBe(200);
    expect(seqs).not.toEqual([...seqs].sort((x, y) => x - y));
  });

  it('reorders the configured fraction: each picked datagram arrives late, within 3σ of p·N', async () => {
    const N = 10_000;
    const prob = 0.05;
    const p = await pair({ delay: '10ms', reorder: { probability: prob, delay: '2ms' } }, { seed: 11 });
    for (let i = 0; i < N; i++) p.net.at(i * 0.1, () => p.send(numbered(i)));
    await p.net.runUntilIdle();
    const s = p.link.ab.stats();
    const sigma = Math.sqrt(N * prob * (1 - prob));
    expect(Math.abs(s.reordered - N * prob)).toBeLessThan(3 * sigma);
    let max = -1;
    let late = 0;
    for (const a of p.arrivals) {
      const q = seqOf(a.data);
      if (q < max) late++;
      max = Math.max(max, q);
    }
    expect(late).toBe(s.reordered);
    expect(p.arrivals.length).toBe(N);
  });
});

describe('duplication and corruption', () => {
  it('duplicates the configured fraction (within 3σ) and delivers every copy', async () => {
    const N = 10_000;
    const prob = 0.03;
    const p = await pair({ duplicate: prob }, { seed: 2 }, false);
    for (let i = 0; i < N; i++) p.send(numbered(i, 20));
    await p.net.runUntilIdle();
    const s = p.link.ab.stats();
    expect(Math.abs(s.duplicated - N * prob)).toBeLessThan(3 * Math.sqrt(N * prob * (1 - prob)));
    expect(s.delivered).toBe(N + s.duplicated);
  });

  it('flips exactly one bit per corrupted datagram by default, or the configured number', async () => {
    for (const bits of [1, 3]) {
      const p = await pair({ corrupt: bits === 1 ? 1 : { probability: 1, bits } }, { seed: bits });
      const sent: Uint8Array[] = [];
      for (let i = 0; i < 200; i++) {
        const d = numbered(i, 64);
        sent.push(d.slice());
        p.send(d);
      }
      await p.net.runUntilIdle();
      expect(p.link.ab.stats().corrupted).toBe(200);
      p.arrivals.forEach((a, i) => {
        let diff = 0;
        for (let k = 0; k < 64; k++) for (let x = a.data[k] ^ sent[i][k]; x; x &= x - 1) diff++;
        expect(diff).toBe(bits);
      });
    }
  });

  it('corrupts roughly the configured fraction and leaves the rest intact', async () => {
    const p = await pair({ corrupt: 0.2 }, { seed: 4 });
    for (let i = 0; i < 2000; i++) p.send(numbered(i, 16));
    await p.net.runUntilIdle();
    const damaged = p.arrivals.filter((a) => a.data.slice(4).some((b) => b !== 0) || seqOf(a.data) >= 2000).length;
    const s = p.link.ab.stats();
    expect(Math.abs(s.corrupted - 400)).toBeLessThan(3 * Math.sqrt(2000 * 0.2 * 0.8));
    // A flip in the sequence number can land on another valid number, so damaged ≤ corrupted.
    expect(damaged).toBeLessThanOrEqual(s.corrupted);
    expect(damaged).toBeGreaterThan(s.corrupted * 0.7);
  });
});

describe('MTU', () => {
  it('drops datagrams whose IP packet exceeds the MTU (IPv4: payload + 28)', async () => {
    const p = await pair({ mtu: 1500 });
    p.send(new Uint8Array(1472));
    p.send(new Uint8Array(1473));
    await p.net.runUntilIdle();
    expect(p.arrivals.map((a) => a.data.length)).toEqual([1472]);
    expect(p.link.ab.stats().dropped).toEqual({ mtu: 1 });
  });

  it('counts the IPv6 + UDP header (48 bytes) on IPv6 hosts', async () => {
    const { SimNetwork } = await import('../../../core/sim/index.js');
    const net = new SimNetwork();
    const link = net.link('fd00::1', 'fd00::2', { mtu: '1500B' });
    const rx = await net.host('fd00::2').bind({ host: '::', port: 5 });
    const got: number[] = [];
    rx.onDatagram((d, from) => {
      got.push(d.length);
      expect(from.family).toBe('IPv6');
    });
    const tx = await net.host('fd00::1').bind({ host: 'fd00::1', port: 0 });
    tx.send([new Uint8Array(1452)], { address: 'fd00::2', family: 'IPv6', port: 5 });
    tx.send([new Uint8Array(1453)], { address: 'fd00::2', family: 'IPv6', port: 5 });
    await net.runUntilIdle();
    expect(got).toEqual([1452]);
    expect(link.ab.stats().dropped.mtu).toBe(1);
  });
});

describe('outages', () => {
  it('drops datagrams sent, serialised or arriving during a link outage', async () => {
    const p = await pair({ delay: '10ms', down: [['100ms', '200ms']] });
    for (const t of [50, 95, 150, 199, 200, 250]) p.net.at(t, () => p.send(numbered(t)));
    await p.net.runUntilIdle();
    // 95 is in flight when the outage starts (arrives at 105).
    expect(p.arrivals.map((a) => seqOf(a.data))).toEqual([50, 200, 250]);
    expect(p.link.ab.stats().dropped).toEqual({ outage: 3 });
  });

  it('net.outage() takes down a link, one direction or a host', async () => {
    const p = await pair({ delay: 1 });
    const back: number[] = [];
    p.tx.onDatagram((d) => back.push(seqOf(d)));
    p.rx.onDatagram((d, from) => p.rx.send([d], from));
    p.net.outage(p.link.ba, 10, 20);
    p.net.outage(p.net.host('10.0.0.2'), 30, 40);
    for (const t of [0, 12, 25, 35, 45]) p.net.at(t, () => p.send(numbered(t)));
    await p.net.runUntilIdle();
    expect(back).toEqual([0, 25, 45]);
    expect(p.link.ba.stats().dropped).toEqual({ outage: 1 });
    expect(p.link.ab.stats().dropped).toEqual({ outage: 1 });
  });
});

describe('scripted and random loss', () => {
  it('dropScript drops exactly the listed datagram numbers (counted from 1)', async () => {
    const p = await pair({ ab: { dropScript: [3, 7] } });
    for (let i = 1; i <= 10; i++) p.send(numbered(i));
    await p.net.runUntilIdle();
    expect(p.arrivals.map((a) => seqOf(a.data))).toEqual([1, 2, 4, 5, 6, 8, 9, 10]);
    expect(p.link.ab.stats().dropped).toEqual({ scripted: 2 });
  });

  it('dropScript may be a predicate over the number and the bytes', async () => {
    const p = await pair({ dropScript: (n, d) => n % 2 === 0 || d[4] === 0xff });
    for (let i = 1; i <= 6; i++) {
      const d = numbered(i);
      if (i === 5) d[4] = 0xff;
      p.send(d);
    }
    await p.net.runUntilIdle();
    expect(p.arrivals.map((a) => seqOf(a.data))).toEqual([1, 3]);
  });
});
