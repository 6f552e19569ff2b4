import { describe, it, expect } from 'vitest';
import { MemorySink, SinkTracer } from '../../../core/trace/tracer.js';
import { SimConfigError, SimNetwork, type LinkOptions, type SimLinkEvent } from '../../../core/sim/index.js';

const LOSSY: LinkOptions = {
  bandwidth: '20Mbit',
  delay: '15ms',
  jitter: '3ms',
  queue: { packets: 30 },
  loss: { type: 'gilbert-elliott', p: 0.02, r: 0.3 },
  reorder: { probability: 0.02, delay: '4ms' },
  duplicate: 0.01,
  corrupt: 0.01,
  ba: { bandwidth: '2Mbit', loss: 0.05 },
};

/** Runs an echo scenario with random traffic and returns the link trace as JSON plus a digest of received bytes. */
async function scenario(seed: number, extra?: (net: SimNetwork) => void): Promise<{ trace: string; received: string }> {
  const events: SimLinkEvent[] = [];
  const net = new SimNetwork({ seed, onEvent: (e) => events.push(e) });
  net.link('10.0.0.1', '10.0.0.2', LOSSY);
  extra?.(net);
  const server = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 7 });
  server.onDatagram((d, from) => server.send([d.subarray(0, 64)], from));
  const client = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 0, connect: server.address() });
  const received: string[] = [];
  client.onDatagram((d) => received.push(`${net.now.toFixed(6)}:${Buffer.from(d).toString('hex').slice(0, 24)}`));
  const rnd = net.random('traffic');
  const timer = net.host('10.0.0.1').environment.timers.createTimer(() => {
    const d = new Uint8Array(1 + (rnd.uint32() % 1400));
    rnd.fill(d);
    client.send([d]);
    if (net.now < 1000) timer.arm(net.now + rnd.float());
  });
  timer.arm(0);
  await net.runUntilIdle();
  return { trace: JSON.stringify(events), received: received.join('\n') };
}

describe('determinism', () => {
  it('the same seed and configuration give the same trace byte for byte', async () => {
    const a = await scenario(42);
    const b = await scenario(42);
    expect(a.trace.length).toBeGreaterThan(10_000);
    expect(a.trace).toBe(b.trace);
    expect(a.received).toBe(b.received);
    for (const kind of ['"drop"', '"duplicate"', '"corrupt"', '"reorder"', '"deliver"']) expect(a.trace).toContain(kind);
  });

  it('different seeds give different traces', async () => {
    const a = await scenario(42);
    const b = await scenario(43);
    expect(a.trace).not.toBe(b.trace);
  });

  it('adding another link (and hosts) elsewhere does not perturb this link\u2019s random choices', async () => {
    const a = await scenario(42);
    const b = await scenario(42, (net) => {
      net.link('10.0.1.1', '10.0.1.2', { loss: 0.5, jitter: 1 });
      net.host('10.0.2.1').random.uint32();
    });
    expect(b.trace).toBe(a.trace);
  });
});

describe('observability', () => {
  it('sends link events to a tracer', async () => {
    const sink = new MemorySink();
    let clock = (): number => 0;
    const net: SimNetwork = new SimNetwork({ tracer: new SinkTracer(() => clock(), [sink]) });
    clock = () => net.now;
    net.link('10.0.0.1', '10.0.0.2', { delay: 2, dropScript: [2] });
    const rx = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 1 });
    const tx = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 1 });
    tx.send([new Uint8Array(10)], rx.address());
    tx.send([new Uint8Array(20)], rx.address());
    await net.runUntilIdle();
    expect(sink.events.map((e) => `${e.time} ${e.name} ${String(e.data.n)}`)).toEqual([
      '0 link_send 1',
      '0 link_send 2',
      '0 link_drop 2',
      '2 link_deliver 1',
    ]);
    expect(sink.named('link_drop')[0].data).toMatchObject({ reason: 'scripted', size: 20, link: '10.0.0.1>10.0.0.2' });
  });

  it('reports per-direction counters in stats()', async () => {
    const net = new SimNetwork();
    net.link('10.0.0.1', '10.0.0.2', { bandwidth: '1Mbit', overhead: 0 });
    const rx = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 1 });
    const tx = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 1 });
    for (let i = 0; i < 4; i++) tx.send([new Uint8Array(125)], rx.address());
    await net.runUntilIdle();
    const s = net.stats();
    expect(s.now).toBe(4);
    expect(s.links['10.0.0.1>10.0.0.2']).toMatchObject({
      sent: 4,
      delivered: 4,
      bytesDelivered: 500,
      wireBytesDelivered: 500,
      busyTime: 4,
      transmitted: 4,
      queueDelayTotal: 6, // waits of 0, 1, 2 and 3 ms
      maxQueuePackets: 3,
      queuePackets: 0,
    });
    expect(s.links['10.0.0.2>10.0.0.1'].sent).toBe(0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('building networks', () => {
  it('applies common options to both directions and ab/ba overrides to one', () => {
    const net = new SimNetwork();
    const link = net.link('10.0.0.1', '10.0.0.2', { delay: '10ms', bandwidth: '10Mbit', ab: { delay: '30ms' } });
    expect(link.ab.cfg).toMatchObject({ delay: 30, bandwidth: 1e7 });
    expect(link.ba.cfg).toMatchObject({ delay: 10, bandwidth: 1e7 });
  });

  it('rejects duplicate links, self links and bad options with typed errors', () => {
    const net = new SimNetwork();
    net.link('10.0.0.1', '10.0.0.2');
    expect(() => net.link('10.0.0.2', '10.0.0.1')).toThrow(SimConfigError);
    expect(() => net.link('10.0.0.1', '10.0.0.1')).toThrow(SimConfigError);
    expect(() => net.link('10.0.0.3', '10.0.0.4', { bandwidth: 'lots' })).toThrow(
      expect.objectContaining({ code: 'ERR_SIM_BAD_UNIT', path: 'link(10.0.0.3,10.0.0.4).ab.bandwidth' }),
    );
    expect(() => net.link('10.0.0.5', '10.0.0.6', { queue: '1bdp' })).toThrow(expect.objectContaining({ code: 'ERR_SIM_BAD_UNIT' }));
    expect(() => net.link('10.0.0.7', '10.0.0.8', { corrupt: { probability: 0.1, bits: 0 } })).toThrow(SimConfigError);
    expect(() => net.link('10.0.0.9', '10.0.0.10', { down: [[20, 10]] })).toThrow(SimConfigError);
  });

  it('rejects misspelt options, naming the path and the options that exist', () => {
    const net = new SimNetwork();
    /** A link with options the types would not allow (a plain-JavaScript user's typo). */
    const link = (a: string, options: unknown): unknown => net.link(`10.1.0.${a}`, `10.2.0.${a}`, options as LinkOptions);
    const bad = (a: string, options: unknown, path: string): void => {
      expect(() => link(a, options)).toThrow(expect.objectContaining({ code: 'ERR_SIM_BAD_OPTION', path: `link(10.1.0.${a},10.2.0.${a})${path}` }));
    };
    bad('1', { delya: '50ms' }, '.delya');
    bad('2', { lose: 0.5 }, '.lose');
    bad('3', { ab: { jiter: '5ms' } }, '.ab.jiter');
    bad('4', { queue: { packet: 5 } }, '.ab.queue.packet');
    bad('5', { queue: { type: 'codel', targt: 5 } }, '.ab.queue.targt');
    bad('6', { loss: { type: 'gilbert-elliott', p: 0.01, r: 0.5, kk: 1 } }, '.ab.loss.kk');
    bad('7', { reorder: { probability: 0.1, dealy: 5 } }, '.ab.reorder.dealy');
    bad('8', { corrupt: { probability: 0.1, bit: 2 } }, '.ab.corrupt.bit');
    expect(() => link('1', { delya: '50ms' })).toThrow(/expected one of bandwidth, delay, jitter/);
    expect(() => new SimNetwork({ sed: 3 } as never)).toThrow(expect.objectContaining({ path: 'SimNetwork.sed' }));
    return expect(net.run({ fro: '1s' } as never)).rejects.toMatchObject({ path: 'run.fro' });
  });

  it('rejects a bandwidth of zero (leave it out for an unlimited link)', () => {
    const net = new SimNetwork();
    for (const [i, bandwidth] of [0, '0Mbit'].entries()) {
      expect(() => net.link(`10.3.0.${i}`, `10.4.0.${i}`, { bandwidth })).toThrow(
        expect.objectContaining({ code: 'ERR_SIM_BAD_OPTION', path: `link(10.3.0.${i},10.4.0.${i}).ab.bandwidth` }),
      );
    }
  });
});
