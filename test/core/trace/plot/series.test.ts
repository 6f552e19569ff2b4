import { describe, it, expect } from 'vitest';
import { chartFromTrace, packetBytes, seriesFromTrace, UNGROUPED } from '../../../../core/trace/plot/series.js';
import { renderTimeSeriesSvg } from '../../../../core/trace/plot/svg.js';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';
import { JsonSeqSink, readJsonSeq } from '../../../../core/trace/jsonseq.js';
import type { TraceEvent } from '../../../../core/trace/tracer.js';
import { ConfigError } from '../../../../core/errors.js';

const ev = (time: number, name: string, data: Record<string, unknown>, group?: string): TraceEvent =>
  group === undefined ? { time, name, data } : { time, name, group, data };

describe('seriesFromTrace: gauges from metrics_updated', () => {
  const events: TraceEvent[] = [
    ev(0, 'metrics_updated', { cwnd: 12000, smoothed_rtt: 50 }, 'c1'),
    ev(1, 'packet_sent', { cwnd: 999999, size: 1200 }, 'c1'),
    ev(5, 'metrics_updated', { congestion_window: 24000, bytesInFlight: 3600 }, 'c2'),
    ev(10, 'metrics_updated', { cwnd: 24000 }, 'c1'),
    ev(12, 'metrics_updated', { srtt: 40 }, 'c1'),
    ev(20, 'metrics_updated', { congestion_window: 12000, bytes_in_flight: 0 }, 'c2'),
  ];

  it('gives one step series per group, in order of first appearance', () => {
    const s = seriesFromTrace(events, { metric: 'cwnd' });
    expect(s).toEqual([
      { name: 'c1', points: [[0, 12000], [10, 24000]], step: true },
      { name: 'c2', points: [[5, 24000], [20, 12000]], step: true },
    ]);
  });

  it('reads qlog names and our short names, and only from metrics_updated', () => {
    expect(seriesFromTrace(events, { metric: 'smoothed_rtt' })).toEqual([{ name: 'c1', points: [[0, 50], [12, 40]], step: true }]);
    expect(seriesFromTrace(events, { metric: 'bytes_in_flight' })[0].points).toEqual([[5, 3600], [20, 0]]);
  });

  it('filters by group', () => {
    const s = seriesFromTrace(events, { metric: 'cwnd', group: 'c2' });
    expect(s.map((x) => x.name)).toEqual(['c2']);
    expect(seriesFromTrace(events, { metric: 'cwnd', group: 'nope' })).toEqual([]);
  });

  it('puts events without a group in one series and skips non-finite values', () => {
    const s = seriesFromTrace(
      [ev(1, 'metrics_updated', { cwnd: 1 }), ev(2, 'metrics_updated', { cwnd: NaN }), ev(3, 'metrics_updated', { cwnd: '5' }), ev(4, 'metrics_updated', { cwnd: 4 })],
      { metric: 'cwnd' },
    );
    expect(s).toEqual([{ name: UNGROUPED, points: [[1, 1], [4, 4]], step: true }]);
  });

  it('reads queue_length from any event', () => {
    const s = seriesFromTrace([ev(1, 'queue_updated', { queue_length: 3 }, 'link'), ev(2, 'metrics_updated', { queue_length: 5 }, 'link')], {
      metric: 'queue_length',
    });
    expect(s[0].points).toEqual([[1, 3], [2, 5]]);
  });

  it("plots the simulator's queues from a traced network: bytes waiting, one series per link direction", async () => {
    const { SimNetwork } = await import('../../../../core/sim/index.js');
    const sink = new MemorySink();
    const clock = { now: (): number => 0 };
    const net = new SimNetwork({ seed: 1, tracer: new SinkTracer(() => clock.now(), [sink]) });
    clock.now = () => net.now;
    const link = net.link('10.0.0.1', '10.0.0.2', { bandwidth: '8Mbit', delay: '1ms' }); // 1 byte per µs
    const a = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 1000 });
    const b = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 2000 });
    b.onDatagram(() => {});
    for (let i = 0; i < 5; i++) a.send([new Uint8Array(972)], { address: '10.0.0.2', family: 'IPv4', port: 2000 }); // 1000 wire bytes each
    expect(link.ab.queueBytes).toBe(4000); // the first is being serialised
    await net.runUntilIdle();
    const s = seriesFromTrace(sink.events, { metric: 'queue_length' });
    expect(s.map((x) => x.name)).toEqual(['10.0.0.1>10.0.0.2']);
    const values = s[0].points.map(([, v]) => v);
    expect(Math.max(...values)).toBe(3000); // what the fifth datagram found: three waiting, one being serialised
    expect(values.at(-1)).toBe(0);
    expect(chartFromTrace(sink.events, { metric: 'queue_length' }).yUnit).toBe('bytes');
  });
});

describe('seriesFromTrace: throughput', () => {
  it('sums packet_received bytes per window into bytes per second, with empty windows as 0', () => {
    const events = [
      ev(0, 'packet_received', { length: 1000 }),
      ev(50, 'packet_received', { size: 1000 }),
      ev(120, 'packet_sent', { length: 1e9 }),
      ev(150, 'packet_received', { raw: { length: 500 } }),
      ev(350, 'packet_received', { bytes: 2000 }),
    ];
    const [s] = seriesFromTrace(events, { metric: 'throughput', windowMs: 100 });
    expect(s.points).toEqual([
      [0, 20_000],
      [100, 5_000],
      [200, 0],
      [300, 20_000],
      [400, 20_000],
    ]);
    expect(s.step).toBe(true);
  });

  it('rejects a window that is not a positive number of ms, or that gives too many windows, with a ConfigError', () => {
    const events = [ev(0, 'packet_received', { length: 1 }), ev(10_000, 'packet_received', { length: 1 })];
    for (const windowMs of [0, -5, NaN, Infinity]) {
      expect(() => seriesFromTrace(events, { metric: 'throughput', windowMs })).toThrow(ConfigError);
    }
    try {
      seriesFromTrace(events, { metric: 'throughput', windowMs: 0.001 });
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('ERR_CONFIG_INVALID');
      expect((err as ConfigError).path).toBe('windowMs');
    }
  });

  it('gives no series when nothing was received', () => {
    expect(seriesFromTrace([ev(0, 'packet_sent', { length: 1 })], { metric: 'throughput' })).toEqual([]);
  });

  it('knows the usual byte-count fields', () => {
    expect(packetBytes({ payload_length: 7 })).toBe(7);
    expect(packetBytes({ raw: { payload_length: 9 } })).toBe(9);
    expect(packetBytes({ raw: null })).toBeUndefined();
    expect(packetBytes({})).toBeUndefined();
  });
});

describe('chartFromTrace: from a recorded trace to an SVG', () => {
  it('plots cwnd of several connections read back from a JSON-SEQ file, one polyline each', () => {
    let now = 0;
    const chunks: string[] = [];
    const sink = new JsonSeqSink({ write: (s: string) => chunks.push(s) });
    const memory = new MemorySink();
    const root = new SinkTracer(() => now, [sink, memory]);
    const conns = [root.child('conn-1'), root.child('conn-2'), root.child('conn-3')];
    for (now = 0; now < 1000; now += 10) {
      conns.forEach((c, i) => c.emit('metrics_updated', { cwnd: 1200 * (10 + ((now / 10 + i * 7) % 40)) }));
    }
    sink.close();
    const fromFile = readJsonSeq(chunks.join('')).events;
    expect(fromFile).toEqual(memory.events);
    const chart = chartFromTrace(fromFile, { metric: 'cwnd', title: 'three flows' });
    expect(chart.yUnit).toBe('bytes');
    const svg = renderTimeSeriesSvg(chart);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('conn-2');
    expect(svg).toContain('kB');
  });
});
