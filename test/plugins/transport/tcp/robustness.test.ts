import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';
import { writeTcpChecksum } from '../../../../plugins/transport/tcp/checksum.js';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';

const CLIENT = new Uint8Array([10, 0, 0, 1]);
const SERVER = new Uint8Array([10, 0, 0, 2]);

describe('tcp robustness', () => {
  it('never throws on arbitrary or mutated segments, valid checksums included (property)', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.c.write(randomBytes(5000));
    p.vt.advance(100);
    const templates = p.wire.log.filter((s) => s.from === 'client').map((s) => s.bytes);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          fc.tuple(fc.constantFrom(...templates), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })).map(
            ([t, muts]) => {
              const b = t.slice();
              for (const [i, v] of muts) b[i % b.length] = v;
              if (b.length >= 20) writeTcpChecksum(CLIENT, SERVER, [b]); // get past the checksum to the state machine
              return b;
            },
          ),
        ),
        (bytes) => {
          expect(() => p.s.handleDatagram(bytes)).not.toThrow();
          expect(() => p.vt.advance(1)).not.toThrow();
        },
      ),
      { numRuns: 3000 },
    );
    const drops = p.s.stats().drops as Record<string, number>;
    expect(Object.keys(drops).every((r) => r.startsWith('tcp_'))).toBe(true);
  });

  it('stalls on a zero window while the application is full, then completes exactly', () => {
    const p = makePair({ tcp: { receiveBuffer: 64 * 1024 } });
    p.client.keepChunks = false;
    p.server.keepChunks = false;
    p.wire.logging = false;
    p.c.start();
    const data = randomBytes(1_000_000);
    pump(p, 'client', data);
    p.vt.advance(300);
    p.server.accepting = false; // the application stops reading
    p.vt.advance(20_000);
    const stalled = p.server.receivedBytes;
    expect(p.s.stats().rcvWnd).toBe(0);
    p.vt.advance(10_000);
    expect(p.server.receivedBytes).toBe(stalled);
    p.server.accepting = true;
    p.s.resume();
    const ok = p.vt.runWhile(() => p.server.remoteEndedAt >= 0, 600_000);
    expect(ok).toBe(true);
    expect(p.server.digest()).toBe(sha256hex(data));
  });

  it('emits qlog-style trace events (packet_sent, packet_received, packet_lost, metrics_updated, connection_state_updated)', () => {
    let now = 0;
    const sink = new MemorySink();
    const p = makePair({ tracer: new SinkTracer(() => now, [sink]), tcp: { minRto: 200 } });
    let n = 0;
    p.wire.script = (seg) => (seg.from === 'client' && seg.length > 0 && ++n === 5 ? { drop: true } : undefined);
    p.c.start();
    pump(p, 'client', randomBytes(50_000));
    for (let i = 0; i < 100; i++) {
      p.vt.advance(50);
      now = p.vt.now();
    }
    const names = new Set(sink.events.map((e) => e.name));
    for (const name of ['packet_sent', 'packet_received', 'packet_lost', 'metrics_updated', 'connection_state_updated']) {
      expect(names.has(name), name).toBe(true);
    }
    const states = sink.named('connection_state_updated').filter((e) => e.group === 'client').map((e) => e.data.new);
    expect(states.slice(0, 2)).toEqual(['SYN-SENT', 'ESTABLISHED']);
    const m = sink.named('metrics_updated')[0].data;
    expect(Object.keys(m).sort()).toEqual(['bytesInFlight', 'cwnd', 'rto', 'rttvar', 'srtt', 'ssthresh']);
    expect(() => JSON.stringify(sink.events)).not.toThrow();
  });
});
