/**
 * Parsing of X.509 certificates (RFC 5280 §4.1) — only what DTLS needs:
 * the signed TBS bytes, names, validity, an ECDSA P-256 public key,
 * subjectAltName and basicConstraints.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { decodeError } from '../errors.js';
import { OID, derChildren, expectTag, oidHex, readDer } from './der.js';
import type { Der } from './der.js';

/** The parts of a certificate the handshake uses. */
export interface Certificate {
  /** The whole certificate DER. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate (what the issuer signed). */
  readonly tbs: Uint8Array;
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
  /** subjectAltName dNSName entries. */
  readonly dnsNames: readonly string[];
  /** subjectAltName iPAddress entries in text form. */
  readonly ipAddresses: readonly string[];
  /** Subject commonName, if any. */
  readonly commonName?: string;
  /** basicConstraints cA. */
  readonly isCA: boolean;
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

function ipToText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    return groups.join(':');
  }
  return '';
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
  if (fields[0]?.tag === 0xa0) i++;
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
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  let isCA = false;
  for (; i < fields.length; i++) {
    if (fields[i].tag !== 0xa3) continue;
    const exts = derChildren(expectTag(derChildren(fields[i])[0], 0x30, 'extensions'));
    for (const ext of exts) {
      const parts = derChildren(ext);
      const id = oidHex(expectTag(parts[0], 0x06, 'extnID'));
      const value = expectTag(parts[parts.length - 1], 0x04, 'extnValue');
      if (id === OID.subjectAltName) {
        for (const gn of derChildren(readDer(value.content))) {
          if (gn.tag === 0x82) dnsNames.push(Buffer.from(gn.content).toString('latin1'));
          else if (gn.tag === 0x87) ipAddresses.push(ipToText(gn.content));
        }
      } else if (id === OID.basicConstraints) {
        const bc = derChildren(readDer(value.content));
        isCA = bc[0]?.tag === 0x01 && bc[0].content[0] !== 0;
      }
    }
  }
  return {
    der,
    tbs: tbs.raw,
    signatureAlgorithm: sigAlg[0]?.tag === 0x06 ? oidHex(sigAlg[0]) : '',
    signature: sigBits.content.subarray(1),
    issuer: issuer.raw,
    subject: subject.raw,
    notBefore: parseTime(validity[0]),
    notAfter: parseTime(validity[1]),
    publicKey,
    dnsNames,
    ipAddresses,
    commonName: commonNameOf(subject),
    isCA,
  };
}
