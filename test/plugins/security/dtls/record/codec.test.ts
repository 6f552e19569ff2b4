import { describe, it, expect } from 'vitest';
import { RecordCursor, plaintextRecord, writeRecordHeader } from '../../../../../plugins/security/dtls/record/codec.js';
import { DtlsDecodeError } from '../../../../../plugins/security/dtls/errors.js';
import { DecodeError } from '../../../../../core/errors.js';

function records(data: Uint8Array): { type: number; epoch: number; seq: number; length: number }[] {
  const c = new RecordCursor(data);
  const out = [];
  while (c.next()) out.push({ type: c.type, epoch: c.epoch, seq: c.seq, length: c.length });
  return out;
}

describe('DTLS record header (RFC 6347 §4.1)', () => {
  it('writes type, version, epoch, 48-bit sequence number and length big-endian', () => {
    const h = new Uint8Array(13);
    writeRecordHeader(h, 0, 23, 0xfefd, 1, 0x0102_0304_0506, 0x0708);
    expect(Array.from(h)).toEqual([23, 0xfe, 0xfd, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('iterates several records of one datagram', () => {
    const a = plaintextRecord(22, 0xfeff, 0, 0, new Uint8Array(5));
    const b = plaintextRecord(20, 0xfefd, 0, 2 ** 40 + 7, Uint8Array.of(1));
    const c = plaintextRecord(23, 0xfefd, 1, 3, new Uint8Array(0));
    const d = new Uint8Array([...a, ...b, ...c]);
    expect(records(d)).toEqual([
      { type: 22, epoch: 0, seq: 0, length: 5 },
      { type: 20, epoch: 0, seq: 2 ** 40 + 7, length: 1 },
      { type: 23, epoch: 1, seq: 3, length: 0 },
    ]);
  });

  it('accepts record version 0xFEFF (first flight of OpenSSL) and 0xFEFD only', () => {
    expect(records(plaintextRecord(22, 0xfeff, 0, 0, new Uint8Array(1)))).toHaveLength(1);
    expect(() => records(plaintextRecord(22, 0x0303, 0, 0, new Uint8Array(1)))).toThrowError(expect.objectContaining({ reason: 'dtls_bad_version' }));
  });

  it.each([
    ['a truncated header', Uint8Array.of(22, 0xfe, 0xfd, 0), 'dtls_truncated'],
    ['a length past the datagram', (() => { const r = plaintextRecord(22, 0xfefd, 0, 0, new Uint8Array(4)); return r.subarray(0, r.length - 1); })(), 'dtls_bad_length'],
    ['an unknown content type', plaintextRecord(99, 0xfefd, 0, 0, new Uint8Array(1)), 'dtls_bad_content_type'],
  ])('rejects %s with a typed DecodeError', (_, data, reason) => {
    let err: unknown;
    try {
      records(data);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DtlsDecodeError);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DtlsDecodeError).reason).toBe(reason);
    expect((err as DtlsDecodeError).code).toBe(`ERR_${reason.toUpperCase()}`);
  });
});
