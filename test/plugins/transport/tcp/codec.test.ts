import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DecodeError } from '../../../../core/errors.js';
import {
  emptyTcpHeader,
  parseTcpHeader,
  readTcpPorts,
  serializeTcpHeader,
  TcpFlags,
} from '../../../../plugins/transport/tcp/header.js';
import type { TcpOptionsInit } from '../../../../plugins/transport/tcp/options.js';
import { tcpOptionsLength } from '../../../../plugins/transport/tcp/options.js';
import {
  TcpBadDataOffsetError,
  TcpBadOptionError,
  TcpTruncatedError,
} from '../../../../plugins/transport/tcp/errors.js';

const noOpts = (): TcpOptionsInit => ({
  mss: -1,
  wscale: -1,
  sackPermitted: false,
  hasTimestamps: false,
  tsVal: 0,
  tsEcr: 0,
  sackCount: 0,
  sack: [],
});

describe('TCP header codec (RFC 9293 §3.1)', () => {
  it('serializes the fixed header byte for byte', () => {
    const b = serializeTcpHeader({
      srcPort: 0x1234,
      dstPort: 0x5678,
      seq: 0x01020304,
      ack: 0xfffffffe,
      flags: TcpFlags.SYN | TcpFlags.ACK | TcpFlags.ECE | TcpFlags.CWR,
      window: 0xabcd,
      urgent: 0x0102,
    });
    expect([...b]).toEqual([
      0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe, 0x50, 0xd2, 0xab, 0xcd, 0, 0, 0x01, 0x02,
    ]);
  });

  it('writes sequence numbers modulo 2^32', () => {
    const b = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 2 ** 32 + 5, ack: 2 ** 33 + 7, flags: 0, window: 0 });
    const h = parseTcpHeader(b);
    expect(h.seq).toBe(5);
    expect(h.ack).toBe(7);
  });

  it('round-trips SYN options in the Linux layout (MSS, SACK-permitted + TS, NOP WS)', () => {
    const o = { ...noOpts(), mss: 1460, wscale: 7, sackPermitted: true, hasTimestamps: true, tsVal: 0xdeadbeef, tsEcr: 0 };
    const b = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TcpFlags.SYN, window: 65535, options: o });
    expect(b.length).toBe(40);
    expect([...b.subarray(20)]).toEqual([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 1, 3, 3, 7]);
    const h = parseTcpHeader(b);
    expect(h.headerLength).toBe(40);
    expect(h.options).toMatchObject({ mss: 1460, wscale: 7, sackPermitted: true, hasTimestamps: true, tsVal: 0xdeadbeef, tsEcr: 0 });
  });

  it('round-trips SACK blocks next to timestamps (at most 3)', () => {
    const o = { ...noOpts(), hasTimestamps: true, tsVal: 1, tsEcr: 2, sackCount: 3, sack: [10, 20, 30, 40, 0xfffffff0, 5] };
    expect(tcpOptionsLength(o)).toBe(40);
    const h = parseTcpHeader(serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TcpFlags.ACK, window: 1, options: o }));
    expect(h.options.sackCount).toBe(3);
    expect(h.options.sack.slice(0, 6)).toEqual([10, 20, 30, 40, 0xfffffff0, 5]);
  });

  it('skips unknown options by their length and stops at End of List', () => {
    const b = serializeTcpHeader({ srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, window: 0 });
    const withOpts = new Uint8Array(32);
    withOpts.set(b);
    withOpts[12] = 8 << 4;
    withOpts.set([30, 6, 1, 2, 3, 4, 2, 4, 0x02, 0x18, 0, 99], 20); // MPTCP-like kind 30, then MSS 536, EOL, junk
    const h = parseTcpHeader(withOpts);
    expect(h.options.mss).toBe(536);
  });

  it('clamps a window scale above 14 to 14 (RFC 7323 §2.3)', () => {
    const b = new Uint8Array(24);
    b[12] = 6 << 4;
    b.set([1, 3, 3, 15], 20);
    expect(parseTcpHeader(b).options.wscale).toBe(14);
  });

  it('rejects a segment shorter than 20 bytes', () => {
    expect(() => parseTcpHeader(new Uint8Array(19))).toThrow(TcpTruncatedError);
    expect(() => readTcpPorts(new Uint8Array(3))).toThrow(TcpTruncatedError);
  });

  it('rejects a data offset below 5 or past the segment', () => {
    const b = new Uint8Array(20);
    b[12] = 4 << 4;
    expect(() => parseTcpHeader(b)).toThrow(TcpBadDataOffsetError);
    b[12] = 6 << 4;
    try {
      parseTcpHeader(b);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TcpBadDataOffsetError);
      expect((e as DecodeError).code).toBe('ERR_TCP_BAD_DATA_OFFSET');
      expect((e as DecodeError).reason).toBe('tcp_bad_data_offset');
    }
  });

  it.each([
    ['length below 2', [2, 1, 0, 0]],
    ['length past the header', [8, 10, 0, 0]],
    ['missing length byte', [1, 1, 1, 5]],
    ['MSS of the wrong length', [2, 3, 0, 1]],
    ['SACK that is not 2 + 8n', [5, 6, 0, 0]],
  ])('rejects a malformed option: %s', (_name, bytes) => {
    const b = new Uint8Array(24);
    b[12] = 6 << 4;
    b.set(bytes, 20);
    try {
      parseTcpHeader(b);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TcpBadOptionError);
      expect((e as DecodeError).reason).toBe('tcp_bad_option');
    }
  });

  it('never throws anything but a DecodeError on arbitrary bytes (property)', () => {
    const h = emptyTcpHeader();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 15 }), (bytes, off) => {
        if (bytes.length > 12) bytes[12] = (off << 4) | (bytes[12] & 15);
        try {
          parseTcpHeader(bytes, h);
          expect(h.headerLength).toBeGreaterThanOrEqual(20);
          expect(h.headerLength).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).code).toMatch(/^ERR_TCP_/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any header (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          srcPort: fc.integer({ min: 0, max: 65535 }),
          dstPort: fc.integer({ min: 0, max: 65535 }),
          seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          ack: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          flags: fc.integer({ min: 0, max: 255 }),
          window: fc.integer({ min: 0, max: 65535 }),
          mss: fc.integer({ min: -1, max: 65535 }),
          wscale: fc.integer({ min: -1, max: 14 }),
          sackPermitted: fc.boolean(),
          hasTimestamps: fc.boolean(),
          tsVal: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          tsEcr: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          blocks: fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 6 }),
        }),
        (r) => {
          const sackCount = r.hasTimestamps || r.mss >= 0 || r.wscale >= 0 || r.sackPermitted ? 0 : r.blocks.length >> 1;
          const options = { ...r, sackCount, sack: r.blocks };
          const h = parseTcpHeader(serializeTcpHeader({ ...r, options }));
          expect(h).toMatchObject({ srcPort: r.srcPort, dstPort: r.dstPort, seq: r.seq, ack: r.ack, flags: r.flags, window: r.window });
          expect(h.options.mss).toBe(r.mss);
          expect(h.options.wscale).toBe(r.wscale);
          expect(h.options.sackPermitted).toBe(r.sackPermitted);
          expect(h.options.hasTimestamps).toBe(r.hasTimestamps);
          if (r.hasTimestamps) expect([h.options.tsVal, h.options.tsEcr]).toEqual([r.tsVal, r.tsEcr]);
          expect(h.options.sackCount).toBe(sackCount);
          expect(h.options.sack.slice(0, 2 * sackCount)).toEqual(r.blocks.slice(0, 2 * sackCount));
        },
      ),
    );
  });
});
