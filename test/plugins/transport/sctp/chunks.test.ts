import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeInit, encodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { decodeSack, encodeSack } from '../../../../plugins/transport/sctp/chunks/sack.js';
import { decodeForwardTsn, encodeForwardTsn } from '../../../../plugins/transport/sctp/chunks/forward-tsn.js';
import { decodeData, writeData } from '../../../../plugins/transport/sctp/chunks/data.js';
import { decodeCauses, decodeHeartbeat, decodeShutdown, encodeAbort, encodeHeartbeat, encodeHeartbeatAck, encodeShutdown } from '../../../../plugins/transport/sctp/chunks/control.js';
import { PacketWriter } from '../../../../plugins/transport/sctp/packet.js';
import { ChunkType, FLAG_B, FLAG_E, FLAG_U } from '../../../../plugins/transport/sctp/chunk-types.js';
import { encodeTlv, concatTlvs, ParamType } from '../../../../plugins/transport/sctp/params.js';
import { SctpDecodeError } from '../../../../plugins/transport/sctp/errors.js';

function initWith(params: Uint8Array[], type = ChunkType.INIT): Uint8Array {
  const tail = concatTlvs(params);
  const c = new Uint8Array(20 + tail.length);
  c[0] = type;
  c[2] = c.length >> 8;
  c[3] = c.length & 0xff;
  c.set([0xaa, 0xbb, 0xcc, 0xdd, 0, 0x02, 0, 0, 0, 10, 0x08, 0, 0x11, 0x22, 0x33, 0x44], 4);
  c.set(tail, 20);
  return c;
}

describe('INIT / INIT ACK (RFC 9260 §3.3.2–3)', () => {
  it('round-trips the fixed fields and the Forward-TSN-Supported parameter', () => {
    const c = encodeInit({ initiateTag: 0xdeadbeef, arwnd: 131072, outboundStreams: 10, maxInboundStreams: 65535, initialTsn: 0xfffffff0, forwardTsn: true }, false);
    expect(c[0]).toBe(ChunkType.INIT);
    const d = decodeInit(c, 4, c.length, false);
    expect(d).toMatchObject({ initiateTag: 0xdeadbeef, arwnd: 131072, outboundStreams: 10, maxInboundStreams: 65535, initialTsn: 0xfffffff0, forwardTsn: true, hostName: false });
    expect(d.unrecognized).toEqual([]);
  });

  it('carries the State Cookie in INIT ACK and requires it', () => {
    const cookie = Uint8Array.from({ length: 88 }, (_, i) => i);
    const c = encodeInit({ initiateTag: 1, arwnd: 1500, outboundStreams: 1, maxInboundStreams: 1, initialTsn: 0, forwardTsn: false, cookie }, true);
    expect(c[0]).toBe(ChunkType.INIT_ACK);
    expect([...(decodeInit(c, 4, c.length, true).cookie ?? [])]).toEqual([...cookie]);
    const noCookie = encodeInit({ initiateTag: 1, arwnd: 1500, outboundStreams: 1, maxInboundStreams: 1, initialTsn: 0, forwardTsn: false }, true);
    expect(() => decodeInit(noCookie, 4, noCookie.length, true)).toThrow(expect.objectContaining({ code: 'ERR_SCTP_NO_COOKIE' }));
  });

  it('accepts an INIT like usrsctp sends (AUTH, ASCONF, PR-SCTP, RE-CONFIG, addresses, ECN) without reporting anything', () => {
    const c = initWith([
      encodeTlv(ParamType.ECN_CAPABLE, new Uint8Array(0)),
      encodeTlv(ParamType.FORWARD_TSN_SUPPORTED, new Uint8Array(0)),
      encodeTlv(ParamType.SUPPORTED_EXTENSIONS, Uint8Array.of(0xc0, 0x82, 0xc1, 0x80, 0x81, 0x0f)),
      encodeTlv(ParamType.RANDOM, new Uint8Array(32).fill(7)),
      encodeTlv(ParamType.HMAC_ALGO, Uint8Array.of(0, 1)),
      encodeTlv(ParamType.CHUNK_LIST, Uint8Array.of(0x80, 0x81, 0xc1)),
      encodeTlv(ParamType.SUPPORTED_ADDRESS_TYPES, Uint8Array.of(0, 5)),
      encodeTlv(ParamType.IPV4_ADDRESS, Uint8Array.of(127, 0, 0, 1)),
      encodeTlv(ParamType.IPV6_ADDRESS, new Uint8Array(16)),
      encodeTlv(ParamType.ADAPTATION_LAYER_INDICATION, new Uint8Array(4)),
    ]);
    const d = decodeInit(c, 4, c.length, false);
    expect(d.forwardTsn).toBe(true);
    expect(d.unrecognized).toEqual([]);
    expect(d.outboundStreams).toBe(10);
    expect(d.maxInboundStreams).toBe(0x0800);
  });

  it('applies the two-bit rule to unknown parameters (§3.2.1)', () => {
    const p = (t: number): Uint8Array => encodeTlv(t, Uint8Array.of(1, 2, 3));
    const fwd = encodeTlv(ParamType.FORWARD_TSN_SUPPORTED, new Uint8Array(0));
    // 10: skip silently; 11: skip and report; processing goes on to Forward-TSN.
    const c1 = initWith([p(0x8123), p(0xc124), fwd]);
    const d = decodeInit(c1, 4, c1.length, false);
    expect(d.forwardTsn).toBe(true);
    expect(d.unrecognized.map((u) => (u[0] << 8) | u[1])).toEqual([0xc124]);
    // 00: stop, no report; 01: stop and report: the Forward-TSN after them is not processed.
    const c2 = initWith([p(0x0123), fwd]);
    expect(decodeInit(c2, 4, c2.length, false)).toMatchObject({ forwardTsn: false, unrecognized: [] });
    const c3 = initWith([p(0x4123), fwd]);
    const d3 = decodeInit(c3, 4, c3.length, false);
    expect(d3.forwardTsn).toBe(false);
    expect(d3.unrecognized.length).toBe(1);
  });

  it('flags a Host Name Address parameter', () => {
    const c = initWith([encodeTlv(ParamType.HOST_NAME_ADDRESS, new TextEncoder().encode('example.org\0'))]);
    expect(decodeInit(c, 4, c.length, false).hostName).toBe(true);
  });

  it('rejects a zero Initiate Tag, zero stream counts and truncation', () => {
    const good = encodeInit({ initiateTag: 5, arwnd: 1500, outboundStreams: 1, maxInboundStreams: 1, initialTsn: 0, forwardTsn: false }, false);
    for (const [off] of [[4], [12], [14]]) {
      const c = good.slice();
      c[off] = 0;
      c[off + 1] = 0;
      if (off === 4) c.fill(0, 4, 8);
      expect(() => decodeInit(c, 4, c.length, false)).toThrow(expect.objectContaining({ reason: 'sctp_bad_init' }));
    }
    expect(() => decodeInit(good, 4, 19, false)).toThrow(SctpDecodeError);
  });
});

describe('DATA (RFC 9260 §3.3.1)', () => {
  it('writes and reads TSN, stream, SSN, PPID, flags and payload', () => {
    const w = new PacketWriter(100);
    w.begin(1, 2, 3);
    writeData(w, FLAG_U | FLAG_B | FLAG_E, 0xfffffffe, 65534, 65535, 0x33, Uint8Array.of(9, 8, 7));
    const p = w.finish();
    expect(p.length).toBe(12 + 20);
    expect([p[14], p[15]]).toEqual([0, 19]);
    const d = decodeData(p, 12, 12 + 19);
    expect(d).toMatchObject({ tsn: 0xfffffffe, stream: 65534, ssn: 65535, ppid: 0x33, flags: 7 });
    expect([...d.data]).toEqual([9, 8, 7]);
  });

  it('rejects a DATA chunk without user data (cause 9) and a truncated header', () => {
    const c = new Uint8Array(16);
    expect(() => decodeData(c, 0, 16)).toThrow(expect.objectContaining({ code: 'ERR_SCTP_NO_USER_DATA' }));
    expect(() => decodeData(c, 0, 15)).toThrow(expect.objectContaining({ code: 'ERR_SCTP_BAD_DATA' }));
  });
});

describe('SACK (RFC 9260 §3.3.4)', () => {
  it('round-trips gap blocks and duplicate TSNs', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.array(fc.nat({ max: 0xffff }), { maxLength: 20 }),
        fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 8 }),
        (cum, rwnd, g, dups) => {
          const gaps = g.length % 2 === 0 ? g : g.slice(1);
          const c = encodeSack(cum, rwnd, gaps, dups);
          expect(decodeSack(c, 4, c.length)).toEqual({ cumTsnAck: cum, arwnd: rwnd, gaps, duplicates: dups });
        },
      ),
    );
  });

  it('rejects a SACK shorter than its block counts', () => {
    const c = encodeSack(1, 2, [1, 2, 4, 5], [7]);
    expect(() => decodeSack(c, 4, c.length - 4)).toThrow(expect.objectContaining({ reason: 'sctp_bad_sack' }));
  });
});

describe('FORWARD TSN (RFC 3758 §3.2)', () => {
  it('round-trips the new cumulative TSN and stream/SSN pairs', () => {
    const c = encodeForwardTsn(0x80000001, [1, 5, 7, 65535]);
    expect(c[0]).toBe(192);
    expect(decodeForwardTsn(c, 4, c.length)).toEqual({ newCumTsn: 0x80000001, streams: [1, 5, 7, 65535] });
    expect(() => decodeForwardTsn(c, 4, c.length - 2)).toThrow(SctpDecodeError);
  });
});

describe('control chunks', () => {
  it('HEARTBEAT ACK echoes the Heartbeat Info TLV verbatim', () => {
    const hb = encodeHeartbeat(Uint8Array.of(1, 2, 3, 4, 5));
    const { info, tlv } = decodeHeartbeat(hb, 4, hb.length);
    expect([...info]).toEqual([1, 2, 3, 4, 5]);
    const ack = encodeHeartbeatAck(tlv);
    expect(ack[0]).toBe(ChunkType.HEARTBEAT_ACK);
    expect([...decodeHeartbeat(ack, 4, ack.length).info]).toEqual([1, 2, 3, 4, 5]);
  });

  it('SHUTDOWN carries the cumulative TSN ack and is exactly 8 bytes', () => {
    const s = encodeShutdown(0xabcdef01);
    expect(s.length).toBe(8);
    expect(decodeShutdown(s, 4, 8)).toBe(0xabcdef01);
    expect(() => decodeShutdown(s, 4, 7)).toThrow(SctpDecodeError);
  });

  it('ABORT carries error causes and the T bit', () => {
    const a = encodeAbort(true, [{ code: 12 }, { code: 13, info: Uint8Array.of(1) }]);
    expect(a[1]).toBe(1);
    expect(decodeCauses(a, 4, a.length).map((c) => c.code)).toEqual([12, 13]);
  });
});
