/**
 * What a peer certificate may be used for, with certificates made by OpenSSL
 * (`openssl-fixtures.ts`) and by `generateCertificate`:
 * - the leaf signs (ServerKeyExchange, CertificateVerify), so a keyUsage
 *   must include digitalSignature (RFC 5246 §7.4.2, §7.4.6; RFC 8422 §5.3,
 *   §5.6; RFC 5280 §4.2.1.3), and an extendedKeyUsage must include serverAuth
 *   (server) or clientAuth (client), or anyExtendedKeyUsage (RFC 5280
 *   §4.2.1.12): else unsupported_certificate (43);
 * - an issuer (intermediate or trust anchor) must be a CA (basicConstraints
 *   cA, RFC 5280 §4.2.1.9, §6.1.4 (k)), with keyCertSign when it has a keyUsage
 *   (§4.2.1.3, §6.1.4 (n)), within its pathLenConstraint (§6.1.4 (l), (m)):
 *   else unknown_ca (48);
 * - a critical extension that is not recognized (or not processed, like
 *   nameConstraints) rejects the certificate (RFC 5280 §4.2):
 *   DtlsCertificateExtensionError, unsupported_certificate (43).
 */
import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../../core/testing/security.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { DtlsCertificateError, DtlsCertificateExtensionError } from '../../../../../plugins/security/dtls/errors.js';
import { KeyUsage, parseCertificate } from '../../../../../plugins/security/dtls/x509/certificate.js';
import type { Certificate } from '../../../../../plugins/security/dtls/x509/certificate.js';
import { pemCertificates } from '../../../../../plugins/security/dtls/x509/pem.js';
import { generateCertificate } from '../../../../../plugins/security/dtls/x509/selfsigned.js';
import { verifyPeerChain } from '../../../../../plugins/security/dtls/x509/verify.js';
import type { CertificatePurpose } from '../../../../../plugins/security/dtls/x509/verify.js';
import { dtls, pki } from '../fixtures.js';
import * as F from './openssl-fixtures.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

const der = (pem: string): Uint8Array => pemCertificates(pem)[0];
const cert = (pem: string): Certificate => parseCertificate(der(pem));
/** Inside the validity of every fixture (all made within seconds of each other). */
const NOW = cert(F.ROOT).notBefore + 3_600_000;

function verify(chain: readonly string[], anchors: readonly string[], purpose: CertificatePurpose = 'server', extra: { fingerprint?: string } = {}): Certificate {
  return verifyPeerChain(nodeCrypto, chain.map(der), { ca: anchors.map(cert), purpose, now: NOW, ...extra });
}

function rejection(fn: () => unknown): DtlsCertificateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DtlsCertificateError);
    expect((err as DtlsCertificateError).code).toBe('ERR_DTLS_CERT_VERIFY');
    return err as DtlsCertificateError;
  }
  throw new Error('expected a rejection');
}

describe('parsing keyUsage, extendedKeyUsage, basicConstraints and the critical flag (OpenSSL encodings)', () => {
  it('reads the bits and purposes; absent extensions stay undefined', () => {
    expect(cert(F.ROOT)).toMatchObject({ version: 3, isCA: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign, extKeyUsage: undefined, pathLenConstraint: undefined });
    expect(cert(F.SERVER)).toMatchObject({ isCA: false, keyUsage: KeyUsage.digitalSignature, extKeyUsage: [SERVER_AUTH], dnsNames: ['localhost'] });
    expect(cert(F.NO_DIGITAL_SIGNATURE)).toMatchObject({ keyUsage: KeyUsage.keyAgreement, extKeyUsage: [SERVER_AUTH, CLIENT_AUTH] });
    expect(cert(F.ANY_EKU).extKeyUsage).toEqual([ANY_EKU]);
    expect(cert(F.MID)).toMatchObject({ isCA: true, pathLenConstraint: 0 });
    expect(cert(F.V6)).toMatchObject({ keyUsage: undefined, extKeyUsage: undefined });
  });

  it('lists unrecognized critical extensions (dotted OIDs), ignores unrecognized non-critical ones', () => {
    expect(cert(F.CRITICAL_UNKNOWN).unsupportedCriticalExtensions).toEqual(['1.3.6.1.4.1.55555.1']);
    expect(cert(F.NAME_CONSTRAINED).unsupportedCriticalExtensions).toEqual(['2.5.29.30']); // nameConstraints: not processed here
    expect(cert(F.SERVER).unsupportedCriticalExtensions).toEqual([]); // its 1.3.6.1.4.1.55555.2 is not critical
    expect(cert(F.ROOT).unsupportedCriticalExtensions).toEqual([]); // basicConstraints and keyUsage are critical and processed
  });

  it('generateCertificate sets keyUsage: digitalSignature on leaves, keyCertSign, cRLSign and digitalSignature on CAs', () => {
    const ca = generateCertificate(nodeCrypto, { commonName: 'ca', isCA: true });
    const leaf = generateCertificate(nodeCrypto, { commonName: 'leaf', dnsNames: ['leaf.test'], issuer: { commonName: 'ca', privateKey: ca.privateScalar } });
    expect(parseCertificate(ca.der)).toMatchObject({ isCA: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature, unsupportedCriticalExtensions: [] });
    expect(parseCertificate(leaf.der)).toMatchObject({ isCA: false, keyUsage: KeyUsage.digitalSignature, extKeyUsage: undefined, unsupportedCriticalExtensions: [] });
    for (const purpose of ['server', 'client'] as const) {
      expect(verifyPeerChain(nodeCrypto, [leaf.der], { ca: [parseCertificate(ca.der)], purpose, serverName: 'leaf.test' }).commonName).toBe('leaf');
      expect(verifyPeerChain(nodeCrypto, [ca.der], { ca: [parseCertificate(ca.der)], purpose }).commonName).toBe('ca'); // a CA certificate used as a leaf can sign too
    }
  });
});

describe('leaf key usage and extended key usage', () => {
  it('serverAuth + digitalSignature: a server certificate, not a client one', () => {
    expect(verify([F.SERVER], [F.ROOT], 'server').commonName).toBe('localhost');
    const err = rejection(() => verify([F.SERVER], [F.ROOT], 'client'));
    expect(err.alert).toBe(43);
    expect(err.message).toMatch(/clientAuth/);
  });

  it('clientAuth only: a client certificate, not a server one, even when pinned by fingerprint', () => {
    expect(verify([F.CLIENT_ONLY], [F.ROOT], 'client').commonName).toBe('localhost');
    expect(rejection(() => verify([F.CLIENT_ONLY], [F.ROOT], 'server')).alert).toBe(43);
    const fingerprint = toHex(nodeCrypto.sha256(der(F.CLIENT_ONLY)));
    expect(rejection(() => verify([F.CLIENT_ONLY], [], 'server', { fingerprint })).alert).toBe(43);
    expect(verify([F.CLIENT_ONLY], [], 'client', { fingerprint }).commonName).toBe('localhost');
  });

  it('anyExtendedKeyUsage serves both purposes', () => {
    expect(verify([F.ANY_EKU], [F.ROOT], 'server').commonName).toBe('localhost');
    expect(verify([F.ANY_EKU], [F.ROOT], 'client').commonName).toBe('localhost');
  });

  it('a keyUsage without digitalSignature (keyAgreement only) cannot sign ServerKeyExchange or CertificateVerify', () => {
    for (const purpose of ['server', 'client'] as const) {
      const err = rejection(() => verify([F.NO_DIGITAL_SIGNATURE], [F.ROOT], purpose));
      expect(err.alert).toBe(43);
      expect(err.message).toMatch(/digitalSignature/);
    }
  });

  it('the default purpose is server', () => {
    expect(rejection(() => verifyPeerChain(nodeCrypto, [der(F.CLIENT_ONLY)], { ca: [cert(F.ROOT)], now: NOW })).alert).toBe(43);
  });
});

describe('issuers: basicConstraints cA, keyCertSign, pathLenConstraint', () => {
  it('a chain through an intermediate with pathLenConstraint 0 to the OpenSSL root is accepted', () => {
    expect(verify([F.UNDER_MID, F.MID], [F.ROOT]).commonName).toBe('localhost');
  });

  it('one intermediate more than the pathLenConstraint 0 allows: unknown_ca (48)', () => {
    const err = rejection(() => verify([F.UNDER_MID2, F.MID2, F.MID], [F.ROOT]));
    expect(err.alert).toBe(48);
    expect(err.message).toMatch(/pathLenConstraint/);
  });

  it('a trust anchor whose keyUsage lacks keyCertSign cannot vouch for a certificate: unknown_ca (48)', () => {
    const err = rejection(() => verify([F.UNDER_NO_CERTSIGN], [F.NO_CERTSIGN_CA]));
    expect(err.alert).toBe(48);
    expect(err.message).toMatch(/keyCertSign/);
  });

  it('a trust anchor with basicConstraints cA false cannot either: unknown_ca (48)', () => {
    const err = rejection(() => verify([F.UNDER_NOT_CA], [F.NOT_CA]));
    expect(err.alert).toBe(48);
    expect(err.message).toMatch(/not a CA/);
  });

  it('an intermediate that is not a CA: unknown_ca (48)', () => {
    const root = generateCertificate(nodeCrypto, { commonName: 'r', isCA: true });
    const notCa = generateCertificate(nodeCrypto, { commonName: 'n', issuer: { commonName: 'r', privateKey: root.privateScalar } });
    const leaf = generateCertificate(nodeCrypto, { commonName: 'l', issuer: { commonName: 'n', privateKey: notCa.privateScalar } });
    const err = rejection(() => verifyPeerChain(nodeCrypto, [leaf.der, notCa.der], { ca: [parseCertificate(root.der)] }));
    expect(err.alert).toBe(48);
    expect(err.message).toMatch(/not a CA/);
  });

  it('a self-signed certificate listed in ca is still accepted as itself whatever its basicConstraints', () => {
    expect(verify([F.NOT_CA], [F.NOT_CA]).commonName).toBe('cA false');
  });
});

describe('critical extensions (RFC 5280 §4.2)', () => {
  it('an unrecognized critical extension in the leaf: DtlsCertificateExtensionError, unsupported_certificate (43), pinned or not', () => {
    const fingerprint = toHex(nodeCrypto.sha256(der(F.CRITICAL_UNKNOWN)));
    for (const [anchors, extra] of [[[F.ROOT], {}], [[], { fingerprint }]] as const) {
      const err = rejection(() => verify([F.CRITICAL_UNKNOWN], anchors, 'server', extra));
      expect(err).toBeInstanceOf(DtlsCertificateExtensionError);
      expect(err).toMatchObject({ alert: 43, oid: '1.3.6.1.4.1.55555.1' });
      expect(err.message).toContain('1.3.6.1.4.1.55555.1');
    }
  });

  it('critical nameConstraints in an intermediate (not processed here) reject the chain', () => {
    const err = rejection(() => verify([F.UNDER_NAME_CONSTRAINED, F.NAME_CONSTRAINED], [F.ROOT]));
    expect(err).toBeInstanceOf(DtlsCertificateExtensionError);
    expect(err).toMatchObject({ alert: 43, oid: '2.5.29.30' });
  });

  it('critical nameConstraints in a trust anchor that signs the leaf reject it too', () => {
    expect(rejection(() => verify([F.UNDER_NAME_CONSTRAINED], [F.NAME_CONSTRAINED]))).toBeInstanceOf(DtlsCertificateExtensionError);
  });

  it('our own certificate chain may carry them: the peer validates it, not us', () => {
    expect(() => dtls({ certificate: F.UNDER_NAME_CONSTRAINED + F.NAME_CONSTRAINED, privateKey: F.SERVER_KEY })).not.toThrow();
  });
});

describe('alerts on the wire (OpenSSL-made chain, simulated link)', () => {
  const SUITE = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] as const;

  it('a server certificate with keyUsage digitalSignature, EKU serverAuth and critical basicConstraints is accepted', async () => {
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: F.ROOT, serverName: 'localhost' }, 1),
      dtls({ cipherSuites: [...SUITE], certificate: F.SERVER, privateKey: F.SERVER_KEY }, 2),
    );
    expect(await pair.handshake()).toBe(true);
  });

  it('a server presenting a clientAuth-only certificate: the client sends unsupported_certificate (43)', async () => {
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: F.ROOT, serverName: 'localhost' }, 1),
      dtls({ cipherSuites: [...SUITE], certificate: F.CLIENT_ONLY, privateKey: F.CLIENT_ONLY_KEY }, 2),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.serverLog.failed !== undefined);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 43 });
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 43, remote: true });
  });

  it('a client presenting a serverAuth-only certificate: the server sends unsupported_certificate (43)', async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate, serverName: 'localhost', certificate: F.SERVER, privateKey: F.SERVER_KEY }, 1),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: F.ROOT, requestClientCertificate: 'require' }, 2),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 43 });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 43, remote: true });
  });
});
