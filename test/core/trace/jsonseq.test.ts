import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  JsonSeqError,
  JsonSeqSink,
  QLOG_EVENT_NAMES,
  RECORD_SEPARATOR,
  fromQlogName,
  readJsonSeq,
  toQlogName,
} from '../../../core/trace/jsonseq.js';
import { SinkTracer } from '../../../core/trace/tracer.js';
import type { TraceEvent } from '../../../core/trace/tracer.js';
import { DecodeError } from '../../../core/errors.js';

/** Collects what a sink writes. */
class StringOut {
  chunks: string[] = [];
  write(s: string): void {
    this.chunks.push(s);
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function records(text: string): string[] {
  return text.split(RECORD_SEPARATOR).slice(1);
}

describe('JsonSeqSink: RFC 7464 framing', () => {
  it('writes every record as RS, one JSON text, LF', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out, { title: 't' });
    sink.write({ time: 1, name: 'packet_sent', data: { size: 1200 } });
    sink.write({ time: 2, name: 'packet_received', data: { size: 1200 } });
    sink.close();
    const text = out.text;
    expect(text.startsWith('\u001e')).toBe(true);
    const recs = records(text);
    expect(recs).toHaveLength(3);
    for (const r of recs) {
      expect(r.endsWith('\n')).toBe(true);
      expect(r.slice(0, -1)).not.toContain('\n');
      expect(() => JSON.parse(r)).not.toThrow();
    }
  });

  it('never lets a raw RS or LF inside a record, whatever the strings contain', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out, { title: 'a\u001eb\nc' });
    sink.write({ time: 0, name: 'handshake_step', data: { note: 'x\u001ey\nz' } });
    sink.close();
    expect(records(out.text)).toHaveLength(2);
    expect(readJsonSeq(out.text).events[0].data).toEqual({ note: 'x\u001ey\nz' });
  });

  it('starts with a qlog 0.3 JSON-SEQ header carrying title, common_fields and vantage_point', () => {
    const out = new StringOut();
    new JsonSeqSink(out, {
      title: 'bench run',
      description: 'two peers',
      vantagePoint: { name: 'client-1', type: 'client' },
      groupId: 'conn-1',
      referenceTime: 1_700_000_000_000,
    }).close();
    const header = JSON.parse(records(out.text)[0]);
    expect(header).toEqual({
      qlog_version: '0.3',
      qlog_format: 'JSON-SEQ',
      title: 'bench run',
      description: 'two peers',
      trace: {
        title: 'bench run',
        common_fields: { protocol_type: ['TOUKIT'], time_format: 'relative', group_id: 'conn-1', reference_time: 1_700_000_000_000 },
        vantage_point: { name: 'client-1', type: 'client' },
      },
    });
  });

  it('writes events as { time, name: "category:event", group_id?, data }', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out, { timeOrigin: 100 });
    sink.write({ time: 150.5, name: 'metrics_updated', group: 'c2', data: { cwnd: 14600 } });
    sink.write({ time: 160, name: 'packet_lost', data: { tsn: 7 } });
    sink.close();
    const [, a, b] = records(out.text).map((r) => JSON.parse(r));
    expect(a).toEqual({ time: 50.5, name: 'recovery:metrics_updated', group_id: 'c2', data: { cwnd: 14600 } });
    expect(b).toEqual({ time: 60, name: 'recovery:packet_lost', data: { tsn: 7 } });
  });

  it('maps every standard name to a qlog category and back', () => {
    expect(QLOG_EVENT_NAMES).toMatchObject({
      packet_sent: 'transport:packet_sent',
      packet_received: 'transport:packet_received',
      packet_dropped: 'transport:packet_dropped',
      packet_lost: 'recovery:packet_lost',
      metrics_updated: 'recovery:metrics_updated',
      congestion_state_updated: 'recovery:congestion_state_updated',
      connection_state_updated: 'connectivity:connection_state_updated',
    });
    for (const [ours, qlog] of Object.entries(QLOG_EVENT_NAMES)) {
      expect(toQlogName(ours)).toBe(qlog);
      expect(fromQlogName(qlog)).toBe(ours);
    }
    expect(toQlogName('sack_received')).toBe('toukit:sack_received');
    expect(fromQlogName('toukit:sack_received')).toBe('sack_received');
    expect(toQlogName('http:frame_created')).toBe('http:frame_created');
  });

  it('buffers until the threshold, and close() flushes the rest', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out, { bufferSize: 1000 });
    sink.write({ time: 0, name: 'packet_sent', data: {} });
    expect(out.chunks).toHaveLength(0);
    for (let i = 0; i < 50; i++) sink.write({ time: i, name: 'packet_sent', data: { n: i } });
    expect(out.chunks.length).toBeGreaterThan(0);
    sink.close();
    expect(readJsonSeq(out.text).events).toHaveLength(51);
    expect(sink.eventsWritten).toBe(51);
  });

  it('with bufferSize 0 writes each record through at once', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out, { bufferSize: 0 });
    expect(out.chunks).toHaveLength(1);
    sink.write({ time: 0, name: 'packet_sent', data: {} });
    expect(out.chunks).toHaveLength(2);
  });

  it('never throws from write(): bigints become strings, cyclic data is replaced and counted', () => {
    const out = new StringOut();
    const sink = new JsonSeqSink(out);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => sink.write({ time: 1, name: 'packet_sent', data: { seq: 2n ** 64n } })).not.toThrow();
    expect(() => sink.write({ time: 2, name: 'packet_sent', data: cyclic })).not.toThrow();
    sink.close();
    const { events } = readJsonSeq(out.text);
    expect(events[0].data).toEqual({ seq: '18446744073709551616' });
    expect(events[1].data).toEqual({ unserialisable: true });
    expect(sink.unserialisable).toBe(1);
  });

  it('ignores writes after close and closes only once', () => {
    const out = new StringOut();
    let closes = 0;
    const sink = new JsonSeqSink(out, {}, () => closes++);
    sink.close();
    sink.write({ time: 0, name: 'packet_sent', data: {} });
    sink.close();
    expect(closes).toBe(1);
    expect(readJsonSeq(out.text).events).toHaveLength(0);
  });

  it('writes to a file with buffered synchronous writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toukit-jsonseq-'));
    try {
      const path = join(dir, 'trace.sqlog');
      const sink = JsonSeqSink.toFile(path, { title: 'file', bufferSize: 256 });
      const tracer = new SinkTracer(() => 5, [sink]).child('conn-9');
      for (let i = 0; i < 100; i++) tracer.emit('packet_sent', { size: 1200, n: i });
      sink.close();
      const trace = readJsonSeq(readFileSync(path, 'utf8'));
      expect(trace.header.title).toBe('file');
      expect(trace.events).toHaveLength(100);
      expect(trace.events[99]).toEqual({ time: 5, name: 'packet_sent', group: 'conn-9', data: { size: 1200, n: 99 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readJsonSeq: round trip', () => {
  const eventArb = fc.record(
    {
      time: fc.nat({ max: 10_000_000 }).map((n) => n / 1000),
      name: fc.oneof(
        fc.constantFrom(...Object.keys(QLOG_EVENT_NAMES)),
        fc.stringMatching(/^[a-z_]{1,12}$/),
      ),
      group: fc.stringMatching(/^[a-z0-9/-]{1,8}$/),
      data: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    },
    { requiredKeys: ['time', 'name', 'data'] },
  );

  it('reads back exactly the events written (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.option(fc.stringMatching(/^[a-z]{1,5}$/), { nil: undefined }), (events, groupId) => {
        const out = new StringOut();
        const sink = new JsonSeqSink(out, { bufferSize: 64, groupId });
        for (const e of events) sink.write(e as TraceEvent);
        sink.close();
        const back = readJsonSeq(out.text);
        const expected = events.map((e) => {
          const group = e.group ?? groupId;
          const data = JSON.parse(JSON.stringify(e.data));
          return group === undefined ? { time: e.time, name: e.name, data } : { time: e.time, name: e.name, group, data };
        });
        expect(back.events).toEqual(expected);
        expect(back.skipped).toBe(0);
      }),
      { numRuns: 200, seed: 7464 },
    );
  });

  it('accepts consecutive separators (RFC 7464 §2.1: 1*RS)', () => {
    const text =
      '\u001e\u001e{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{}}\n\u001e\u001e\u001e{"time":1,"name":"transport:packet_sent","data":{}}\n\u001e';
    expect(readJsonSeq(text).events).toEqual([{ time: 1, name: 'packet_sent', data: {} }]);
  });
});

describe('readJsonSeq: malformed input', () => {
  const header = '\u001e{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{}}\n';
  const good = '\u001e{"time":1,"name":"transport:packet_sent","data":{}}\n';

  function codeOf(text: string): string {
    try {
      readJsonSeq(text);
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSeqError);
      expect(err).toBeInstanceOf(DecodeError);
      return (err as JsonSeqError).code;
    }
    throw new Error('expected readJsonSeq to throw');
  }

  it('rejects text that does not start with RS, including empty input', () => {
    expect(codeOf('')).toBe('ERR_JSONSEQ_NO_RS');
    expect(codeOf('{"qlog_format":"JSON-SEQ"}\n')).toBe('ERR_JSONSEQ_NO_RS');
  });

  it('rejects a record that does not end with LF as truncated', () => {
    expect(codeOf(header + '\u001e{"time":1,"name":"x","data":{}}')).toBe('ERR_JSONSEQ_TRUNCATED');
    expect(codeOf(header + '\u001e{"time":1,"na')).toBe('ERR_JSONSEQ_TRUNCATED');
  });

  it('rejects invalid JSON, naming the record index', () => {
    try {
      readJsonSeq(header + good + '\u001e{time: 1}\n');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSeqError);
      expect((err as JsonSeqError).code).toBe('ERR_JSONSEQ_BAD_JSON');
      expect((err as JsonSeqError).reason).toBe('jsonseq_bad_json');
      expect((err as JsonSeqError).record).toBe(2);
    }
  });

  it('rejects a first record that is not a qlog JSON-SEQ header', () => {
    expect(codeOf('\u001e{"qlog_version":"0.3","qlog_format":"JSON","trace":{}}\n')).toBe('ERR_JSONSEQ_BAD_HEADER');
    expect(codeOf('\u001e[1,2]\n')).toBe('ERR_JSONSEQ_BAD_HEADER');
    expect(codeOf('\u001e')).toBe('ERR_JSONSEQ_BAD_HEADER');
  });

  it('rejects events without time, name or object data, or with a non-string group_id', () => {
    expect(codeOf(header + '\u001e{"name":"a","data":{}}\n')).toBe('ERR_JSONSEQ_BAD_EVENT');
    expect(codeOf(header + '\u001e{"time":"1","name":"a","data":{}}\n')).toBe('ERR_JSONSEQ_BAD_EVENT');
    expect(codeOf(header + '\u001e{"time":1,"name":"a","data":[]}\n')).toBe('ERR_JSONSEQ_BAD_EVENT');
    expect(codeOf(header + '\u001e{"time":1,"name":"a","data":{},"group_id":3}\n')).toBe('ERR_JSONSEQ_BAD_EVENT');
    expect(codeOf(header + '\u001e7\n')).toBe('ERR_JSONSEQ_BAD_EVENT');
  });

  it("with onInvalid: 'skip' drops malformed event records and counts them", () => {
    const text = header + good + '\u001e{bad\n' + '\u001e{"time":2}\n' + good + '\u001e{"time":3,"name":"x","da';
    const trace = readJsonSeq(text, { onInvalid: 'skip' });
    expect(trace.events).toHaveLength(2);
    expect(trace.skipped).toBe(3);
  });

  it("still rejects a bad header with onInvalid: 'skip'", () => {
    expect(() => readJsonSeq('\u001e{}\n' + good, { onInvalid: 'skip' })).toThrow(JsonSeqError);
  });

  it('never throws anything but JsonSeqError on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\u001e', '\n', '{', '}', '"', ':', ',', '1', 'a', '[', ']', ' ') }), (tail) => {
        try {
          readJsonSeq(header + tail);
        } catch (err) {
          expect(err).toBeInstanceOf(JsonSeqError);
        }
      }),
      { numRuns: 500, seed: 1 },
    );
  });
});
