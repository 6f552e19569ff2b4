import { describe, it, expect } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { nobleCrypto } from '../../../../../plugins/security/dtls/crypto/noble.js';
import { wasmCrypto } from '../../../../../plugins/security/dtls/crypto/wasm.js';
import { generateCertificate } from '../../../../../plugins/security/dtls/x509/selfsigned.js';
import { parseCertificate } from '../../../../../plugins/security/dtls/x509/certificate.js';
import { pemCertificates, pemPrivateKey } from '../../../../../plugins/security/dtls/x509/pem.js';
import { verifyPeerChain } from '../../../../../plugins/security/dtls/x509/verify.js';
import { DtlsCertificateError } from '../../../../../plugins/security/dtls/errors.js';
import { toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { ConfigError } from '../../../../../core/errors.js';
import { SeededRandom } from '../../../../../core/random/random.js';
import { pki } from '../fixtures.js';

const DAY = 86400_000;

function rejects(fn: () => unknown, alert: number): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DtlsCertificateError);
  expect((err as DtlsCertificateError).code).toBe('ERR_DTLS_CERT_VERIFY');
  expect((err as DtlsCertificateError).alert).toBe(alert);
}

describe('X.509 parsing and PEM keys', () => {
  it('parses names, validity, the P-256 key, subjectAltName and basicConstraints', () => {
    const { ca, server } = pki();
    const c = parseCertificate(server.der);
    expect(c.commonName).toBe('localhost');
    expect(c.dnsNames).toEqual(['localhost']);
    expect(c.ipAddresses).toEqual(['127.0.0.1']);
    expect(c.publicKey).toHaveLength(65);
    expect(c.isCA).toBe(false);
    expect(c.notBefore).toBeLessThan(Date.now());
    expect(c.notAfter).toBeGreaterThan(Date.now());
    expect(parseCertificate(ca.der).isCA).toBe(true);
    expect(c.issuer).toEqual(parseCertificate(ca.der).subject);
  });

  it('reads SEC1 and PKCS#8 private keys to the same scalar; rejects other keys with a ConfigError', () => {
    const { server } = pki();
    const pkcs8 = createPrivateKey(server.privateKey).export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(pkcs8).toContain('BEGIN PRIVATE KEY');
    expect(toHex(pemPrivateKey(pkcs8))).toBe(toHex(server.privateScalar));
    expect(toHex(pemPrivateKey(server.privateKey))).toBe(toHex(server.privateScalar));
    const ed = createPrivateKey({ key: Buffer.from('302e020100300506032b657004220420' + '11'.repeat(32), 'hex'), format: 'der', type: 'pkcs8' });
    expect(() => pemPrivateKey(ed.export({ format: 'pem', type: 'pkcs8' }) as string)).toThrow(ConfigError);
    expect(() => pemPrivateKey('no pem here')).toThrowError(expect.objectContaining({ code: 'ERR_DTLS_BAD_KEY' }));
  });

  it('reads several certificates from one PEM string or an array', () => {
    const { ca, server } = pki();
    expect(pemCertificates(ca.certificate + server.certificate)).toHaveLength(2);
    expect(pemCertificates([ca.certificate, server.certificate])).toHaveLength(2);
  });
});

describe.each([nodeCrypto, nobleCrypto, wasmCrypto])('peer chain validation ($name)', (crypto) => {
  const { ca, server } = pki();
  const caCert = parseCertificate(ca.der);

  it('accepts a leaf signed by a trusted CA, with the right name (DNS or IP)', () => {
    expect(verifyPeerChain(crypto, [server.der], { ca: [caCert], serverName: 'localhost' }).commonName).toBe('localhost');
    expect(verifyPeerChain(crypto, [server.der], { ca: [caCert], serverName: '127.0.0.1' }).commonName).toBe('localhost');
  });

  it('accepts a self-signed certificate listed in ca', () => {
    const self = generateCertificate(crypto, { commonName: 'solo', dnsNames: ['solo.example'] });
    expect(verifyPeerChain(crypto, [self.der], { ca: [parseCertificate(self.der)], serverName: 'solo.example' }).commonName).toBe('solo');
  });

  it('follows an intermediate sent by the peer to a trusted root', () => {
    const root = generateCertificate(crypto, { commonName: 'root', isCA: true });
    const mid = generateCertificate(crypto, { commonName: 'mid', isCA: true, issuer: { commonName: 'root', privateKey: root.privateScalar } });
    const leaf = generateCertificate(crypto, { commonName: 'leaf', dnsNames: ['*.example.org'], issuer: { commonName: 'mid', privateKey: mid.privateScalar } });
    expect(verifyPeerChain(crypto, [leaf.der, mid.der], { ca: [parseCertificate(root.der)], serverName: 'a.example.org' }).commonName).toBe('leaf');
    rejects(() => verifyPeerChain(crypto, [leaf.der], { ca: [parseCertificate(root.der)] }), 48);
    rejects(() => verifyPeerChain(crypto, [leaf.der, mid.der], { ca: [parseCertificate(root.der)], serverName: 'a.b.example.org' }), 42);
  });

  it('rejects an unknown CA (48), a wrong name (42), an expired certificate (45) and garbage (42)', () => {
    const other = generateCertificate(crypto, { commonName: 'other CA', isCA: true });
    rejects(() => verifyPeerChain(crypto, [server.der], { ca: [parseCertificate(other.der)] }), 48);
    rejects(() => verifyPeerChain(crypto, [server.der], { ca: [caCert], serverName: 'example.com' }), 42);
    const expired = generateCertificate(crypto, {
      commonName: 'old',
      notBefore: Date.now() - 10 * DAY,
      notAfter: Date.now() - DAY,
      issuer: { commonName: 'toukit test CA', privateKey: ca.privateScalar },
    });
    rejects(() => verifyPeerChain(crypto, [expired.der], { ca: [caCert] }), 45);
    rejects(() => verifyPeerChain(crypto, [Uint8Array.of(0x30, 3, 1, 2, 3)], { ca: [caCert] }), 42);
    rejects(() => verifyPeerChain(crypto, [server.der], { ca: [] }), 48);
  });

  it('pins a SHA-256 fingerprint without any CA', () => {
    const fp = toHex(crypto.sha256(server.der));
    expect(verifyPeerChain(crypto, [server.der], { ca: [], fingerprint: fp }).commonName).toBe('localhost');
    rejects(() => verifyPeerChain(crypto, [server.der], { ca: [], fingerprint: '00'.repeat(32) }), 42);
  });

  it('detects a forged signature', () => {
    const forged = server.der.slice();
    forged[forged.length - 5] ^= 1;
    rejects(() => verifyPeerChain(crypto, [forged], { ca: [caCert] }), 48);
  });
});

describe('certificate generation from a seeded random source', () => {
  const spec = (seed: number) => ({
    commonName: 'sim.test',
    dnsNames: ['sim.test'],
    notBefore: Date.UTC(2026, 0, 1),
    notAfter: Date.UTC(2036, 0, 1),
    random: new SeededRandom(seed),
  });

  it('the same seed and validity give the same key and certificate with every provider (RFC 6979 signature), another seed others', () => {
    const pems = [nodeCrypto, wasmCrypto, nobleCrypto].map((c) => generateCertificate(c, spec(1)));
    for (const g of pems) {
      expect(g.certificate).toBe(pems[0].certificate);
      expect(g.privateKey).toBe(pems[0].privateKey);
    }
    expect(generateCertificate(nodeCrypto, spec(1)).certificate).toBe(pems[0].certificate);
    const other = generateCertificate(nodeCrypto, spec(2));
    expect(other.certificate).not.toBe(pems[0].certificate);
    expect(other.privateKey).not.toBe(pems[0].privateKey);
    const self = parseCertificate(pems[0].der);
    expect(verifyPeerChain(nodeCrypto, [pems[0].der], { ca: [self], serverName: 'sim.test', now: Date.UTC(2027, 0, 1) }).commonName).toBe('sim.test');
  });
});
