import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function chunkTypes(p: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 12; i + 4 <= p.length; ) {
    out.push(p[i]);
    const len = (p[i + 2] << 8) | p[i + 3];
    i += (len + 3) & ~3;
  }
  return out;
}

describe('SCTP association setup (RFC 9260 §5.1)', () => {
  it('completes the four-way handshake INIT, INIT ACK, COOKIE ECHO, COOKIE ACK', () => {
    const pair = new SctpPair().connect();
    expect(pair.clientLog.opened).toBe(1);
    expect(pair.serverLog.opened).toBe(1);
    expect(chunkTypes(pair.wire.c2s[0])).toEqual([ChunkType.INIT]);
    expect(chunkTypes(pair.wire.s2c[0])).toEqual([ChunkType.INIT_ACK]);
    expect(chunkTypes(pair.wire.c2s[1])).toEqual([ChunkType.COOKIE_ECHO]);
    expect(chunkTypes(pair.wire.s2c[1])).toEqual([ChunkType.COOKIE_ACK]);
    expect(pair.client.stats().state).toBe('ESTABLISHED');
    expect(pair.server?.stats().state).toBe('ESTABLISHED');
    expect(pair.clientLog.openedAt).toBe(40);
  });

  it('keeps no server state until a valid COOKIE ECHO arrives', () => {
    const pair = new SctpPair({ script: (dir, i) => (dir === 'c2s' && i === 1 ? 'drop' : 'pass') });
    pair.start();
    pair.time.run(500);
    expect(pair.server).toBeUndefined();
    pair.time.runUntil(() => pair.serverLog.opened > 0 && pair.clientLog.opened > 0);
    expect(pair.serverLog.opened).toBe(1);
    expect(pair.clientLog.opened).toBe(1);
  });

  it('retransmits INIT on T1 expiry and gives up after Max.Init.Retransmits', () => {
    const pair = new SctpPair({ client: { maxInitRetransmits: 2, rtoInitial: 100, rtoMin: 100 }, script: () => 'drop' });
    pair.start();
    pair.time.run(60_000);
    expect(pair.wire.c2s.length).toBe(0);
    expect(pair.clientLog.closed).toBe(1);
    expect((pair.clientLog.closeError as { code?: string }).code).toBe('ERR_SCTP_PEER_UNREACHABLE');
  });
});

describe('SCTP data transfer', () => {
  it('delivers messages in order on a stream with their PPID', () => {
    const pair = new SctpPair().connect();
    for (let i = 0; i < 10; i++) pair.client.sendMessage!(Uint8Array.of(i, i, i), { stream: 3, ppid: 51 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pair.serverLog.messages.every((m) => m.info.stream === 3 && m.info.ppid === 51 && !m.info.unordered)).toBe(true);
  });

  it('fragments and reassembles a 256 KiB message', () => {
    const pair = new SctpPair().connect();
    const big = pattern(256 * 1024);
    pair.client.sendMessage!(big, { stream: 1 });
    pair.time.run(pair.time.now() + 10_000);
    expect(pair.serverLog.messages.length).toBe(1);
    expect(sha(pair.serverLog.messages[0].data)).toBe(sha(big));
  });

  it('delivers every byte once in order under 10 % loss, duplication and reordering', () => {
    let n = 0;
    const pair = new SctpPair({
      seed: 3,
      jitter: 8,
      script: (_d, _i) => {
        n++;
        const r = (n * 2654435761) % 100;
        return r < 10 ? 'drop' : r < 13 ? 'dup' : 'pass';
      },
    }).connect();
    const data = pattern(2 * 1024 * 1024, 11);
    for (let off = 0; off < data.length; off += 10_000) pair.client.write(data.subarray(off, Math.min(data.length, off + 10_000)));
    pair.time.runUntil(() => pair.serverLog.totalBytes >= data.length, 3_600_000);
    expect(sha(pair.serverLog.bytesOn(0))).toBe(sha(data));
    expect((pair.client.stats().retransmissions as number) > 0).toBe(true);
  });
});

describe('tracing', () => {
  it('emits packet_sent, packet_received, metrics_updated and connection_state_updated when a tracer listens', () => {
    const sink = new MemorySink();
    let clock = (): number => 0;
    const p2 = new SctpPair({ tracer: new SinkTracer(() => clock(), [sink]) });
    clock = () => p2.time.now();
    p2.connect();
    p2.client.sendMessage!(Uint8Array.of(1), { stream: 0 });
    p2.time.run(p2.time.now() + 1000);
    const names = new Set(sink.events.map((e) => e.name));
    for (const n of ['packet_sent', 'packet_received', 'metrics_updated', 'connection_state_updated']) expect(names.has(n), n).toBe(true);
  });
});

describe('SACK timing (RFC 9260 §6.2)', () => {
  it('delays the SACK for a lone DATA packet by sackDelay, and acknowledges every second packet at once', () => {
    const pair = new SctpPair({ delay: 10 }).connect();
    const sent: { at: number; sack: boolean }[] = [];
    const orig = pair.transmit.bind(pair);
    pair.transmit = (dir, p) => {
      if (dir === 's2c') sent.push({ at: pair.time.now(), sack: chunksOf(p).some((c) => c.type === ChunkType.SACK) });
      orig(dir, p);
    };
    const t0 = pair.time.now();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 0 });
    pair.time.run(t0 + 1000);
    expect(sent.filter((s) => s.sack).map((s) => s.at - t0)).toEqual([10 + 200]);
    sent.length = 0;
    const t1 = pair.time.now();
    pair.client.sendMessage!(new Uint8Array(2000), { stream: 0 }); // two packets
    pair.time.run(t1 + 1000);
    expect(sent.filter((s) => s.sack).map((s) => s.at - t1)).toEqual([10]);
  });

  it('acknowledges at once when a gap appears or a duplicate arrives', () => {
    const pair = new SctpPair({ delay: 10, script: (dir, _i, p) => (dir === 'c2s' && chunksOf(p).some((c) => c.type === 0 && c.first === 0xaa) ? 'drop' : 'pass') }).connect();
    const sent: number[] = [];
    const orig = pair.transmit.bind(pair);
    pair.transmit = (dir, p) => {
      if (dir === 's2c' && chunksOf(p).some((c) => c.type === ChunkType.SACK)) sent.push(pair.time.now());
      orig(dir, p);
    };
    const t0 = pair.time.now();
    pair.client.sendMessage!(Uint8Array.of(0xaa), { stream: 0 }); // lost
    pair.client.sendMessage!(Uint8Array.of(0xbb), { stream: 1 }); // creates a gap
    pair.time.run(t0 + 100);
    expect(sent.map((t) => t - t0)).toEqual([10]);
  });
});
