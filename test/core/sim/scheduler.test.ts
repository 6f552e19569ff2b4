import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { SimNetwork, SimLimitError, SimRunningError } from '../../../core/sim/index.js';

describe('run({ until | for })', () => {
  it('runs events up to and including `until`, then reads exactly `until`', async () => {
    const net = new SimNetwork();
    const fired: number[] = [];
    for (const t of [10, 99.5, 100, 100.0001, 150]) net.at(t, () => fired.push(net.now));
    const r = await net.run({ until: 100 });
    expect(fired).toEqual([10, 99.5, 100]);
    expect(net.now).toBe(100);
    expect(r).toMatchObject({ reason: 'until', now: 100, events: 3 });
    await net.run({ for: '50ms' });
    expect(net.now).toBe(150);
    expect(fired).toEqual([10, 99.5, 100, 100.0001, 150]);
  });

  it('advances the clock to `until` even with nothing scheduled, never backwards', async () => {
    const net = new SimNetwork();
    await net.run({ until: '2s' });
    expect(net.now).toBe(2000);
    await net.run({ until: 1000 });
    expect(net.now).toBe(2000);
  });

  it('runs far faster than wall time', async () => {
    const net = new SimNetwork();
    const t = net.timers.createTimer(() => t.arm(net.now + 1000));
    t.arm(0);
    const wall = performance.now();
    await net.run({ until: '1h' });
    expect(performance.now() - wall).toBeLessThan(2000);
    expect(net.now).toBe(3_600_000);
  });

  it('refuses a second concurrent run', async () => {
    const net = new SimNetwork();
    const first = net.run({ until: 10 });
    await expect(net.run({ until: 20 })).rejects.toBeInstanceOf(SimRunningError);
    await first;
  });

  it('rejects with the error an event handler throws, leaving the network usable', async () => {
    const net = new SimNetwork();
    net.at(5, () => {
      throw new Error('boom');
    });
    net.at(6, () => {});
    await expect(net.run({ until: 10 })).rejects.toThrow('boom');
    expect(net.now).toBe(5);
    const r = await net.run({ until: 10 });
    expect(r.events).toBe(1);
  });

  it('stop() ends the run before the next event', async () => {
    const net = new SimNetwork();
    net.at(5, () => net.stop());
    net.at(6, () => {});
    const r = await net.run({ until: 10 });
    expect(r.reason).toBe('stopped');
    expect(net.now).toBe(5);
  });
});

describe('runUntilIdle and runUntil', () => {
  it('runUntilIdle stops when only daemon events (queue samplers) are left', async () => {
    const net = new SimNetwork();
    const link = net.link('10.0.0.1', '10.0.0.2', { delay: 5 });
    const sampler = link.ab.sampleQueue(1);
    net.at(42, () => {});
    const r = await net.runUntilIdle();
    expect(r.reason).toBe('idle');
    expect(net.now).toBe(42);
    // Samples at 0, 1, …, 41; the one due at 42 was queued after the last real event.
    expect(sampler.samples.map((x) => x.time)).toEqual(Array.from({ length: 42 }, (_, i) => i));
    sampler.stop();
  });

  it('runUntilIdle rejects with ERR_SIM_LIMIT when the network never idles', async () => {
    const net = new SimNetwork();
    const t = net.timers.createTimer(() => t.arm(net.now + 10));
    t.arm(0);
    const err = await net.runUntilIdle({ limit: '1s' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimLimitError);
    expect((err as SimLimitError).code).toBe('ERR_SIM_LIMIT');
    expect(net.now).toBe(1000);
  });

  it('runUntil returns the value of a promise settled by a simulated event', async () => {
    const net = new SimNetwork();
    const p = new Promise<string>((resolve) => net.at(30, () => resolve(`done at ${net.now}`)));
    net.at(40, () => {});
    await expect(net.runUntil(p)).resolves.toBe('done at 30');
    expect(net.now).toBe(30);
  });

  it('runUntil rethrows a rejection, and reports a deadlock when nothing can settle the promise', async () => {
    const net = new SimNetwork();
    const p = new Promise<void>((_, reject) => net.at(1, () => reject(new Error('refused'))));
    await expect(net.runUntil(p)).rejects.toThrow('refused');
    const err = await net.runUntil(new Promise(() => {}), { idleWallMs: 20 }).catch((e: unknown) => e);
    expect((err as SimLimitError).code).toBe('ERR_SIM_DEADLOCK');
  });
});

describe('promise jobs, nextTick and streams between events', () => {
  it('a promise resolved in an event runs (with its nextTicks and deep chains) before a later event', async () => {
    const net = new SimNetwork();
    const log: string[] = [];
    let resolve!: () => void;
    const p = new Promise<void>((r) => (resolve = r));
    void (async () => {
      await p;
      log.push(`continuation@${net.now}`);
      for (let i = 0; i < 20; i++) await null;
      log.push(`deep@${net.now}`);
      process.nextTick(() => {
        log.push(`tick@${net.now}`);
        void Promise.resolve().then(() => log.push(`micro-after-tick@${net.now}`));
      });
    })();
    net.at(10, () => {
      log.push('event@10');
      resolve();
    });
    net.at(10.001, () => log.push('event@10.001'));
    await net.runUntilIdle();
    expect(log).toEqual([
      'event@10',
      'continuation@10',
      'deep@10',
      'tick@10',
      'micro-after-tick@10',
      'event@10.001',
    ]);
  });

  it('a Readable fed from a simulated socket sees each datagram at its arrival time', async () => {
    const net = new SimNetwork({ seed: 3 });
    net.link('10.0.0.1', '10.0.0.2', { delay: '10ms', bandwidth: '8Mbit', overhead: 0 });
    const rx = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 7 });
    const tx = await net.host('10.0.0.1').bind({ host: '0.0.0.0', port: 0 });
    const readable = new Readable({ read() {} });
    rx.onDatagram((data) => {
      readable.push(data);
    });
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const chunk of readable as AsyncIterable<Uint8Array>) {
        seen.push(`${chunk[0]}@${net.now}`);
        if (seen.length === 3) break;
      }
    })();
    for (let i = 0; i < 3; i++) tx.send([new Uint8Array(1000).fill(i)], rx.address());
    await net.runUntil(consumer);
    // 1000 B at 8 Mbit/s = 1 ms each, then 10 ms propagation.
    expect(seen).toEqual(['0@11', '1@12', '2@13']);
  });
});
