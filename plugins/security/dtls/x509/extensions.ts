/**
 * The X.509 v3 extensions (RFC 5280 §4.2) of a certificate: those this
 * implementation processes (subjectAltName dNSName and iPAddress,
 * basicConstraints, keyUsage, extKeyUsage; the key identifiers, which only
 * help to build paths), and the critical ones it does not, which
 * `verifyPeerChain` rejects (§4.2: "A certificate-using system MUST
 * reject the certificate if it encounters a critical extension it does not
 * recognize or a critical extension that contains information that it
 * cannot process").
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { decodeError } from '../errors.js';
import { OID, derChildren, expectTag, oidHex, oidText, readDer } from './der.js';
import type { Der } from './der.js';
import { formatIpAddress } from './ip.js';

/** KeyUsage bits (RFC 5280 §4.2.1.3): bit n of the BIT STRING as `1 << n`. */
export const KeyUsage = {
  /** digitalSignature (0): the key verifies signatures other than on certificates and CRLs. */
  digitalSignature: 1 << 0,
  /** nonRepudiation / contentCommitment (1). */
  nonRepudiation: 1 << 1,
  /** keyEncipherment (2). */
  keyEncipherment: 1 << 2,
  /** dataEncipherment (3). */
  dataEncipherment: 1 << 3,
  /** keyAgreement (4). */
  keyAgreement: 1 << 4,
  /** keyCertSign (5): the key verifies signatures on certificates. */
  keyCertSign: 1 << 5,
  /** cRLSign (6). */
  cRLSign: 1 << 6,
  /** encipherOnly (7). */
  encipherOnly: 1 << 7,
  /** decipherOnly (8). */
  decipherOnly: 1 << 8,
} as const;

/** KeyPurposeId values (RFC 5280 §4.2.1.12), dotted. */
export const KeyPurpose = {
  /** id-kp-serverAuth: TLS WWW server authentication. */
  serverAuth: '1.3.6.1.5.5.7.3.1',
  /** id-kp-clientAuth: TLS WWW client authentication. */
  clientAuth: '1.3.6.1.5.5.7.3.2',
  /** anyExtendedKeyUsage (2.5.29.37.0). */
  any: '2.5.29.37.0',
} as const;

/** What the extensions of one certificate say. */
export interface CertificateExtensions {
  /** subjectAltName dNSName entries. */
  readonly dnsNames: readonly string[];
  /** subjectAltName iPAddress entries in text (RFC 5952 form for IPv6). */
  readonly ipAddresses: readonly string[];
  /** subjectAltName iPAddress entries as octets (4 or 16, RFC 5280 §4.2.1.6). */
  readonly ipAddressOctets: readonly Uint8Array[];
  /** basicConstraints cA (false when the extension is absent). */
  readonly isCA: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  readonly pathLenConstraint?: number;
  /** keyUsage bits ({@link KeyUsage}); undefined when the extension is absent (any use). */
  readonly keyUsage?: number;
  /** extKeyUsage KeyPurposeIds, dotted; undefined when the extension is absent (any purpose). */
  readonly extKeyUsage?: readonly string[];
  /** Dotted OIDs of the critical extensions not processed here. */
  readonly unsupportedCriticalExtensions: readonly string[];
}

/** Extensions whose contents are processed (or, for the key identifiers, safely ignored). */
const PROCESSED: ReadonlySet<string> = new Set([
  OID.subjectAltName,
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
]);

const bad = (what: string) => decodeError('dtls_bad_der', `bad ${what} extension`);

function keyUsageBits(value: Uint8Array): number {
  const bits = expectTag(readDer(value), 0x03, 'keyUsage BIT STRING').content;
  if (bits.length < 1 || bits[0] > 7) throw bad('keyUsage');
  let mask = 0;
  for (let n = 0; n < 9 && 1 + (n >> 3) < bits.length; n++) {
    if (bits[1 + (n >> 3)] & (0x80 >> (n & 7))) mask |= 1 << n;
  }
  return mask;
}

function pathLength(el: Der): number {
  const c = el.content;
  if (c.length === 0 || c[0] & 0x80) throw bad('basicConstraints');
  let n = 0;
  for (const b of c) n = Math.min(n * 256 + b, Number.MAX_SAFE_INTEGER);
  return n;
}

/**
 * Parse the `extensions [3]` element of a tbsCertificate (undefined: none).
 * Throws a DtlsDecodeError when one is malformed or appears twice (§4.2: "A
 * certificate MUST NOT include more than one instance of a particular
 * extension"), or when a SAN iPAddress is neither 4 nor 16 octets.
 */
export function parseCertificateExtensions(el: Der | undefined): CertificateExtensions {
  const dnsNames: string[] = [];
  const ipAddressOctets: Uint8Array[] = [];
  const unsupportedCriticalExtensions: string[] = [];
  let isCA = false;
  let pathLenConstraint: number | undefined;
  let keyUsage: number | undefined;
  let extKeyUsage: string[] | undefined;
  const seen = new Set<string>();
  const list = el === undefined ? [] : derChildren(expectTag(derChildren(el)[0], 0x30, 'extensions'));
  for (const ext of list) {
    const parts = derChildren(expectTag(ext, 0x30, 'Extension'));
    const oid = expectTag(parts[0], 0x06, 'extnID');
    const id = oidHex(oid);
    if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && (parts[1].tag !== 0x01 || parts[1].content.length !== 1))) throw bad(oidText(oid.content));
    const critical = parts.length === 3 && parts[1].content[0] !== 0;
    const value = expectTag(parts[parts.length - 1], 0x04, 'extnValue').content;
    if (seen.has(id)) throw decodeError('dtls_bad_der', `extension ${oidText(oid.content)} appears twice`);
    seen.add(id);
    if (!PROCESSED.has(id)) {
      if (critical) unsupportedCriticalExtensions.push(oidText(oid.content));
      continue;
    }
    if (id === OID.subjectAltName) {
      for (const gn of derChildren(expectTag(readDer(value), 0x30, 'GeneralNames'))) {
        if (gn.tag === 0x82) dnsNames.push(Buffer.from(gn.content).toString('latin1'));
        else if (gn.tag === 0x87) {
          if (gn.content.length !== 4 && gn.content.length !== 16) throw bad('subjectAltName iPAddress');
          ipAddressOctets.push(gn.content);
        }
      }
    } else if (id === OID.basicConstraints) {
      const bc = derChildren(expectTag(readDer(value), 0x30, 'BasicConstraints'));
      let i = 0;
      if (bc[i]?.tag === 0x01) isCA = bc[i++].content[0] !== 0;
      if (bc[i]?.tag === 0x02) pathLenConstraint = pathLength(bc[i]);
    } else if (id === OID.keyUsage) {
      keyUsage = keyUsageBits(value);
    } else if (id === OID.extKeyUsage) {
      const purposes = derChildren(expectTag(readDer(value), 0x30, 'ExtKeyUsageSyntax'));
      if (purposes.length === 0) throw bad('extKeyUsage');
      extKeyUsage = purposes.map((p) => oidText(expectTag(p, 0x06, 'KeyPurposeId').content));
    }
  }
  return {
    dnsNames,
    ipAddresses: ipAddressOctets.map(formatIpAddress),
    ipAddressOctets,
    isCA,
    pathLenConstraint,
    keyUsage,
    extKeyUsage,
    unsupportedCriticalExtensions,
  };
}
