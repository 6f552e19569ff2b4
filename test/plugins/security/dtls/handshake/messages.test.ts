import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DtlsDecodeError } from '../../../../../plugins/security/dtls/errors.js';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeEcdheParams,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerKeyExchange,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseClientHello,
  parseClientKeyExchange,
  parseHelloVerifyRequest,
  parseServerHello,
  parseServerKeyExchange,
} from '../../../../../plugins/security/dtls/handshake/messages.js';
import { parseHandshakeFragments } from '../../../../../plugins/security/dtls/handshake/header.js';
import { parseCertificate as parseX509 } from '../../../../../plugins/security/dtls/x509/certificate.js';

const hello = {
  version: 0xfefd,
  random: new Uint8Array(32).fill(3),
  sessionId: new Uint8Array(0),
  cookie: new Uint8Array(20).fill(9),
  cipherSuites: [0xc02b, 0x00a8, 0x00ff],
  compressionMethods: Uint8Array.of(0),
  extensions: new Map([
    [23, new Uint8Array(0)],
    [0xff01, Uint8Array.of(0)],
  ]),
};

describe('handshake message codecs', () => {
  it('ClientHello carries the DTLS cookie between session_id and cipher_suites (RFC 6347 §4.2.1)', () => {
    const body = encodeClientHello(hello);
    expect(body[2 + 32]).toBe(0); // session_id length
    expect(body[2 + 32 + 1]).toBe(20); // cookie length
    const back = parseClientHello(body);
    expect(back.cookie).toEqual(hello.cookie);
    expect(back.cipherSuites).toEqual(hello.cipherSuites);
    expect([...back.extensions.keys()]).toEqual([23, 0xff01]);
  });

  it('round-trips ServerHello, HelloVerifyRequest, Certificate, key exchanges, CertificateRequest, CertificateVerify', () => {
    const sh = { version: 0xfefd, random: new Uint8Array(32).fill(1), sessionId: new Uint8Array(0), cipherSuite: 0xccac, compressionMethod: 0, extensions: new Map([[0xff01, Uint8Array.of(0)]]) };
    expect(parseServerHello(encodeServerHello(sh))).toMatchObject({ cipherSuite: 0xccac, compressionMethod: 0 });
    expect(parseHelloVerifyRequest(encodeHelloVerifyRequest({ version: 0xfeff, cookie: Uint8Array.of(1, 2) }))).toEqual({ version: 0xfeff, cookie: Uint8Array.of(1, 2) });
    expect(parseCertificate(encodeCertificate([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]))).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(parseCertificate(encodeCertificate([]))).toEqual([]);
    const params = encodeEcdheParams(29, new Uint8Array(32).fill(5));
    const ske = parseServerKeyExchange(encodeServerKeyExchange({ params, signatureScheme: 0x0403, signature: Uint8Array.of(0x30, 0) }), 'ecdhe_ecdsa');
    expect(ske.params?.group).toBe(29);
    expect(ske.params?.raw).toEqual(params);
    expect(ske.signatureScheme).toBe(0x0403);
    const pskSke = parseServerKeyExchange(encodeServerKeyExchange({ pskIdentityHint: new Uint8Array(0), params }), 'ecdhe_psk');
    expect(pskSke.pskIdentityHint).toEqual(new Uint8Array(0));
    const cke = parseClientKeyExchange(encodeClientKeyExchange({ pskIdentity: Uint8Array.of(65), publicKey: Uint8Array.of(7, 7) }), 'ecdhe_psk');
    expect(cke).toEqual({ pskIdentity: Uint8Array.of(65), publicKey: Uint8Array.of(7, 7) });
    expect(parseCertificateRequest(encodeCertificateRequest({ certificateTypes: Uint8Array.of(64), signatureSchemes: [0x0403] }))).toEqual({
      certificateTypes: Uint8Array.of(64),
      signatureSchemes: [0x0403],
    });
    expect(parseCertificateVerify(encodeCertificateVerify({ scheme: 0x0403, signature: Uint8Array.of(1) }))).toEqual({ scheme: 0x0403, signature: Uint8Array.of(1) });
  });

  it('rejects duplicate extensions and trailing bytes', () => {
    const body = encodeClientHello(hello);
    expect(() => parseClientHello(new Uint8Array([...body, 0]))).toThrow(DtlsDecodeError);
    const dup = encodeClientHello({ ...hello, extensions: new Map() });
    const withDup = new Uint8Array([...dup, 0, 8, 0, 23, 0, 0, 0, 23, 0, 0]);
    expect(() => parseClientHello(withDup)).toThrowError(expect.objectContaining({ reason: 'dtls_duplicate_extension' }));
  });

  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ['handshake fragments', parseHandshakeFragments],
    ['ClientHello', parseClientHello],
    ['ServerHello', parseServerHello],
    ['HelloVerifyRequest', parseHelloVerifyRequest],
    ['Certificate', parseCertificate],
    ['ServerKeyExchange (ecdhe_ecdsa)', (b) => parseServerKeyExchange(b, 'ecdhe_ecdsa')],
    ['ServerKeyExchange (ecdhe_psk)', (b) => parseServerKeyExchange(b, 'ecdhe_psk')],
    ['ClientKeyExchange (psk)', (b) => parseClientKeyExchange(b, 'psk')],
    ['CertificateRequest', parseCertificateRequest],
    ['CertificateVerify', parseCertificateVerify],
    ['X.509 certificate', parseX509],
  ];

  it.each(decoders)('%s: random and mutated bytes only ever raise DtlsDecodeError', (_, decode) => {
    const seedBody = encodeClientHello(hello);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.integer({ min: 0, max: seedBody.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: seedBody.length })).map(([i, v, cut]) => {
            const m = seedBody.slice(0, cut);
            if (i < m.length) m[i] = v;
            return m;
          }),
        ),
        (bytes) => {
          try {
            decode(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(DtlsDecodeError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
