/**
 * Filling packets (RFC 9260 §6.9, §6.10): a message that has to be
 * fragmented anyway starts in the free tail of the packet carrying the end
 * of the previous one, so large messages take fewer packets; messages that
 * fit in one chunk are never split.
 */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType, FLAG_B, FLAG_E } from '../../../../plugins/transport/sctp/chunk-types.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function dataChunks(pair: SctpPair): { flags: number; tsn: number; len: number; packet: number }[] {
  const out: { flags: number; tsn: number; len: number; packet: number }[] = [];
  pair.wire.c2s.forEach((p, packet) => {
    for (const c of chunksOf(p)) if (c.type === ChunkType.DATA) out.push({ flags: c.flags, tsn: c.tsn as number, len: c.value.length - 12, packet });
  });
  return out;
}

describe('packet filling with fragments', () => {
  it('starts a large message in the tail of the packet that ends the previous one, and reassembles all exactly', () => {
    const pair = new SctpPair({ mtu: 1200 }).connect();
    // 4000 bytes = 3 full chunks of 1172 bytes and a 484-byte tail, which leaves room in its packet.
    const msgs = Array.from({ length: 10 }, (_, i) => pattern(4000, i + 1));
    for (const m of msgs) pair.client.sendMessage!(m, {});
    pair.time.runUntil(() => pair.serverLog.messages.length >= msgs.length, pair.time.now() + 60_000);
    expect(pair.serverLog.messages.map((m) => sha(m.data))).toEqual(msgs.map(sha));
    const chunks = dataChunks(pair);
    // Packets where one message ends and the next begins, cut to the room left (data sent while cwnd-limited).
    const shared = chunks.filter((c, i) => i > 0 && (c.flags & FLAG_B) !== 0 && (chunks[i - 1].flags & FLAG_E) !== 0 && chunks[i - 1].packet === c.packet);
    expect(shared.length).toBeGreaterThan(3);
    for (const c of shared) {
      expect(c.len).toBeLessThan(1172);
      expect(c.flags & FLAG_E).toBe(0);
    }
    // Fewer packets than the 10 × 4 it takes when each message starts a packet.
    const packets = new Set(chunks.map((c) => c.packet)).size;
    expect(packets).toBeLessThan(40 - 3);
  });

  it('never splits a message that fits in one chunk', () => {
    const pair = new SctpPair({ mtu: 1200 }).connect();
    const msgs = Array.from({ length: 200 }, (_, i) => pattern(700 + (i % 5) * 100, i));
    for (const m of msgs) pair.client.sendMessage!(m, {});
    pair.time.runUntil(() => pair.serverLog.messages.length >= msgs.length, pair.time.now() + 60_000);
    expect(pair.serverLog.messages.map((m) => sha(m.data))).toEqual(msgs.map(sha));
    expect(dataChunks(pair).every((c) => (c.flags & (FLAG_B | FLAG_E)) === (FLAG_B | FLAG_E))).toBe(true);
  });
});
