import { describe, it, expect } from 'vitest';
import { emptyDecapsulated } from '../../../../core/contracts/encapsulation.js';
import { DecodeError } from '../../../../core/errors.js';
import { decapsulate, decapsulateGue, emptyGueLayout } from '../../../../plugins/encapsulation/gue/decode.js';
import { parseGueHeader, serializeGueHeader, sealGueChecksum } from '../../../../plugins/encapsulation/gue/header.js';
import { internetChecksum } from '../../../../plugins/encapsulation/gue/checksum.js';
import type { GueProfile } from '../../../../plugins/encapsulation/gue/constants.js';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));

function decap(bytes: Uint8Array, profile: GueProfile = 'draft') {
  const out = emptyDecapsulated();
  decapsulateGue(bytes, profile, out, emptyGueLayout());
  return out;
}

/** Expects both the hot path and the full parser to reject `bytes` with `code` and `reason`. */
function expectRejected(bytes: Uint8Array, code: string, reason: string, profile: GueProfile = 'draft') {
  for (const run of [() => decap(bytes, profile), () => parseGueHeader(bytes, profile)]) {
    let caught: unknown;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).code).toBe(code);
    expect((caught as DecodeError).reason).toBe(reason);
  }
}

describe('decapsulateGue fills the Decapsulated record', () => {
  it('data message: proto, payload offset, no transform, no VNID', () => {
    expect(decap(hex('00 06 00 00 aa bb'))).toEqual({
      control: false,
      proto: 6,
      payloadOffset: 4,
      transformType: 0,
      originalProto: 6,
      vnid: -1,
      directIp: false,
    });
  });
  it('transformed (DTLS) data message: proto 59, transformType 1, originalProto 6', () => {
    expect(decap(hex('01 3b 08 00 01 06 00 00 16 fe fd'))).toMatchObject({ proto: 59, transformType: 1, originalProto: 6, payloadOffset: 8 });
  });
  it('VNID is reported as an unsigned 32-bit number', () => {
    expect(decap(hex('01 11 80 00 ff ff ff fe')).vnid).toBe(0xfffffffe);
  });
  it('control message: control true, proto = ctype', () => {
    expect(decap(hex('20 07 00 00 01'))).toMatchObject({ control: true, proto: 7, payloadOffset: 4 });
  });
  it('variant 1 IPv4/IPv6: directIp, proto 4/41, payload offset 0', () => {
    expect(decap(hex('45 00'))).toEqual({ control: false, proto: 4, payloadOffset: 0, transformType: 0, originalProto: 4, vnid: -1, directIp: true });
    expect(decap(hex('6f'))).toMatchObject({ proto: 41, directIp: true, payloadOffset: 0 });
  });
  it('the convenience decapsulate(datagram, out) gives the same record without a caller-owned layout', () => {
    const out = emptyDecapsulated();
    decapsulate(hex('01 3b 08 00 01 84 00 00 00'), out);
    expect(out).toEqual(decap(hex('01 3b 08 00 01 84 00 00 00')));
    decapsulate(hex('01 06 00 01 00 00 00 00'), out, 'linux');
    expect(out).toMatchObject({ proto: 6, payloadOffset: 8 });
  });
  it('a 4-byte header with no payload is a valid (empty) datagram', () => {
    expect(decap(hex('00 11 00 00')).payloadOffset).toBe(4);
  });
  it('the plain 4-byte header after one with fields leaves nothing of the earlier record or layout behind, in both profiles', () => {
    for (const [profile, earlier] of [
      ['draft', '01 3b 08 00 01 06 00 00 16'],
      ['draft', '20 07 00 00 01'],
      ['draft', '45 00'],
      ['linux', '01 06 00 01 00 00 00 00'],
    ] as const) {
      const out = emptyDecapsulated();
      const layout = emptyGueLayout();
      decapsulateGue(hex(earlier), profile, out, layout);
      decapsulateGue(hex('00 fd 00 00 aa'), profile, out, layout);
      expect(out).toEqual({ control: false, proto: 253, payloadOffset: 4, transformType: 0, originalProto: 253, vnid: -1, directIp: false });
      expect(layout).toEqual({ ...emptyGueLayout(), headerLength: 4 });
    }
  });
});

describe('remote checksum offload is completed in place', () => {
  function innerUdpPartial() {
    // a 12-byte "transport" segment: checksum field at offset 6 holds a seed value (the pseudo-header sum)
    const seg = hex('30 39 00 35 00 0c 12 34 de ad be ef');
    const expected = (() => {
      const copy = seg.slice();
      copy[6] = 0;
      copy[7] = 0;
      // complete checksum = ~(seed + sum(segment with zero field))
      const sum = 0x1234 + (~internetChecksum(copy) & 0xffff);
      const folded = (sum & 0xffff) + (sum >>> 16);
      return ~folded & 0xffff;
    })();
    return { seg, expected };
  }
  it('draft R field: the word at `offset` becomes the complement of the sum from `start`', () => {
    const { seg, expected } = innerUdpPartial();
    const d = new Uint8Array(8 + seg.length);
    d.set(serializeGueHeader({ control: false, proto: 17, remoteChecksum: { start: 0, offset: 6 } }));
    d.set(seg, 8);
    decap(d);
    expect((d[8 + 6] << 8) | d[8 + 7]).toBe(expected);
    // the completed segment verifies like a real transport checksum: its sum plus the seed (pseudo-header) folds to 0xffff
    const segSum = ~internetChecksum(d.subarray(8)) & 0xffff;
    const total = segSum + 0x1234;
    expect(((total & 0xffff) + (total >>> 16)) & 0xffff).toBe(0xffff);
  });
  it('linux P flag + REMCSUM field is processed the same way', () => {
    const { seg, expected } = innerUdpPartial();
    const d = new Uint8Array(12 + seg.length);
    d.set(hex('02 11 00 01 80 00 00 00 00 00 00 06'));
    d.set(seg, 12);
    decap(d, 'linux');
    expect((d[12 + 6] << 8) | d[12 + 7]).toBe(expected);
  });
});

describe('malformed GUE datagrams are rejected with typed DecodeErrors', () => {
  it('empty datagram → ERR_GUE_TRUNCATED', () => expectRejected(new Uint8Array(0), 'ERR_GUE_TRUNCATED', 'gue_truncated'));
  it('variant 0 shorter than 4 bytes → ERR_GUE_TRUNCATED', () => {
    expectRejected(hex('00'), 'ERR_GUE_TRUNCATED', 'gue_truncated');
    expectRejected(hex('00 06 00'), 'ERR_GUE_TRUNCATED', 'gue_truncated');
  });
  it('variant 2 and 3 → ERR_GUE_BAD_VERSION', () => {
    expectRejected(hex('80 06 00 00'), 'ERR_GUE_BAD_VERSION', 'gue_bad_version');
    expectRejected(hex('c0 06 00 00'), 'ERR_GUE_BAD_VERSION', 'gue_bad_version');
  });
  it('variant 1 whose first nibble is neither 4 nor 6 → ERR_GUE_BAD_VERSION', () => {
    for (const b of [0x50, 0x70, 0x7f]) {
      expectRejected(Uint8Array.of(b, 0, 0, 0), 'ERR_GUE_BAD_VERSION', 'gue_bad_version');
    }
  });
  it('Hlen past the end of the datagram → ERR_GUE_BAD_HLEN', () => {
    expectRejected(hex('01 06 80 00 00 00 00'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen');
    expectRejected(hex('1f 06 00 00'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen');
  });
  it('flags announcing more bytes than Hlen → ERR_GUE_BAD_HLEN', () => {
    expectRejected(hex('00 06 80 00 00 00 00 01'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen');
  });
  it('Hlen larger than the flagged fields (unflagged private data is not supported) → ERR_GUE_BAD_HLEN', () => {
    expectRejected(hex('02 06 80 00 00 00 00 01 00 00 00 00'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen');
    expectRejected(hex('01 06 00 00 00 00 00 00'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen');
  });
  it('unknown flags → ERR_GUE_UNKNOWN_FLAGS', () => {
    for (const f of [0x0100, 0x0001, 0x0080]) {
      expectRejected(Uint8Array.of(0, 6, f >>> 8, f & 0xff), 'ERR_GUE_UNKNOWN_FLAGS', 'gue_unknown_flags');
    }
  });
  it('a transform on a data message whose Proto is not 59 → ERR_GUE_BAD_EXTENSION', () => {
    expectRejected(hex('01 06 08 00 01 06 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
  });
  it('a transform on a control message whose ctype is not 0 → ERR_GUE_BAD_EXTENSION', () => {
    expectRejected(hex('21 05 08 00 01 06 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
  });
  it('a fragment with Proto other than 59 → ERR_GUE_BAD_EXTENSION', () => {
    expectRejected(hex('02 06 10 00 00 00 06 00 00 00 00 01'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
  });
  it('an unknown transform type → ERR_GUE_UNKNOWN_TRANSFORM', () => {
    expectRejected(hex('01 3b 08 00 80 06 00 00'), 'ERR_GUE_UNKNOWN_TRANSFORM', 'gue_unknown_transform');
  });
  it('remote checksum offsets past the payload or odd → ERR_GUE_BAD_EXTENSION', () => {
    expectRejected(hex('01 11 04 00 00 00 00 04 00 00 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
    expectRejected(hex('01 11 04 00 00 06 00 00 00 00 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
    expectRejected(hex('01 11 04 00 00 01 00 00 00 00 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
  });
  it('checksum coverage past the payload → ERR_GUE_BAD_EXTENSION', () => {
    expectRejected(hex('01 06 02 00 00 00 00 05 00 00 00 00'), 'ERR_GUE_BAD_EXTENSION', 'gue_bad_extension');
  });
  it('a checksum that does not verify → ERR_GUE_BAD_CHECKSUM', () => {
    const h = serializeGueHeader({ control: false, proto: 6, checksum: { checksum: 0, coverage: 0 } });
    const payload = hex('01 02 03 04');
    sealGueChecksum(h, [payload], 4);
    const d = new Uint8Array(12);
    d.set(h);
    d.set(payload, 8);
    expect(decap(d).proto).toBe(6);
    d[10] ^= 0x40; // corrupt a covered payload byte
    expectRejected(d, 'ERR_GUE_BAD_CHECKSUM', 'gue_bad_checksum');
    d[10] ^= 0x40;
    d[1] = 17; // corrupt the header
    expectRejected(d, 'ERR_GUE_BAD_CHECKSUM', 'gue_bad_checksum');
  });
  it('ctype 255 without its 4-byte ExID → ERR_GUE_BAD_CONTROL', () => {
    expectRejected(hex('20 ff 00 00 01 02 03'), 'ERR_GUE_BAD_CONTROL', 'gue_bad_control');
    expect(decap(hex('20 ff 00 00 01 02 03 04')).proto).toBe(255);
  });
});

describe('linux profile rejects what the kernel rejects', () => {
  it('any standard flag other than P → ERR_GUE_UNKNOWN_FLAGS', () => {
    expectRejected(hex('01 06 80 00 00 00 00 01'), 'ERR_GUE_UNKNOWN_FLAGS', 'gue_unknown_flags', 'linux');
  });
  it('an unknown private flag → ERR_GUE_UNKNOWN_FLAGS', () => {
    expectRejected(hex('01 06 00 01 40 00 00 00'), 'ERR_GUE_UNKNOWN_FLAGS', 'gue_unknown_flags', 'linux');
  });
  it('P flag without room for the private-flags word → ERR_GUE_BAD_HLEN', () => {
    expectRejected(hex('00 06 00 01'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen', 'linux');
  });
  it('REMCSUM without room for its field → ERR_GUE_BAD_HLEN', () => {
    expectRejected(hex('01 06 00 01 80 00 00 00 00 00'), 'ERR_GUE_BAD_HLEN', 'gue_bad_hlen', 'linux');
  });
  it('variant 1 is recognised as in the draft profile', () => {
    expect(decap(hex('45'), 'linux')).toMatchObject({ directIp: true, proto: 4 });
  });
});
