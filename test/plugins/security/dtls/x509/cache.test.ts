import { describe, it, expect, vi, afterEach } from 'vitest';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { CertificateCache } from '../../../../../plugins/security/dtls/x509/cache.js';
import { parseCertificate } from '../../../../../plugins/security/dtls/x509/certificate.js';
import { verifyPeerChain } from '../../../../../plugins/security/dtls/x509/verify.js';
import { generateCertificate } from '../../../../../plugins/security/dtls/x509/selfsigned.js';
import { DtlsCertificateError, DtlsDecodeError } from '../../../../../plugins/security/dtls/errors.js';
import { toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { pki } from '../fixtures.js';

const DAY = 86400_000;

afterEach(() => {
  vi.restoreAllMocks();
});

function certError(fn: () => unknown): DtlsCertificateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DtlsCertificateError);
    return e as DtlsCertificateError;
  }
  throw new Error('expected a DtlsCertificateError');
}

describe('CertificateCache: parsed peer certificates by exact DER', () => {
  it('parses the same bytes once and fingerprints them once; other bytes are parsed on their own', () => {
    const { server, client } = pki();
    const cache = new CertificateCache(nodeCrypto);
    const sha = vi.spyOn(nodeCrypto, 'sha256');
    const first = cache.parse(server.der.slice());
    const again = cache.parse(server.der.slice());
    expect(again).toBe(first);
    expect(first).toEqual(parseCertificate(server.der));
    expect(cache.fingerprint(first)).toBe(toHex(nodeCrypto.sha256(server.der)));
    sha.mockClear();
    expect(cache.fingerprint(again)).toBe(toHex(nodeCrypto.sha256(server.der)));
    expect(sha).toHaveBeenCalledTimes(1); // only the expectation's own hash
    const other = cache.parse(client.der);
    expect(other).not.toBe(first);
    expect(other.commonName).toBe('client');
    expect(cache.size).toBe(2);
  });

  it('keeps its own copy: changing the received bytes afterwards changes nothing cached', () => {
    const { server } = pki();
    const cache = new CertificateCache(nodeCrypto);
    const der = server.der.slice();
    const cert = cache.parse(der);
    der[der.length - 1] ^= 0xff;
    expect(cert.der).toEqual(server.der);
    expect(cache.parse(der)).not.toBe(cert); // the changed bytes are another certificate
  });

  it('never caches malformed input and keeps at most `capacity` certificates', () => {
    const cache = new CertificateCache(nodeCrypto, 3);
    expect(() => cache.parse(Uint8Array.of(0x30, 3, 1, 2, 3))).toThrow(DtlsDecodeError);
    expect(cache.size).toBe(0);
    const certs = Array.from({ length: 5 }, (_, i) => generateCertificate(nodeCrypto, { commonName: `c${i}` }));
    const parsed = certs.map((c) => cache.parse(c.der));
    expect(cache.size).toBe(3);
    expect(cache.parse(certs[4].der)).toBe(parsed[4]);
    expect(cache.parse(certs[0].der)).not.toBe(parsed[0]); // evicted, parsed again
  });

  it('verification with the cache stays as strict: fingerprint, validity and name are checked every time', () => {
    const { server, ca } = pki();
    const cache = new CertificateCache(nodeCrypto);
    const fp = toHex(nodeCrypto.sha256(server.der));
    expect(verifyPeerChain(nodeCrypto, [server.der], { ca: [], fingerprint: fp, cache }).commonName).toBe('localhost');
    expect(certError(() => verifyPeerChain(nodeCrypto, [server.der], { ca: [], fingerprint: '00'.repeat(32), cache })).alert).toBe(42);
    expect(certError(() => verifyPeerChain(nodeCrypto, [server.der], { ca: [], fingerprint: fp, now: Date.now() + 400 * DAY, cache })).alert).toBe(45);
    expect(certError(() => verifyPeerChain(nodeCrypto, [server.der], { ca: [], fingerprint: fp, serverName: 'example.com', cache })).alert).toBe(42);
    const caCert = parseCertificate(ca.der);
    expect(verifyPeerChain(nodeCrypto, [server.der], { ca: [caCert], serverName: 'localhost', cache }).commonName).toBe('localhost');
    const other = generateCertificate(nodeCrypto, { commonName: 'other CA', isCA: true });
    expect(certError(() => verifyPeerChain(nodeCrypto, [server.der], { ca: [parseCertificate(other.der)], cache })).alert).toBe(48);
    // A forged copy (one bit of the signature flipped) is not the cached certificate and fails the chain check.
    const forged = server.der.slice();
    forged[forged.length - 2] ^= 1;
    expect(certError(() => verifyPeerChain(nodeCrypto, [forged], { ca: [caCert], cache })).alert).toBe(48);
    expect(certError(() => verifyPeerChain(nodeCrypto, [forged], { ca: [], fingerprint: fp, cache })).alert).toBe(42);
  });
});
