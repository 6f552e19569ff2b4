/**
 * Zero checksum (RFC 9653): under a confidential, authenticated security
 * layer (DTLS), each side announces Zero Checksum Acceptable with the DTLS
 * method in its INIT / INIT ACK, and then sends packets with a zero
 * checksum, except INIT and COOKIE ECHO, which always carry a CRC32c.
 * Without a security layer nothing changes: every packet has a CRC32c and
 * a zero checksum is refused.
 */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { decodeInit, encodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { packetChecksum, storedChecksum } from '../../../../plugins/transport/sctp/packet.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fields = { initiateTag: 7, arwnd: 65536, outboundStreams: 4, maxInboundStreams: 4, initialTsn: 1, forwardTsn: false };

/** The parameter TLVs of an encoded INIT chunk (type, value). */
function params(chunk: Uint8Array): { type: number; value: Uint8Array }[] {
  const out: { type: number; value: Uint8Array }[] = [];
  for (let i = 20; i + 4 <= chunk.length; ) {
    const len = (chunk[i + 2] << 8) | chunk[i + 3];
    out.push({ type: (chunk[i] << 8) | chunk[i + 1], value: chunk.subarray(i + 4, i + len) });
    i += (len + 3) & ~3;
  }
  return out;
}

const hasCrc = (p: Uint8Array): boolean => storedChecksum(p) === packetChecksum(p);
const firstChunk = (p: Uint8Array): number => p[12];

function transfer(pair: SctpPair, size: number): Uint8Array {
  const data = pattern(size, 11);
  for (let off = 0; off < size; off += 1000) pair.client.sendMessage!(data.subarray(off, Math.min(size, off + 1000)), {});
  pair.time.runUntil(() => pair.serverLog.totalBytes >= size, pair.time.now() + 120_000);
  return data;
}

describe('Zero Checksum Acceptable parameter (RFC 9653 §4)', () => {
  it('is encoded as type 0x8001, length 8, the EDMID, and decoded back', () => {
    const c = encodeInit({ ...fields, zeroChecksumEdmid: 1 }, false);
    expect(params(c)).toEqual([{ type: 0x8001, value: Uint8Array.of(0, 0, 0, 1) }]);
    expect(decodeInit(c, 4, c.length, false).zeroChecksumEdmid).toBe(1);
  });

  it('is absent unless asked for, and a parameter of the wrong length is ignored', () => {
    const plain = encodeInit(fields, false);
    expect(params(plain).some((p) => p.type === 0x8001)).toBe(false);
    expect(decodeInit(plain, 4, plain.length, false).zeroChecksumEdmid).toBe(-1);
    // The same INIT with a 6-byte Zero Checksum Acceptable parameter (padded to 8).
    const bad = new Uint8Array(plain.length + 8);
    bad.set(plain);
    bad.set([0x80, 0x01, 0, 6, 0, 1, 0, 0], plain.length);
    bad[3] = bad.length - 2;
    expect(decodeInit(bad, 4, bad.length - 2, false).zeroChecksumEdmid).toBe(-1);
  });
});

describe('zero checksum in an association (RFC 9653 §5)', () => {
  it('under DTLS: both sides announce it; INIT and COOKIE ECHO keep their CRC32c, later packets carry zero; data arrive exactly', () => {
    const pair = new SctpPair({ secured: true, script: (_d, i) => (i % 17 === 5 ? 'drop' : 'pass') }).connect();
    const init = pair.wire.c2s[0];
    const initAck = pair.wire.s2c[0];
    expect(firstChunk(init)).toBe(ChunkType.INIT);
    expect(params(init.subarray(12)).some((p) => p.type === 0x8001)).toBe(true);
    expect(firstChunk(initAck)).toBe(ChunkType.INIT_ACK);
    expect(params(initAck.subarray(12)).some((p) => p.type === 0x8001)).toBe(true);
    const data = transfer(pair, 300_000);
    expect(pair.serverLog.totalBytes).toBe(300_000);
    expect(sha(pair.serverLog.bytesOn(0))).toBe(sha(data));
    for (const p of [...pair.wire.c2s, ...pair.wire.s2c]) {
      const t = firstChunk(p);
      if (t === ChunkType.INIT || t === ChunkType.INIT_ACK || t === ChunkType.COOKIE_ECHO) expect(hasCrc(p)).toBe(true);
    }
    const dataPackets = pair.wire.c2s.filter((p) => chunksOf(p).some((c) => c.type === ChunkType.DATA));
    const sackPackets = pair.wire.s2c.filter((p) => chunksOf(p).some((c) => c.type === ChunkType.SACK));
    expect(dataPackets.length).toBeGreaterThan(200);
    expect(sackPackets.length).toBeGreaterThan(50);
    expect(dataPackets.every((p) => storedChecksum(p) === 0)).toBe(true);
    expect(sackPackets.every((p) => storedChecksum(p) === 0)).toBe(true);
  });

  it('without a security layer: every packet has a CRC32c and a packet with a zero checksum is dropped', () => {
    const pair = new SctpPair().connect();
    expect(params(pair.wire.c2s[0].subarray(12)).some((p) => p.type === 0x8001)).toBe(false);
    transfer(pair, 50_000);
    expect([...pair.wire.c2s, ...pair.wire.s2c].every(hasCrc)).toBe(true);
    // A copy of the last DATA packet with a new TSN and its checksum field zeroed is refused.
    const last = pair.wire.c2s.filter((p) => p[12] === ChunkType.DATA).at(-1) as Uint8Array;
    const forged = last.slice();
    forged[19] ^= 0x40; // TSN
    forged.fill(0, 8, 12);
    const before = pair.serverLog.totalBytes;
    pair.arriveAtServer(forged);
    expect(pair.serverLog.drops.sctp_bad_crc).toBe(1);
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.totalBytes).toBe(before);
  });

  it('a mixed pair (only the client secured) keeps CRC32c on every packet both ways', () => {
    const pair = new SctpPair({ secured: true, serverSecured: false }).connect();
    const data = transfer(pair, 100_000);
    expect(sha(pair.serverLog.bytesOn(0))).toBe(sha(data));
    // The server did not announce it, so the client must not send zero; the server, not secured, never does.
    expect([...pair.wire.c2s, ...pair.wire.s2c].every(hasCrc)).toBe(true);
  });
});
