/**
 * Parsing of X.509 certificates (RFC 5280 §4.1) — only what DTLS needs:
 * the signed TBS bytes, version, names, validity, an ECDSA P-256 public key,
 * and the extensions of `extensions.ts` (subjectAltName, basicConstraints,
 * keyUsage, extKeyUsage, and which critical ones are not supported).
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { decodeError } from '../errors.js';
import { OID, derChildren, expectTag, oidHex, readDer } from './der.js';
import type { Der } from './der.js';
import { parseCertificateExtensions } from './extensions.js';
import type { CertificateExtensions } from './extensions.js';

export { KeyPurpose, KeyUsage } from './extensions.js';
export type { CertificateExtensions } from './extensions.js';

/** The parts of a certificate the handshake uses (with its extensions, RFC 5280 §4.2). */
export interface Certificate extends CertificateExtensions {
  /** The whole certificate DER. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate (what the issuer signed). */
  readonly tbs: Uint8Array;
  /** Version: 1, 2 or 3 (RFC 5280 §4.1.2.1). */
  readonly version: number;
  /** signatureAlgorithm OID (hex of its content). */
  readonly signatureAlgorithm: string;
  /** signatureValue (DER ECDSA-Sig-Value for ECDSA). */
  readonly signature: Uint8Array;
  /** Issuer Name DER. */
  readonly issuer: Uint8Array;
  /** Subject Name DER. */
  readonly subject: Uint8Array;
  /** notBefore as ms since the epoch. */
  readonly notBefore: number;
  /** notAfter as ms since the epoch. */
  readonly notAfter: number;
  /** Uncompressed P-256 public point, when the key is ECDSA P-256. */
  readonly publicKey?: Uint8Array;
  /** Subject commonName, if any. */
  readonly commonName?: string;
}

function parseTime(el: Der): number {
  const s = Buffer.from(el.content).toString('latin1');
  let m: RegExpMatchArray | null;
  if (el.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    return Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  if (el.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  throw decodeError('dtls_bad_der', 'bad certificate time');
}

function commonNameOf(name: Der): string | undefined {
  for (const rdn of derChildren(name)) {
    for (const atv of derChildren(rdn)) {
      const [oid, value] = derChildren(atv);
      if (oid?.tag === 0x06 && oidHex(oid) === OID.commonName && value !== undefined) {
        return Buffer.from(value.content).toString('utf8');
      }
    }
  }
  return undefined;
}

/** Parse a DER certificate; throws a DtlsDecodeError when malformed. */
export function parseCertificate(der: Uint8Array): Certificate {
  const cert = expectTag(readDer(der), 0x30, 'Certificate');
  if (cert.raw.length !== der.length) throw decodeError('dtls_bad_der', 'trailing bytes after the certificate');
  const [tbsEl, sigAlgEl, sigEl] = derChildren(cert);
  const tbs = expectTag(tbsEl, 0x30, 'tbsCertificate');
  const sigAlg = derChildren(expectTag(sigAlgEl, 0x30, 'signatureAlgorithm'));
  const sigBits = expectTag(sigEl, 0x03, 'signatureValue');
  if (sigBits.content.length < 1 || sigBits.content[0] !== 0) throw decodeError('dtls_bad_der', 'bad signature bit string');
  const fields = derChildren(tbs);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const v = expectTag(derChildren(fields[i++])[0], 0x02, 'version').content;
    if (v.length !== 1 || v[0] > 2) throw decodeError('dtls_bad_der', 'bad certificate version');
    version = v[0] + 1;
  }
  i++; // serialNumber
  i++; // signature AlgorithmIdentifier
  const issuer = expectTag(fields[i++], 0x30, 'issuer');
  const validity = derChildren(expectTag(fields[i++], 0x30, 'validity'));
  const subject = expectTag(fields[i++], 0x30, 'subject');
  const spki = derChildren(expectTag(fields[i++], 0x30, 'subjectPublicKeyInfo'));
  const alg = derChildren(expectTag(spki[0], 0x30, 'spki algorithm'));
  const keyBits = expectTag(spki[1], 0x03, 'subjectPublicKey');
  let publicKey: Uint8Array | undefined;
  if (alg[0]?.tag === 0x06 && oidHex(alg[0]) === OID.ecPublicKey && alg[1]?.tag === 0x06 && oidHex(alg[1]) === OID.prime256v1) {
    const point = keyBits.content.subarray(1);
    if (point.length === 65 && point[0] === 4) publicKey = point;
  }
  // issuerUniqueID [1] and subjectUniqueID [2] may come first (v2/v3); extensions are [3].
  const extensions = parseCertificateExtensions(fields.slice(i).find((f) => f.tag === 0xa3));
  return {
    der,
    tbs: tbs.raw,
    version,
    signatureAlgorithm: sigAlg[0]?.tag === 0x06 ? oidHex(sigAlg[0]) : '',
    signature: sigBits.content.subarray(1),
    issuer: issuer.raw,
    subject: subject.raw,
    notBefore: parseTime(validity[0]),
    notAfter: parseTime(validity[1]),
    publicKey,
    commonName: commonNameOf(subject),
    ...extensions,
  };
}
