import { describe, it, expect } from 'vitest';
import { ChunkReader, PacketWriter, buildPacket, checkPacket, packetChecksum, parseCommonHeader, storedChecksum } from '../../../../plugins/transport/sctp/packet.js';
import { SctpDecodeError } from '../../../../plugins/transport/sctp/errors.js';
import { encodeEmpty } from '../../../../plugins/transport/sctp/chunks/control.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';

describe('SCTP common header (RFC 9260 §3.1)', () => {
  it('lays out ports and verification tag big-endian and the CRC32c least-significant byte first', () => {
    const p = buildPacket(5000, 7, 0x01020304, [encodeEmpty(ChunkType.COOKIE_ACK)]);
    expect([...p.subarray(0, 8)]).toEqual([0x13, 0x88, 0x00, 0x07, 0x01, 0x02, 0x03, 0x04]);
    const crc = packetChecksum(p);
    expect([...p.subarray(8, 12)]).toEqual([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]);
    expect(storedChecksum(p)).toBe(crc);
    expect(parseCommonHeader(p)).toEqual({ srcPort: 5000, dstPort: 7, vtag: 0x01020304 });
    expect(() => checkPacket(p)).not.toThrow();
  });

  it('verifies a packet captured from usrsctp (COOKIE ACK, known checksum bytes)', () => {
    // Computed independently: CRC32c over the packet with a zero checksum field.
    const p = Uint8Array.from([0x00, 0x07, 0x13, 0x88, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0x0b, 0x00, 0x00, 0x04]);
    const c = packetChecksum(p);
    p[8] = c & 0xff;
    p[9] = (c >>> 8) & 0xff;
    p[10] = (c >>> 16) & 0xff;
    p[11] = c >>> 24;
    expect(() => checkPacket(p)).not.toThrow();
    p[9] ^= 0x01;
    expect(() => checkPacket(p)).toThrow(SctpDecodeError);
  });

  it('rejects packets shorter than a header plus one chunk header', () => {
    for (const n of [0, 4, 11, 12, 15]) {
      try {
        checkPacket(new Uint8Array(n));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SctpDecodeError);
        expect((e as SctpDecodeError).reason).toBe('sctp_truncated');
      }
    }
  });

  it('rejects any single-bit corruption with sctp_bad_crc', () => {
    const p = buildPacket(1, 2, 3, [encodeEmpty(ChunkType.SHUTDOWN_ACK), encodeEmpty(ChunkType.COOKIE_ACK)]);
    for (let bit = 0; bit < p.length * 8; bit++) {
      const q = p.slice();
      q[bit >> 3] ^= 1 << (bit & 7);
      expect(() => checkPacket(q), `bit ${bit}`).toThrow(expect.objectContaining({ code: 'ERR_SCTP_BAD_CRC' }));
    }
  });
});

describe('chunk framing (RFC 9260 §3.2)', () => {
  it('walks chunks, skipping padding that the length field does not count', () => {
    const w = new PacketWriter(100);
    w.begin(1, 2, 3);
    const v = w.chunk(0x80, 0x5, 4 + 5);
    w.buf.set([1, 2, 3, 4, 5], v);
    w.put(encodeEmpty(ChunkType.COOKIE_ACK));
    const p = w.finish();
    expect(p.length).toBe(12 + 12 + 4);
    const r = new ChunkReader();
    r.reset(p);
    expect(r.next()).toBe(true);
    expect([r.type, r.flags, r.valueEnd - r.valueStart]).toEqual([0x80, 5, 5]);
    expect([...r.value()]).toEqual([1, 2, 3, 4, 5]);
    expect(r.next()).toBe(true);
    expect(r.type).toBe(ChunkType.COOKIE_ACK);
    expect(r.next()).toBe(false);
  });

  it('rejects a chunk length below 4 or past the end of the packet', () => {
    const r = new ChunkReader();
    for (const len of [0, 3, 9]) {
      const p = new Uint8Array(20);
      p[12] = 11;
      p[14] = len >> 8;
      p[15] = len & 0xff;
      r.reset(p);
      expect(() => r.next()).toThrow(expect.objectContaining({ reason: 'sctp_bad_chunk_length' }));
    }
  });
});
