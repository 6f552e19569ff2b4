import { describe, it, expect } from 'vitest';
import { SimNetwork } from '../../../../core/sim/index.js';
import { createStack } from '../../../../core/index.js';
import type { Connection } from '../../../../core/connection/connection.js';
import tcpPlugin from '../../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../../plugins/congestion/reno/index.js';
import { JsonSeqSink, readJsonSeq } from '../../../../core/trace/jsonseq.js';
import { chartFromTrace, seriesFromTrace } from '../../../../core/trace/plot/series.js';
import { renderTimeSeriesSvg } from '../../../../core/trace/plot/svg.js';

/** Run a 1 MB tcp transfer on a lossy simulated link, tracing both ends to JSON-SEQ text. */
async function tracedTransfer(): Promise<{ client: string; server: string; received: number }> {
  const net = new SimNetwork({ seed: 7 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: '20Mbit', delay: '10ms', loss: 0.01 } as never);
  const clientText: string[] = [];
  const serverText: string[] = [];
  const clientSink = new JsonSeqSink({ write: (s: string) => clientText.push(s) }, { title: 'client', vantagePoint: { type: 'client' } });
  const serverSink = new JsonSeqSink({ write: (s: string) => serverText.push(s) }, { title: 'server', vantagePoint: { type: 'server' } });
  const config = { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' } as const;
  const plugins = [tcpPlugin, renoPlugin];
  const client = await createStack(config, { substrate: a, plugins, trace: clientSink });
  const server = await createStack(config, { substrate: b, plugins, trace: serverSink });
  let received = 0;
  try {
    const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
    const ended = new Promise<void>((resolve) => {
      srv.on('connection', (c: Connection) => {
        c.on('data', (d: Buffer) => (received += d.length));
        c.on('end', () => {
          c.end();
          resolve();
        });
      });
    });
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    conn.end(Buffer.alloc(1 << 20, 7));
    await net.runUntil(ended, { limit: '120s' });
  } finally {
    await Promise.all([client.close(), server.close()]);
    clientSink.close();
    serverSink.close();
  }
  return { client: clientText.join(''), server: serverText.join(''), received };
}

describe('from a traced tcp transfer to SVG charts', () => {
  it('records qlog JSON-SEQ that reads back and plots cwnd and receive throughput', async () => {
    const { client, server, received } = await tracedTransfer();
    expect(received).toBe(1 << 20);

    const c = readJsonSeq(client);
    const s = readJsonSeq(server);
    expect(c.header.trace.vantage_point).toEqual({ type: 'client' });
    expect(c.events.some((e) => e.name === 'packet_sent')).toBe(true);
    expect(c.events.some((e) => e.name === 'metrics_updated')).toBe(true);
    for (let i = 1; i < c.events.length; i++) expect(c.events[i].time).toBeGreaterThanOrEqual(c.events[i - 1].time);

    const cwnd = seriesFromTrace(c.events, { metric: 'cwnd' });
    expect(cwnd).toHaveLength(1);
    expect(cwnd[0].points.length).toBeGreaterThan(10);
    expect(Math.max(...cwnd[0].points.map((p) => p[1]))).toBeGreaterThan(Math.min(...cwnd[0].points.map((p) => p[1])));

    const [tput] = seriesFromTrace(s.events, { metric: 'throughput', windowMs: 50 });
    const windows = tput.points.slice(0, -1);
    const bytes = windows.reduce((sum, [, v]) => sum + (v * 50) / 1000, 0);
    // Every payload byte arrived at least once (retransmissions may add more).
    expect(bytes).toBeGreaterThanOrEqual(1 << 20);
    expect(Math.max(...windows.map((p) => p[1]))).toBeLessThanOrEqual((20e6 / 8) * 1.05);

    const svg = renderTimeSeriesSvg(chartFromTrace(c.events, { metric: 'cwnd', title: 'tcp cwnd, 1 % loss' }));
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
