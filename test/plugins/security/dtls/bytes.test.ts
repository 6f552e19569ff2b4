import { describe, it, expect } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../plugins/security/dtls/bytes.js';
import { DtlsDecodeError } from '../../../../plugins/security/dtls/errors.js';
import { encodeCertificate, parseCertificate } from '../../../../plugins/security/dtls/handshake/messages.js';

describe('ByteWriter', () => {
  it('grows past any initial capacity (including 0) and finishes with exactly the bytes written', () => {
    for (const capacity of [0, 1, 3, 64, 1000]) {
      const w = new ByteWriter(capacity);
      const blob = new Uint8Array(300).map((_, i) => i * 7);
      w.u8(1).u16(0x0203).u24(0x040506).vec8(Uint8Array.of(7, 8)).vec16(blob).vec24(Uint8Array.of(9));
      const out = w.finish();
      expect(out.length).toBe(1 + 2 + 3 + 3 + 302 + 4);
      expect(w.length).toBe(out.length);
      const r = new ByteReader(out);
      expect([r.u8(), r.u16(), r.u24()]).toEqual([1, 0x0203, 0x040506]);
      expect(r.vec8()).toEqual(Uint8Array.of(7, 8));
      expect(r.vec16()).toEqual(blob);
      expect(r.vec24()).toEqual(Uint8Array.of(9));
      r.done('test');
      expect(() => r.u8()).toThrow(DtlsDecodeError);
    }
  });

  it('a Certificate body is sized exactly: certificate_list<3> of ASN.1Cert<3> (RFC 5246 §7.4.2)', () => {
    const chain = [new Uint8Array(400).fill(1), new Uint8Array(3).fill(2)];
    const body = encodeCertificate(chain);
    expect(body.length).toBe(3 + 3 + 400 + 3 + 3);
    expect([body[0], body[1], body[2]]).toEqual([0x00, 0x01, 0x99]); // a 409-byte certificate_list
    expect(parseCertificate(body)).toEqual(chain);
    expect(encodeCertificate([])).toEqual(Uint8Array.of(0, 0, 0));
  });
});
