import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType, FLAG_B, FLAG_E, FLAG_U } from '../../../../plugins/transport/sctp/chunk-types.js';
import { decodeIData, decodeIForwardTsn, encodeIForwardTsn, writeIData } from '../../../../plugins/transport/sctp/chunks/idata.js';
import { encodeForwardTsn } from '../../../../plugins/transport/sctp/chunks/forward-tsn.js';
import { PacketWriter, buildPacket, sealPacket } from '../../../../plugins/transport/sctp/packet.js';
import { CauseCode } from '../../../../plugins/transport/sctp/params.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const on = { interleaving: true };

/** Cause codes of the ABORT chunks the server sent. */
function abortCauses(pair: SctpPair): number[] {
  const aborts = pair.wire.s2c.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.ABORT);
  return aborts.flatMap((c) => {
    const codes: number[] = [];
    for (let i = 0; i + 4 <= c.value.length; ) {
      codes.push((c.value[i] << 8) | c.value[i + 1]);
      i += (((c.value[i + 2] << 8) | c.value[i + 3]) + 3) & ~3;
    }
    return codes;
  });
}

describe('I-DATA and I-FORWARD-TSN codecs (RFC 8260 §2.1, §2.3)', () => {
  it('puts the PPID in the first fragment and the FSN in later ones', () => {
    const w = new PacketWriter(200);
    w.begin(1, 2, 3);
    writeIData(w, FLAG_B, 7, 3, 0x01020304, 51, Uint8Array.of(1, 2));
    writeIData(w, FLAG_E | FLAG_U, 8, 3, 0x01020304, 1, Uint8Array.of(3));
    const p = w.finish();
    expect(p[12]).toBe(64);
    expect([p[14], p[15]]).toEqual([0, 22]);
    expect(decodeIData(p, 12, 34)).toMatchObject({ tsn: 7, stream: 3, mid: 0x01020304, ppid: 51, fsn: 0 });
    expect(decodeIData(p, 36, 36 + 21)).toMatchObject({ tsn: 8, mid: 0x01020304, ppid: 0, fsn: 1, flags: FLAG_E | FLAG_U });
  });

  it('round-trips I-FORWARD-TSN entries with their U bit', () => {
    const c = encodeIForwardTsn(99, [1, 0, 5, 2, 1, 0xffffffff]);
    expect(c[0]).toBe(194);
    expect(decodeIForwardTsn(c, 4, c.length)).toEqual({ newCumTsn: 99, entries: [1, 0, 5, 2, 1, 0xffffffff] });
    expect(() => decodeIForwardTsn(c, 4, c.length - 4)).toThrow(expect.objectContaining({ reason: 'sctp_bad_i_forward_tsn' }));
  });
});

describe('I-DATA negotiation (RFC 8260 §2.2)', () => {
  it('is used only when both sides offer it', () => {
    const both = new SctpPair({ client: on, server: on }).connect();
    expect(both.client.stats().interleaving).toBe(true);
    expect(both.server!.stats().interleaving).toBe(true);
    both.client.sendMessage!(Uint8Array.of(1), { stream: 0 });
    both.time.run(both.time.now() + 500);
    expect(both.wire.c2s.flatMap((p) => chunksOf(p).map((c) => c.type))).toContain(ChunkType.I_DATA);
    const one = new SctpPair({ client: on }).connect();
    expect(one.client.stats().interleaving).toBe(false);
    one.client.sendMessage!(Uint8Array.of(1), { stream: 0 });
    one.time.run(one.time.now() + 500);
    expect(one.serverLog.messages.length).toBe(1);
    expect(one.wire.c2s.flatMap((p) => chunksOf(p).map((c) => c.type))).not.toContain(ChunkType.I_DATA);
  });

  it('aborts when a peer sends DATA on an I-DATA association', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    const data = new Uint8Array(20);
    data.set([0, 3, 0, 20], 0);
    pair.server!.handleDatagram(buildPacket(5000, 7, pair.server!.localTag, [data]));
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
    expect(abortCauses(pair)).toEqual([CauseCode.PROTOCOL_VIOLATION]);
  });

  it('aborts when a peer sends I-DATA on an association that did not negotiate it', () => {
    const pair = new SctpPair({ client: on }).connect(); // the server does not offer I-DATA
    expect(pair.server!.stats().interleaving).toBe(false);
    const w = new PacketWriter(100);
    w.begin(5000, 7, pair.server!.localTag);
    writeIData(w, FLAG_B | FLAG_E, pair.server!.rx!.map.cumTsn + 1, 0, 0, 51, Uint8Array.of(1, 2, 3, 4));
    pair.server!.handleDatagram(w.finish());
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
    expect(abortCauses(pair)).toEqual([CauseCode.PROTOCOL_VIOLATION]);
    expect(pair.serverLog.messages).toHaveLength(0);
    // The cause says why (§3.3.10.13 Additional Information), so the peer's error does too.
    pair.time.run(pair.time.now() + 50);
    expect(pair.clientLog.closeError).toMatchObject({ code: 'ERR_SCTP_ABORTED', detail: 'I-DATA chunk on an association that did not negotiate I-DATA' });
  });
});

describe('I-FORWARD-TSN negotiation (RFC 8260 §2.3.1)', () => {
  const forwardTsn = (s: SctpAssociation): Uint8Array => encodeForwardTsn(s.rx!.map.cumTsn, []);
  const iForwardTsn = (s: SctpAssociation): Uint8Array => encodeIForwardTsn(s.rx!.map.cumTsn, []);

  it('aborts when a peer sends FORWARD-TSN on an association that uses I-DATA', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    const s = pair.server!;
    expect(s.stats()).toMatchObject({ interleaving: true, partialReliability: true });
    s.handleDatagram(buildPacket(5000, 7, s.localTag, [forwardTsn(s)]));
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
    expect(abortCauses(pair)).toEqual([CauseCode.PROTOCOL_VIOLATION]);
  });

  it('aborts when a peer sends I-FORWARD-TSN on an association that uses DATA', () => {
    const pair = new SctpPair({ client: on }).connect();
    const s = pair.server!;
    expect(s.stats()).toMatchObject({ interleaving: false, partialReliability: true });
    s.handleDatagram(buildPacket(5000, 7, s.localTag, [iForwardTsn(s)]));
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
    expect(abortCauses(pair)).toEqual([CauseCode.PROTOCOL_VIOLATION]);
  });

  it('treats both as unknown chunks when PR-SCTP was not negotiated (RFC 3758 §3.6): reported in an ERROR, the association stays', () => {
    for (const server of [{ partialReliability: false }, { ...on, partialReliability: false }]) {
      const pair = new SctpPair({ client: on, server }).connect();
      const s = pair.server!;
      expect(s.stats().partialReliability).toBe(false);
      const sent = pair.wire.s2c.length;
      s.handleDatagram(buildPacket(5000, 7, s.localTag, [forwardTsn(s)]));
      s.handleDatagram(buildPacket(5000, 7, s.localTag, [iForwardTsn(s)]));
      pair.time.run(pair.time.now() + 100);
      const errors = pair.wire.s2c.slice(sent).flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.ERROR);
      expect(errors.map((c) => (c.value[0] << 8) | c.value[1])).toEqual([CauseCode.UNRECOGNIZED_CHUNK, CauseCode.UNRECOGNIZED_CHUNK]);
      expect(errors.map((c) => c.value[4])).toEqual([ChunkType.FORWARD_TSN, ChunkType.I_FORWARD_TSN]);
      expect(s.state).toBe('ESTABLISHED');
    }
  });
});

describe('message interleaving', () => {
  function race(interleaving: boolean): { small: number; big: number } {
    const o = { interleaving };
    const pair = new SctpPair({ client: o, server: o, delay: 5 }).connect();
    const t0 = pair.time.now();
    pair.client.sendMessage!(pattern(250 * 1024, 1), { stream: 1 });
    pair.time.run(t0 + 30); // the big message is under way
    pair.client.sendMessage!(Uint8Array.of(42), { stream: 2 });
    pair.time.run(t0 + 60_000);
    const at = (len: number): number => pair.serverLog.messages.find((m) => m.data.length === len)!.at - t0;
    return { small: at(1), big: at(250 * 1024) };
  }

  it('lets a small message on another stream overtake a large one in progress with I-DATA, not with DATA', () => {
    const withIData = race(true);
    const withData = race(false);
    expect(withIData.small).toBeLessThan(60);
    expect(withIData.small).toBeLessThan(withIData.big);
    expect(withData.small).toBeGreaterThanOrEqual(withData.big);
  });

  it('reassembles interleaved messages exactly under loss, duplication and reordering', () => {
    let n = 0;
    const pair = new SctpPair({ client: on, server: on, seed: 8, jitter: 6, script: () => (++n * 2654435761) % 100 < 7 ? 'drop' : n % 31 === 0 ? 'dup' : 'pass' }).connect();
    const msgs = Array.from({ length: 24 }, (_, i) => pattern(2000 + i * 2311, 50 + i));
    msgs.forEach((m, i) => pair.client.sendMessage!(m, { stream: i % 4, unordered: i % 5 === 4, ppid: i }));
    pair.time.runUntil(() => pair.serverLog.messages.length === 24, 600_000);
    expect(pair.serverLog.messages.length).toBe(24);
    for (const m of pair.serverLog.messages) expect(sha(m.data)).toBe(sha(msgs[m.info.ppid]));
    for (let s = 0; s < 4; s++) {
      const ordered = pair.serverLog.messages.filter((m) => m.info.stream === s && !m.info.unordered).map((m) => m.info.ppid);
      expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    }
  });

  it('skips abandoned ordered and unordered messages with I-FORWARD-TSN', () => {
    let dropping = true;
    const pair = new SctpPair({
      client: on,
      server: on,
      script: (dir, _i, p) => (dir === 'c2s' && dropping && chunksOf(p).some((c) => c.type === ChunkType.I_DATA && c.value[16] === 0xee) ? 'drop' : 'pass'),
    }).connect();
    const big = new Uint8Array(4000).fill(0xee);
    pair.client.sendMessage!(big, { stream: 1, maxRetransmits: 1 });
    pair.client.sendMessage!(Uint8Array.of(0xee, 1), { stream: 2, unordered: true, maxRetransmits: 0 });
    pair.client.sendMessage!(Uint8Array.of(5), { stream: 1 });
    pair.time.run(pair.time.now() + 30_000);
    dropping = false;
    pair.client.sendMessage!(Uint8Array.of(6), { stream: 1 });
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([5, 6]);
    expect(pair.wire.c2s.some((p) => chunksOf(p).some((c) => c.type === ChunkType.I_FORWARD_TSN))).toBe(true);
    expect(pair.client.stats().abandonedMessages).toBe(2);
    expect(pair.server!.stats().rwnd).toBe(pair.serverOptions.receiveWindow);
  });

  it('survives random I-DATA / I-FORWARD-TSN chunks without internal errors', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    const s = pair.server!;
    fc.assert(
      fc.property(fc.constantFrom(64, 194), fc.nat(255), fc.uint8Array({ minLength: 0, maxLength: 40 }), (type, flags, body) => {
        const p = new Uint8Array(12 + ((4 + body.length + 3) & ~3));
        p.set([0x13, 0x88, 0, 7, s.localTag >>> 24, (s.localTag >>> 16) & 0xff, (s.localTag >>> 8) & 0xff, s.localTag & 0xff], 0);
        p.set([type, flags, (4 + body.length) >> 8, (4 + body.length) & 0xff], 12);
        p.set(body, 16);
        sealPacket(p);
        expect(() => s.handleDatagram(p)).not.toThrow();
        expect(pair.serverLog.drops.internal_error).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
