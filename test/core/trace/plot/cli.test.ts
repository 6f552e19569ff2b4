import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlotArgs, plotCli } from '../../../../core/trace/plot/cli.js';
import { JsonSeqSink } from '../../../../core/trace/jsonseq.js';
import { SinkTracer } from '../../../../core/trace/tracer.js';

describe('plot command line', () => {
  it('parses the options', () => {
    expect(parsePlotArgs(['t.sqlog', '--metric', 'throughput', '--window', '50', '--group', 'c1', '--out', 'o.svg', '--title', 'T'])).toEqual({
      input: 't.sqlog',
      metric: 'throughput',
      windowMs: 50,
      group: 'c1',
      out: 'o.svg',
      title: 'T',
    });
  });

  it('rejects a missing input, an unknown metric, a bad window and unknown options', () => {
    expect(() => parsePlotArgs(['--metric', 'cwnd'])).toThrow(/usage/);
    expect(() => parsePlotArgs(['t', '--metric', 'rtt'])).toThrow(/--metric must be one of/);
    expect(() => parsePlotArgs(['t', '--metric', 'cwnd', '--window', '0'])).toThrow(/--window/);
    expect(() => parsePlotArgs(['t', '--metric', 'cwnd', '--bogus'])).toThrow(/unknown option/);
    expect(() => parsePlotArgs(['t', '--metric'])).toThrow(/needs a value/);
  });

  it('plots a JSON-SEQ trace file to an SVG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toukit-plot-'));
    try {
      const trace = join(dir, 't.sqlog');
      let now = 0;
      const sink = JsonSeqSink.toFile(trace);
      const tracer = new SinkTracer(() => now, [sink]);
      for (now = 0; now < 500; now += 5) tracer.child('c1').emit('metrics_updated', { cwnd: 1200 * (1 + now / 5), srtt: 20 });
      sink.close();
      const out = join(dir, 'o.svg');
      const svg = plotCli({ input: trace, metric: 'cwnd', out, title: 'cwnd c1' });
      expect(readFileSync(out, 'utf8')).toBe(svg);
      expect(svg.match(/<polyline /g)).toHaveLength(1);
      expect(svg).toContain('cwnd c1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
