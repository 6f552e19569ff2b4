/**
 * Unrecognized parameters in INIT and INIT ACK (RFC 9260 §3.2.1, §3.2.2):
 * the two high-order bits of the type say whether to go on with the
 * chunk's other parameters and whether to report the parameter. In every
 * case the INIT is answered with an INIT ACK and the INIT ACK with a
 * COOKIE ECHO. An INIT's reports go back in the INIT ACK (Unrecognized
 * Parameter, §3.3.3); an INIT ACK's in an ERROR chunk (Unrecognized
 * Parameters, §3.3.10.8) bundled after the COOKIE ECHO.
 */
import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf, type SeenChunk } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { encodeEmpty } from '../../../../plugins/transport/sctp/chunks/control.js';
import { encodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { buildPacket, packetVtag } from '../../../../plugins/transport/sctp/packet.js';
import { CauseCode, ParamType, concatTlvs, encodeTlv } from '../../../../plugins/transport/sctp/params.js';

const PEER_TAG = 0x11223344;
const FORWARD_TSN_SUPPORTED = encodeTlv(ParamType.FORWARD_TSN_SUPPORTED, new Uint8Array(0));

/** An INIT (ACK) chunk with fixed fields and exactly `params`, as another implementation may order them. */
function initChunk(type: number, params: readonly Uint8Array[]): Uint8Array {
  const tail = concatTlvs(params);
  const c = new Uint8Array(20 + tail.length);
  const v = new DataView(c.buffer);
  c[0] = type;
  v.setUint16(2, c.length);
  v.setUint32(4, PEER_TAG);
  v.setUint32(8, 65536);
  v.setUint16(12, 10);
  v.setUint16(14, 10);
  v.setUint32(16, 77);
  c.set(tail, 20);
  return c;
}

const cookieParam = (size = 16): Uint8Array => encodeTlv(ParamType.STATE_COOKIE, new Uint8Array(size).fill(7));
const unknown = (type: number, size = 4): Uint8Array => encodeTlv(type, Uint8Array.from({ length: size }, (_, i) => i + 1));
/** The TLV as it appeared in the chunk, without its padding. */
const unpadded = (tlv: Uint8Array): number[] => [...tlv.subarray(0, (tlv[2] << 8) | tlv[3])];

/** Error causes of an ERROR chunk: code and value bytes. */
function causesOf(c: SeenChunk): { code: number; value: number[] }[] {
  const out: { code: number; value: number[] }[] = [];
  for (let i = 0; i + 4 <= c.value.length; ) {
    const len = (c.value[i + 2] << 8) | c.value[i + 3];
    out.push({ code: (c.value[i] << 8) | c.value[i + 1], value: [...c.value.subarray(i + 4, i + len)] });
    i += (len + 3) & ~3;
  }
  return out;
}

/** A client whose peer is scripted: its packets are captured (never delivered); the test answers them. */
function scriptedPeer(o: { mtu?: number } = {}): { pair: SctpPair; sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const pair = new SctpPair({ ...o, script: (dir, _i, p) => (dir === 'c2s' ? (sent.push(p), 'drop') : 'pass') });
  pair.start();
  sent.length = 0; // the INIT
  return { pair, sent };
}

/** Deliver `initAck` to the client and return what it sent in answer. */
function answer(pair: SctpPair, sent: Uint8Array[], initAck: Uint8Array): Uint8Array[] {
  const before = sent.length;
  pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [initAck]));
  return sent.slice(before);
}

describe('unrecognized parameters in an INIT ACK (RFC 9260 §3.2.1, §3.2.2)', () => {
  it('11 (skip and report): an ERROR with an Unrecognized Parameters cause follows the COOKIE ECHO in the same packet', () => {
    const { pair, sent } = scriptedPeer();
    const param = unknown(0xc123);
    const out = answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(), param, FORWARD_TSN_SUPPORTED]));
    expect(out.length).toBe(1);
    expect(packetVtag(out[0])).toBe(PEER_TAG);
    const chunks = chunksOf(out[0]);
    expect(chunks.map((c) => c.type)).toEqual([ChunkType.COOKIE_ECHO, ChunkType.ERROR]);
    expect(causesOf(chunks[1])).toEqual([{ code: CauseCode.UNRECOGNIZED_PARAMETERS, value: unpadded(param) }]);
    // Processing went on past it: the Forward-TSN-Supported parameter after it counts.
    pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [encodeEmpty(ChunkType.COOKIE_ACK)]));
    expect(pair.clientLog.opened).toBe(1);
    expect(pair.client.forwardTsnOk).toBe(true);
  });

  it('01 (stop and report): reported the same way; the parameters after it are not processed, the COOKIE ECHO still goes out', () => {
    const { pair, sent } = scriptedPeer();
    const param = unknown(0x4123);
    const out = answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(), param, FORWARD_TSN_SUPPORTED]));
    const chunks = chunksOf(out[0]);
    expect(chunks.map((c) => c.type)).toEqual([ChunkType.COOKIE_ECHO, ChunkType.ERROR]);
    expect(causesOf(chunks[1])).toEqual([{ code: CauseCode.UNRECOGNIZED_PARAMETERS, value: unpadded(param) }]);
    pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [encodeEmpty(ChunkType.COOKIE_ACK)]));
    expect(pair.clientLog.opened).toBe(1);
    expect(pair.client.forwardTsnOk).toBe(false);
  });

  it.each([
    ['10 (skip)', 0x8123],
    ['00 (stop)', 0x0123],
  ])('%s: not reported, the COOKIE ECHO goes alone', (_name, type) => {
    const { pair, sent } = scriptedPeer();
    const out = answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(), unknown(type)]));
    expect(out.map((p) => chunksOf(p).map((c) => c.type))).toEqual([[ChunkType.COOKIE_ECHO]]);
  });

  it('reports each reportable parameter in its own cause, in the order received, padding kept between them', () => {
    const { pair, sent } = scriptedPeer();
    const a = unknown(0xc123, 3);
    const b = unknown(0xc456, 6);
    const out = answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(), a, unknown(0x8101), b]));
    const error = chunksOf(out[0])[1];
    expect(causesOf(error)).toEqual([
      { code: CauseCode.UNRECOGNIZED_PARAMETERS, value: unpadded(a) },
      { code: CauseCode.UNRECOGNIZED_PARAMETERS, value: unpadded(b) },
    ]);
  });

  it('resends the report with the COOKIE ECHO when T1-cookie expires', () => {
    const { pair, sent } = scriptedPeer();
    answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(), unknown(0xc123)]));
    const before = sent.length;
    pair.time.run(pair.time.now() + 1500);
    const again = sent.slice(before);
    expect(again.length).toBe(1);
    expect(chunksOf(again[0]).map((c) => c.type)).toEqual([ChunkType.COOKIE_ECHO, ChunkType.ERROR]);
  });

  it('sends the ERROR only after the COOKIE ACK when it does not fit in the COOKIE ECHO’s packet', () => {
    const { pair, sent } = scriptedPeer({ mtu: 1200 });
    const param = unknown(0xc123, 600);
    const out = answer(pair, sent, initChunk(ChunkType.INIT_ACK, [cookieParam(600), param]));
    expect(out.map((p) => chunksOf(p).map((c) => c.type))).toEqual([[ChunkType.COOKIE_ECHO]]);
    pair.time.run(pair.time.now() + 100);
    expect(sent.flatMap((p) => chunksOf(p)).map((c) => c.type)).not.toContain(ChunkType.ERROR);
    const before = sent.length;
    pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [encodeEmpty(ChunkType.COOKIE_ACK)]));
    const after = sent.slice(before);
    const errors = after.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.ERROR);
    expect(errors.length).toBe(1);
    expect(causesOf(errors[0])).toEqual([{ code: CauseCode.UNRECOGNIZED_PARAMETERS, value: unpadded(param) }]);
    expect(packetVtag(after[0])).toBe(PEER_TAG);
  });
});

describe('unrecognized parameters in an INIT (RFC 9260 §3.2.2, §3.3.3)', () => {
  /** The Unrecognized Parameter parameters of an INIT ACK, as the TLVs they wrap. */
  function reported(initAck: SeenChunk): number[][] {
    const out: number[][] = [];
    for (let i = 16; i + 4 <= initAck.value.length; ) {
      const len = (initAck.value[i + 2] << 8) | initAck.value[i + 3];
      if (((initAck.value[i] << 8) | initAck.value[i + 1]) === ParamType.UNRECOGNIZED_PARAMETER) out.push([...initAck.value.subarray(i + 4, i + len)]);
      i += (len + 3) & ~3;
    }
    return out;
  }

  it('returns the parameters to report (01 and 11) in the INIT ACK, each in an Unrecognized Parameter parameter', () => {
    const pair = new SctpPair();
    const skip = unknown(0xc123, 5);
    const stop = unknown(0x4321, 2);
    const init = initChunk(ChunkType.INIT, [unknown(0x8123), skip, stop, unknown(0xc999)]);
    pair.arriveAtServer(buildPacket(5000, 7, 0, [init]));
    expect(pair.wire.s2c.length).toBe(1);
    const ack = chunksOf(pair.wire.s2c[0]);
    expect(ack.map((c) => c.type)).toEqual([ChunkType.INIT_ACK]);
    // 0xc999 follows a stop (01) parameter: it is neither processed nor reported.
    expect(reported(ack[0])).toEqual([unpadded(skip), unpadded(stop)]);
  });

  it('answers an INIT with a 00 parameter with an INIT ACK that reports nothing', () => {
    const pair = new SctpPair();
    pair.arriveAtServer(buildPacket(5000, 7, 0, [initChunk(ChunkType.INIT, [unknown(0x0123), unknown(0xc123)])]));
    const ack = chunksOf(pair.wire.s2c[0]);
    expect(ack.map((c) => c.type)).toEqual([ChunkType.INIT_ACK]);
    expect(reported(ack[0])).toEqual([]);
  });
});

describe('our own INIT ACK with a report (round trip)', () => {
  it('a client reads an INIT ACK with Unrecognized Parameter parameters without reporting them back', () => {
    const { pair, sent } = scriptedPeer();
    const ack = encodeInit(
      {
        initiateTag: PEER_TAG,
        arwnd: 65536,
        outboundStreams: 10,
        maxInboundStreams: 10,
        initialTsn: 77,
        forwardTsn: false,
        cookie: new Uint8Array(16),
        unrecognized: [Uint8Array.from(unpadded(unknown(0xc123)))],
      },
      true,
    );
    const out = answer(pair, sent, ack);
    expect(out.map((p) => chunksOf(p).map((c) => c.type))).toEqual([[ChunkType.COOKIE_ECHO]]);
  });
});
