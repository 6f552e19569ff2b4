import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { buildPacket, packetChecksum, sealPacket } from '../../../../plugins/transport/sctp/packet.js';
import { encodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { encodeEmpty } from '../../../../plugins/transport/sctp/chunks/control.js';
import { encodeSack } from '../../../../plugins/transport/sctp/chunks/sack.js';
import { SctpPeerUnreachableError } from '../../../../plugins/transport/sctp/errors.js';

const cookieEchoOf = (pair: SctpPair): Uint8Array => pair.wire.c2s.find((p) => chunksOf(p)[0]?.type === ChunkType.COOKIE_ECHO)!;

function countAccepts(pair: SctpPair): () => number {
  let n = 0;
  const orig = pair.acceptCtx.bind(pair);
  pair.acceptCtx = () => {
    const a = orig();
    return { ...a, accept: (init) => (n++, a.accept(init)) };
  };
  return () => n;
}

describe('state cookie (RFC 9260 §5.1.3, §5.1.5)', () => {
  it('silently discards a COOKIE ECHO whose MAC does not verify', () => {
    const pair = new SctpPair().connect();
    const accepts = countAccepts(pair);
    pair.serverSessions.clear(); // as for a cookie whose tag names no association
    const forged = cookieEchoOf(pair).slice();
    forged[12 + 4 + 60] ^= 0x40; // inside the MAC
    sealPacket(forged);
    pair.arriveAtServer(forged);
    const forgedBody = cookieEchoOf(pair).slice();
    forgedBody[12 + 4 + 20] ^= 0x01; // peer tag inside the cookie body
    sealPacket(forgedBody);
    pair.arriveAtServer(forgedBody);
    expect(pair.serverUnmatchedDrops.sctp_cookie_bad_mac).toBe(2);
    expect(accepts()).toBe(0);
  });

  it('answers a duplicate COOKIE ECHO on an established association with COOKIE ACK only (§5.2.4 D)', () => {
    const pair = new SctpPair().connect();
    const accepts = countAccepts(pair);
    const before = pair.wire.s2c.length;
    pair.arriveAtServer(cookieEchoOf(pair));
    expect(accepts()).toBe(0);
    expect(chunksOf(pair.wire.s2c[before])[0].type).toBe(ChunkType.COOKIE_ACK);
    expect(pair.serverLog.opened).toBe(1);
  });

  it('rejects a replayed cookie after the association it created has gone', () => {
    const pair = new SctpPair().connect();
    const accepts = countAccepts(pair);
    const echo = cookieEchoOf(pair);
    pair.client.abort();
    pair.time.run(pair.time.now() + 100);
    expect(pair.serverLog.closed).toBe(1);
    pair.serverSessions.clear();
    pair.arriveAtServer(echo);
    expect(pair.serverUnmatchedDrops.sctp_cookie_replay).toBe(1);
    expect(accepts()).toBe(0);
  });

  it('rejects a cookie bound to another peer address', () => {
    const pair = new SctpPair().connect();
    const echo = cookieEchoOf(pair);
    pair.serverSessions.clear();
    const other = { ...pair.acceptCtx(), peer: { address: '10.9.9.9', family: 'IPv4' as const, port: 40000 } };
    pair.serverProto.handleUnmatched(echo, other);
    expect(pair.serverUnmatchedDrops.sctp_cookie_bad_mac).toBe(1);
  });

  it('answers an expired cookie with a Stale Cookie ERROR; the client retries INIT and gives up after Max.Init.Retransmits', () => {
    const pair = new SctpPair({ delay: 100, server: { cookieLifetime: 150 }, client: { maxInitRetransmits: 3 } });
    pair.start();
    pair.time.run(120_000);
    const errors = pair.wire.s2c.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.ERROR);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    // cause code 3, length 8, staleness in microseconds (~50 ms over the 150 ms lifespan)
    expect([...errors[0].value.subarray(0, 4)]).toEqual([0, 3, 0, 8]);
    const stalenessUs = new DataView(errors[0].value.buffer, errors[0].value.byteOffset + 4, 4).getUint32(0);
    expect(stalenessUs).toBe(50_000);
    expect(pair.server).toBeUndefined();
    expect(pair.clientLog.closeError).toBeInstanceOf(SctpPeerUnreachableError);
  });
});

describe('verification tags (RFC 9260 §8.5) and out-of-the-blue packets (§8.4)', () => {
  it('drops packets whose tag is not the association’s own', () => {
    const pair = new SctpPair().connect();
    const sack = buildPacket(5000, 7, (pair.server!.localTag ^ 1) >>> 0, [encodeSack(0, 65536, [], [])]);
    pair.server!.handleDatagram(sack);
    expect(pair.serverLog.drops.sctp_bad_vtag).toBe(1);
  });

  it('answers an out-of-the-blue packet with ABORT, T bit set, carrying the packet’s tag', () => {
    const pair = new SctpPair().connect();
    const before = pair.wire.s2c.length;
    pair.arriveAtServer(buildPacket(5000, 7, 0x12345678, [encodeSack(0, 65536, [], [])]));
    const reply = pair.wire.s2c[before];
    expect(chunksOf(reply)[0]).toMatchObject({ type: ChunkType.ABORT, flags: 1 });
    expect([...reply.subarray(4, 8)]).toEqual([0x12, 0x34, 0x56, 0x78]);
    expect(pair.serverUnmatchedDrops.sctp_ootb).toBe(1);
  });

  it('answers an out-of-the-blue SHUTDOWN ACK with SHUTDOWN COMPLETE (T bit) and never answers an ABORT', () => {
    const pair = new SctpPair();
    pair.arriveAtServer(buildPacket(5000, 7, 0xabc, [encodeEmpty(ChunkType.SHUTDOWN_ACK)]));
    expect(chunksOf(pair.wire.s2c[0])[0]).toMatchObject({ type: ChunkType.SHUTDOWN_COMPLETE, flags: 1 });
    pair.arriveAtServer(buildPacket(5000, 7, 0xabc, [encodeEmpty(ChunkType.ABORT)]));
    pair.arriveAtServer(buildPacket(5000, 7, 0xabc, [encodeEmpty(ChunkType.COOKIE_ACK)]));
    expect(pair.wire.s2c.length).toBe(1);
  });

  it('drops an INIT with a non-zero tag or bundled with other chunks', () => {
    const pair = new SctpPair();
    const init = encodeInit({ initiateTag: 99, arwnd: 65536, outboundStreams: 1, maxInboundStreams: 1, initialTsn: 1, forwardTsn: false }, false);
    pair.arriveAtServer(buildPacket(5000, 7, 1, [init]));
    pair.arriveAtServer(buildPacket(5000, 7, 0, [init, encodeEmpty(ChunkType.COOKIE_ACK)]));
    expect(pair.serverUnmatchedDrops).toMatchObject({ sctp_bad_vtag: 1, sctp_init_bundled: 1 });
    expect(pair.wire.s2c.length).toBe(0);
  });

  it('answers INIT with ABORT (tag = Initiate Tag, T clear) when nobody listens', () => {
    const pair = new SctpPair({ listening: false });
    pair.start();
    pair.time.run(100);
    expect(chunksOf(pair.wire.s2c[0])[0]).toMatchObject({ type: ChunkType.ABORT, flags: 0 });
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toMatchObject({ code: 'ERR_SCTP_ABORTED' });
  });

  it('discards packets with a bad CRC32c before looking at anything else', () => {
    const pair = new SctpPair().connect();
    const p = buildPacket(5000, 7, pair.server!.localTag, [encodeSack(0, 1, [], [])]);
    p[8] ^= 1;
    expect(packetChecksum(p)).not.toBe(0);
    pair.server!.handleDatagram(p);
    expect(pair.serverLog.drops.sctp_bad_crc).toBe(1);
  });

  it('aborts the association when a SACK acknowledges a TSN never sent (protocol violation)', () => {
    const pair = new SctpPair().connect();
    pair.server!.handleDatagram(buildPacket(5000, 7, pair.server!.localTag, [encodeSack(0x7fffffff, 65536, [], [])]));
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
    pair.time.run(pair.time.now() + 100);
    expect(pair.clientLog.closeError).toMatchObject({ code: 'ERR_SCTP_ABORTED', causes: [13] });
  });
});

describe('setup collision (RFC 9260 §5.2.1, §5.2.4)', () => {
  it('answers an INIT received in COOKIE-WAIT with an INIT ACK carrying its own tag', () => {
    const pair = new SctpPair({ script: (dir, i) => (dir === 'c2s' && i === 0 ? 'drop' : 'pass') });
    pair.start();
    const init = encodeInit({ initiateTag: 0x5555, arwnd: 65536, outboundStreams: 2, maxInboundStreams: 2, initialTsn: 10, forwardTsn: false }, false);
    pair.client.handleDatagram(buildPacket(7, 5000, 0, [init]));
    const reply = pair.wire.c2s[pair.wire.c2s.length - 1];
    const c = chunksOf(reply)[0];
    expect(c.type).toBe(ChunkType.INIT_ACK);
    expect([...reply.subarray(4, 8)]).toEqual([0, 0, 0x55, 0x55]);
    const tag = new DataView(c.value.buffer, c.value.byteOffset).getUint32(0);
    expect(tag).toBe(pair.client.localTag);
  });
});
