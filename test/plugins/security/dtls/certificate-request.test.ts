/**
 * The client's answer to a CertificateRequest (RFC 5246 §7.4.4, §7.4.6,
 * §7.4.8; RFC 8422 §5.5). Its certificate is ECDSA P-256 and it signs
 * CertificateVerify with ecdsa_secp256r1_sha256 only, so it sends them only
 * when certificate_types has ecdsa_sign (64) and
 * supported_signature_algorithms has 0x0403; otherwise it sends an empty
 * Certificate and no CertificateVerify, and the server decides.
 */
import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../core/testing/security.js';
import { CERT_TYPE_ECDSA_SIGN, ECDSA_SECP256R1_SHA256, HandshakeType } from '../../../../plugins/security/dtls/constants.js';
import { DtlsDecodeError } from '../../../../plugins/security/dtls/errors.js';
import { certificateRequestAccepts } from '../../../../plugins/security/dtls/handshake/client-certificate.js';
import {
  encodeCertificateRequest,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
} from '../../../../plugins/security/dtls/handshake/messages.js';
import type { CertificateRequest } from '../../../../plugins/security/dtls/handshake/messages.js';
import { dtls, pki } from './fixtures.js';
import { rewriteHandshake, sentHandshakes } from './rewrite.js';

const SUITE = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] as const;
const RSA_SIGN = 1;
const RSA_PKCS1_SHA256 = 0x0401;
const ECDSA_SECP384R1_SHA384 = 0x0503;

/** A handshake in which the server's CertificateRequest is replaced by `request` (or left as sent). */
async function run(request: CertificateRequest | undefined, require: true | 'require' = true): Promise<SecurityPair> {
  const p = pki();
  const pair = new SecurityPair(
    dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate, serverName: 'localhost', certificate: p.client.certificate, privateKey: p.client.privateKey }, 1),
    dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: p.ca.certificate, requestClientCertificate: require }, 2),
    {
      maxDatagramSize: 1400,
      filter: (dir, d) => (dir === 'toClient' && request !== undefined ? rewriteHandshake(d, HandshakeType.certificate_request, () => encodeCertificateRequest(request)) : d),
    },
  );
  await pair.handshake(5_000);
  await pair.runUntil(() => pair.serverLog.failed !== undefined || pair.serverLog.established !== undefined);
  return pair;
}

/** The client's Certificate (number of certificates) and CertificateVerify scheme, if sent. */
function clientAnswer(pair: SecurityPair): { certificates: number | undefined; verifyScheme: number | undefined } {
  const sent = sentHandshakes(pair.clientLog);
  const cert = sent.find((m) => m.msgType === HandshakeType.certificate);
  const cv = sent.find((m) => m.msgType === HandshakeType.certificate_verify);
  return { certificates: cert && parseCertificate(cert.body).length, verifyScheme: cv && parseCertificateVerify(cv.body).scheme };
}

describe('client certificate selection against the CertificateRequest (RFC 5246 §7.4.6)', () => {
  it('our server asks for ecdsa_sign / ecdsa_secp256r1_sha256: the client sends its certificate and an ECDSA-SHA256 CertificateVerify', async () => {
    const pair = await run(undefined);
    expect(clientAnswer(pair)).toEqual({ certificates: 1, verifyScheme: ECDSA_SECP256R1_SHA256 });
    expect(pair.serverLog.established?.peerCertificates).toHaveLength(1);
  });

  it('only rsa_sign with rsa_pkcs1_sha256: an empty Certificate and no CertificateVerify (the handshake goes on)', async () => {
    const pair = await run({ certificateTypes: Uint8Array.of(RSA_SIGN), signatureSchemes: [RSA_PKCS1_SHA256] });
    expect(clientAnswer(pair)).toEqual({ certificates: 0, verifyScheme: undefined });
    expect(sentHandshakes(pair.clientLog).map((m) => m.msgType)).toContain(HandshakeType.client_key_exchange);
  });

  it('ecdsa_sign, but no signature algorithm the client can sign with (§7.4.8): an empty Certificate', async () => {
    const pair = await run({ certificateTypes: Uint8Array.of(CERT_TYPE_ECDSA_SIGN), signatureSchemes: [RSA_PKCS1_SHA256, ECDSA_SECP384R1_SHA384] });
    expect(clientAnswer(pair)).toEqual({ certificates: 0, verifyScheme: undefined });
  });

  it('ecdsa_secp256r1_sha256 listed but certificate_types without ecdsa_sign (§7.4.4): an empty Certificate', async () => {
    const pair = await run({ certificateTypes: Uint8Array.of(RSA_SIGN), signatureSchemes: [RSA_PKCS1_SHA256, ECDSA_SECP256R1_SHA256] });
    expect(clientAnswer(pair)).toEqual({ certificates: 0, verifyScheme: undefined });
  });

  it('ecdsa_sign among other types and 0x0403 among other algorithms: the certificate, signed with 0x0403', async () => {
    const pair = await run({ certificateTypes: Uint8Array.of(RSA_SIGN, CERT_TYPE_ECDSA_SIGN), signatureSchemes: [RSA_PKCS1_SHA256, ECDSA_SECP384R1_SHA384, ECDSA_SECP256R1_SHA256] });
    expect(clientAnswer(pair)).toEqual({ certificates: 1, verifyScheme: ECDSA_SECP256R1_SHA256 });
  });

  it("the server decides: with 'require' it refuses the empty Certificate with handshake_failure (40)", async () => {
    const pair = await run({ certificateTypes: Uint8Array.of(RSA_SIGN), signatureSchemes: [RSA_PKCS1_SHA256] }, 'require');
    expect(clientAnswer(pair).certificates).toBe(0);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 40 });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 40, remote: true });
  });
});

describe('certificateRequestAccepts and the CertificateRequest codec', () => {
  it('needs both ecdsa_sign and ecdsa_secp256r1_sha256', () => {
    const ok = (types: number[], schemes: number[]) => certificateRequestAccepts({ certificateTypes: Uint8Array.from(types), signatureSchemes: schemes });
    expect(ok([CERT_TYPE_ECDSA_SIGN], [ECDSA_SECP256R1_SHA256])).toBe(true);
    expect(ok([RSA_SIGN, CERT_TYPE_ECDSA_SIGN], [RSA_PKCS1_SHA256, ECDSA_SECP256R1_SHA256])).toBe(true);
    expect(ok([RSA_SIGN], [ECDSA_SECP256R1_SHA256])).toBe(false);
    expect(ok([CERT_TYPE_ECDSA_SIGN], [RSA_PKCS1_SHA256, ECDSA_SECP384R1_SHA384])).toBe(false);
  });

  it('rejects an empty certificate_types <1..2^8-1> or supported_signature_algorithms <2..2^16-2> (RFC 5246 §7.4.4)', () => {
    const good = encodeCertificateRequest({ certificateTypes: Uint8Array.of(CERT_TYPE_ECDSA_SIGN), signatureSchemes: [ECDSA_SECP256R1_SHA256] });
    expect(parseCertificateRequest(good).signatureSchemes).toEqual([ECDSA_SECP256R1_SHA256]);
    const noTypes = encodeCertificateRequest({ certificateTypes: new Uint8Array(0), signatureSchemes: [ECDSA_SECP256R1_SHA256] });
    const noAlgorithms = encodeCertificateRequest({ certificateTypes: Uint8Array.of(CERT_TYPE_ECDSA_SIGN), signatureSchemes: [] });
    expect(() => parseCertificateRequest(noTypes)).toThrow(DtlsDecodeError);
    expect(() => parseCertificateRequest(noAlgorithms)).toThrow(DtlsDecodeError);
  });
});
