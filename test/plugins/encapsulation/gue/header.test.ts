import { describe, it, expect } from 'vitest';
import {
  parseGueHeader,
  serializeGueHeader,
  sealGueChecksum,
  type GueHeaderFields,
} from '../../../../plugins/encapsulation/gue/header.js';
import { GueUnsupportedError } from '../../../../plugins/encapsulation/gue/errors.js';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Serialize, append a payload, parse back: the fields must survive. */
function roundTrip(fields: GueHeaderFields, payload = new Uint8Array(16), profile: 'draft' | 'linux' = 'draft') {
  const h = serializeGueHeader(fields, profile);
  const parsed = parseGueHeader(cat(h, payload), profile);
  return { bytes: h, parsed };
}

describe('GUE variant 0 base header (draft-ietf-intarea-gue-09 §3)', () => {
  it('a minimal data header is Var 0, C 0, Hlen 0, Proto, Flags 0', () => {
    const { bytes, parsed } = roundTrip({ control: false, proto: 6 });
    expect([...bytes]).toEqual([0x00, 0x06, 0x00, 0x00]);
    expect(parsed).toEqual({ variant: 0, control: false, proto: 6, length: 4, flags: 0 });
  });

  it('a control message sets the C bit (0x20) and carries the ctype in byte 1', () => {
    const { bytes, parsed } = roundTrip({ control: true, proto: 0 });
    expect([...bytes]).toEqual([0x20, 0x00, 0x00, 0x00]);
    expect(parsed.control).toBe(true);
    expect(parsed.proto).toBe(0);
  });

  it('parses a hand-written SCTP header', () => {
    const h = parseGueHeader(hex('00 84 00 00  01 02 03 04'));
    expect(h).toMatchObject({ variant: 0, control: false, proto: 132, length: 4 });
  });
});

describe('GUE extension fields, each alone (pinned layout of draft-ietf-intarea-gue-extensions-06)', () => {
  it('V (0x8000): 4-byte VNID, Hlen 1', () => {
    const { bytes, parsed } = roundTrip({ control: false, proto: 6, vnid: 0xdeadbeef });
    expect([...bytes]).toEqual([0x01, 0x06, 0x80, 0x00, 0xde, 0xad, 0xbe, 0xef]);
    expect(parsed.vnid).toBe(0xdeadbeef);
  });

  it.each([
    [8, 0x2000, 2],
    [16, 0x4000, 4],
    [32, 0x6000, 8],
  ])('SEC with a %i-byte field sets flags 0x%s and Hlen %i', (len, flag, hlen) => {
    const security = Uint8Array.from({ length: len }, (_, i) => i + 1);
    const { bytes, parsed } = roundTrip({ control: false, proto: 17, security });
    expect(bytes[0]).toBe(hlen);
    expect((bytes[2] << 8) | bytes[3]).toBe(flag);
    expect([...bytes.subarray(4)]).toEqual([...security]);
    expect([...parsed.security!]).toEqual([...security]);
  });

  it('F (0x1000): 8-byte fragmentation field with offset, M, original proto and identification', () => {
    const fragment = { offset: 1480, more: true, originalProto: 6, identification: 0x01020304 };
    const { bytes, parsed } = roundTrip({ control: false, proto: 59, fragment });
    expect([...bytes]).toEqual([0x02, 59, 0x10, 0x00, 0x05, 0xc9, 0x06, 0x00, 0x01, 0x02, 0x03, 0x04]);
    expect(parsed.fragment).toEqual(fragment);
  });

  it('T (0x0800): Proto 59 with Type DTLS and the original proto', () => {
    const transform = { type: 1, originalProto: 6, typeSpecific: 0 };
    const { bytes, parsed } = roundTrip({ control: false, proto: 59, transform });
    expect([...bytes]).toEqual([0x01, 59, 0x08, 0x00, 0x01, 0x06, 0x00, 0x00]);
    expect(parsed.transform).toEqual(transform);
  });

  it('R (0x0400): remote checksum offload start and offset', () => {
    const { bytes, parsed } = roundTrip({ control: false, proto: 4, remoteChecksum: { start: 20, offset: 26 } }, new Uint8Array(40));
    expect([...bytes]).toEqual([0x01, 0x04, 0x04, 0x00, 0x00, 0x14, 0x00, 0x1a]);
    expect(parsed.remoteChecksum).toEqual({ start: 20, offset: 26 });
  });

  it('K (0x0200): checksum over the header only (coverage 0)', () => {
    const h = serializeGueHeader({ control: false, proto: 6, checksum: { checksum: 0, coverage: 0 } });
    sealGueChecksum(h, [], 0);
    expect([...h.subarray(0, 4)]).toEqual([0x01, 0x06, 0x02, 0x00]);
    // sum of 0106 + 0200 = 0x0306 → checksum 0xfcf9
    expect([...h.subarray(4)]).toEqual([0xfc, 0xf9, 0x00, 0x00]);
    expect(parseGueHeader(cat(h, new Uint8Array(3))).checksum).toEqual({ checksum: 0xfcf9, coverage: 0 });
  });

  it('K with payload coverage verifies the covered bytes, split across parts of odd length', () => {
    const payload = Uint8Array.from({ length: 101 }, (_, i) => (i * 37) & 0xff);
    const h = serializeGueHeader({ control: false, proto: 6, checksum: { checksum: 0, coverage: 0 } });
    sealGueChecksum(h, [payload.subarray(0, 33), payload.subarray(33)], 101);
    const parsed = parseGueHeader(cat(h, payload));
    expect(parsed.checksum!.coverage).toBe(101);
  });
});

describe('GUE extension fields together', () => {
  it('appear in flag order V, SEC, F, T, R, K and Hlen counts them all', () => {
    const fields: GueHeaderFields = {
      control: false,
      proto: 59,
      vnid: 7,
      security: new Uint8Array(16).fill(0xaa),
      fragment: { offset: 0, more: false, originalProto: 59, identification: 9 },
      transform: { type: 1, originalProto: 132, typeSpecific: 0 },
      remoteChecksum: { start: 0, offset: 2 },
      checksum: { checksum: 0, coverage: 0 },
    };
    const h = serializeGueHeader(fields);
    sealGueChecksum(h, [], 0);
    expect(h.length).toBe(4 + 4 + 16 + 8 + 4 + 4 + 4);
    expect(h[0] & 0x1f).toBe(10);
    expect((h[2] << 8) | h[3]).toBe(0x8000 | 0x4000 | 0x1000 | 0x0800 | 0x0400 | 0x0200);
    expect([...h.subarray(4, 8)]).toEqual([0, 0, 0, 7]);
    expect(h[8]).toBe(0xaa);
    expect(h[24 + 2]).toBe(59); // fragment original proto
    expect([...h.subarray(32, 34)]).toEqual([1, 132]); // transform
    const parsed = parseGueHeader(cat(h, new Uint8Array(8)));
    expect(parsed).toMatchObject({ ...fields, checksum: { coverage: 0 }, security: fields.security, length: 44 });
  });

  it('a transformed control message uses ctype 0', () => {
    const { parsed } = roundTrip({ control: true, proto: 0, transform: { type: 1, originalProto: 255, typeSpecific: 0 } });
    expect(parsed).toMatchObject({ control: true, proto: 0, transform: { originalProto: 255 } });
  });
});

describe('GUE variant 1 (direct IP, draft-ietf-intarea-gue-09 §4)', () => {
  it('an IPv4 packet is recognised as Proto 4 with no header', () => {
    expect(parseGueHeader(hex('45 00 00 14 00 00 40 00 40 06 00 00 7f 00 00 01 7f 00 00 01'))).toEqual({
      variant: 1,
      control: false,
      proto: 4,
      length: 0,
      flags: 0,
    });
  });
  it('an IPv6 packet is recognised as Proto 41', () => {
    expect(parseGueHeader(hex('60 00 00 00 00 00 3b 40')).proto).toBe(41);
  });
  it('serializes to no bytes at all', () => {
    expect(serializeGueHeader({ variant: 1, control: false, proto: 41 }).length).toBe(0);
    expect(() => serializeGueHeader({ variant: 1, control: false, proto: 6 })).toThrow(GueUnsupportedError);
  });
});

describe('GUE linux profile (include/net/gue.h)', () => {
  it('parses the header of a real kernel remcsum capture: Hlen 2, Proto 4, P flag, REMCSUM start 20 offset 26', () => {
    const inner = new Uint8Array(40);
    inner[0] = 0x45;
    const h = parseGueHeader(cat(hex('02 04 00 01 80 00 00 00 00 14 00 1a'), inner), 'linux');
    expect(h).toEqual({
      variant: 0,
      control: false,
      proto: 4,
      length: 12,
      flags: 1,
      privateFlags: 0x80000000,
      remoteChecksum: { start: 20, offset: 26 },
    });
  });
  it('round-trips flags 0, an empty private-flags word and REMCSUM', () => {
    expect([...roundTrip({ control: false, proto: 6 }, undefined, 'linux').bytes]).toEqual([0, 6, 0, 0]);
    expect(roundTrip({ control: false, proto: 6, privateFlags: 0 }, undefined, 'linux').parsed.privateFlags).toBe(0);
    const { bytes } = roundTrip({ control: false, proto: 4, remoteChecksum: { start: 20, offset: 26 } }, new Uint8Array(40), 'linux');
    expect([...bytes]).toEqual([...hex('02 04 00 01 80 00 00 00 00 14 00 1a')]);
  });
  it('refuses to serialize draft extensions', () => {
    expect(() => serializeGueHeader({ control: false, proto: 6, vnid: 1 }, 'linux')).toThrow(GueUnsupportedError);
    expect(() => serializeGueHeader({ control: false, proto: 6, privateFlags: 1 }, 'linux')).toThrow(GueUnsupportedError);
    expect(() => serializeGueHeader({ control: false, proto: 6, privateFlags: 0 }, 'draft')).toThrow(GueUnsupportedError);
  });
});

describe('serializeGueHeader input checks', () => {
  it('rejects values that do not fit their fields', () => {
    expect(() => serializeGueHeader({ control: false, proto: 256 })).toThrow(GueUnsupportedError);
    expect(() => serializeGueHeader({ control: false, proto: 6, security: new Uint8Array(12) })).toThrow(GueUnsupportedError);
    expect(() =>
      serializeGueHeader({ control: false, proto: 59, fragment: { offset: 3, more: false, originalProto: 6, identification: 1 } }),
    ).toThrow(GueUnsupportedError);
    expect(() => serializeGueHeader({ control: false, proto: 6, vnid: 2 ** 32 })).toThrow(GueUnsupportedError);
    expect(() =>
      serializeGueHeader({ control: false, proto: 59, fragment: { offset: 8, more: false, originalProto: 6, identification: -1 } }),
    ).toThrow(GueUnsupportedError);
    expect(() => serializeGueHeader({ control: false, proto: 59, transform: { type: 1, originalProto: 6, typeSpecific: 0x10000 } })).toThrow(
      GueUnsupportedError,
    );
  });
});
