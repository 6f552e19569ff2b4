/**
 * Peer certificate validation (RFC 5280 §6, simplified to what DTLS needs):
 * fingerprint pinning, or a chain to one of the `ca` certificates with
 * ECDSA P-256/SHA-256 signatures, validity against the real time
 * (`Date.now()`), the `serverName` against subjectAltName (RFC 6125; IP
 * addresses compared as octets), what the leaf's key may be used for
 * (keyUsage digitalSignature, extendedKeyUsage serverAuth or clientAuth),
 * what each issuer may do (basicConstraints cA and pathLenConstraint,
 * keyUsage keyCertSign), and no critical extension left unprocessed
 * (RFC 5280 §4.2).
 *
 * @module
 */
import { bytesEqual, toHex } from '../bytes.js';
import { AlertDescription } from '../constants.js';
import { DtlsCertificateError, DtlsCertificateExtensionError } from '../errors.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { CertificateCache } from './cache.js';
import { KeyPurpose, KeyUsage, parseCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';
import { OID } from './der.js';
import { ipAddressOctets, sameIpAddress } from './ip.js';

/**
 * What the peer certificate authenticates: a server (the client verifies it)
 * or a client (the server verifies it); selects the extendedKeyUsage
 * purpose required (RFC 5280 §4.2.1.12: id-kp-serverAuth or id-kp-clientAuth).
 */
export type CertificatePurpose = 'server' | 'client';

/** Trust settings for a peer certificate. */
export interface TrustOptions {
  /** Trusted certificates (roots, intermediates or self-signed leaves). */
  readonly ca: readonly Certificate[];
  /** Accepted SHA-256 fingerprint of the leaf (hex, lower case, no colons). */
  readonly fingerprint?: string;
  /** Name the leaf must carry (DNS name or IP address). */
  readonly serverName?: string;
  /** What the leaf authenticates (default `'server'`). */
  readonly purpose?: CertificatePurpose;
  /** Current time in ms since the epoch (defaults to `Date.now()`). */
  readonly now?: number;
  /** Parsed peer certificates and fingerprints by exact DER (the checks themselves always run). */
  readonly cache?: CertificateCache;
}

const MAX_DEPTH = 8;

function signedBy(crypto: CryptoProvider, cert: Certificate, issuer: Certificate): boolean {
  return (
    issuer.publicKey !== undefined &&
    bytesEqual(cert.issuer, issuer.subject) &&
    cert.signatureAlgorithm === OID.ecdsaWithSha256 &&
    crypto.ecdsaVerify(issuer.publicKey, cert.tbs, cert.signature)
  );
}

function matchesName(cert: Certificate, name: string): boolean {
  const ip = ipAddressOctets(name);
  if (ip !== undefined) return cert.ipAddressOctets.some((a) => sameIpAddress(a, ip));
  const host = name.toLowerCase().replace(/\.$/, '');
  const names = cert.dnsNames.length > 0 ? cert.dnsNames : cert.commonName !== undefined ? [cert.commonName] : [];
  for (const n of names) {
    const pattern = n.toLowerCase().replace(/\.$/, '');
    if (pattern === host) return true;
    if (pattern.startsWith('*.')) {
      const dot = host.indexOf('.');
      if (dot > 0 && host.slice(dot + 1) === pattern.slice(2)) return true;
    }
  }
  return false;
}

/**
 * The leaf's key signs our handshake (ServerKeyExchange, RFC 8422 §5.4;
 * CertificateVerify, RFC 5246 §7.4.8): a keyUsage, if present, must include
 * digitalSignature (RFC 5246 §7.4.2 and §7.4.6, RFC 8422 §5.3 and §5.6,
 * RFC 5280 §4.2.1.3), and an extendedKeyUsage, if present, the purpose or
 * anyExtendedKeyUsage (RFC 5280 §4.2.1.12). Else unsupported_certificate
 * (the alert OpenSSL sends for an invalid purpose).
 */
function checkLeafUsage(leaf: Certificate, purpose: CertificatePurpose): void {
  if (leaf.keyUsage !== undefined && (leaf.keyUsage & KeyUsage.digitalSignature) === 0) {
    const message = purpose === 'server' ? 'ServerKeyExchange' : 'CertificateVerify';
    throw new DtlsCertificateError(
      `peer certificate keyUsage lacks digitalSignature, needed to sign ${message} (RFC 5246 §7.4.2, RFC 8422 §5.3)`,
      AlertDescription.unsupported_certificate,
    );
  }
  const eku = leaf.extKeyUsage;
  const wanted = purpose === 'server' ? KeyPurpose.serverAuth : KeyPurpose.clientAuth;
  if (eku !== undefined && !eku.includes(wanted) && !eku.includes(KeyPurpose.any)) {
    throw new DtlsCertificateError(`peer certificate extendedKeyUsage lacks ${purpose}Auth (RFC 5280 §4.2.1.12)`, AlertDescription.unsupported_certificate);
  }
}

/**
 * Why `issuer` (a trust anchor or an intermediate the peer sent) cannot
 * vouch for the certificate below it, with `below` non-self-issued
 * intermediates between it and the leaf; undefined when it can:
 * - a critical extension not processed here (RFC 5280 §4.2);
 * - not a CA: basicConstraints cA must be asserted (§4.2.1.9, §6.1.4 (k));
 *   a configured version 1 trust anchor, which cannot carry extensions, is
 *   trusted as a CA by being configured;
 * - a keyUsage without keyCertSign (§4.2.1.3, §6.1.4 (n));
 * - a pathLenConstraint smaller than `below` (§4.2.1.9, §6.1.4 (l), (m);
 *   applied to trust anchors too, as OpenSSL does);
 * - outside its validity.
 * Chain errors are unknown_ca (OpenSSL's alert for an invalid CA or a path
 * length exceeded), extensions unsupported_certificate, expiry certificate_expired.
 */
function issuerProblem(issuer: Certificate, below: number, anchor: boolean, now: number): DtlsCertificateError | undefined {
  const role = anchor ? 'trust anchor' : 'intermediate certificate';
  const critical = issuer.unsupportedCriticalExtensions[0];
  if (critical !== undefined) return new DtlsCertificateExtensionError(critical, role);
  if (!issuer.isCA && !(anchor && issuer.version < 3)) {
    return new DtlsCertificateError(`${role} is not a CA (basicConstraints cA, RFC 5280 §4.2.1.9)`, AlertDescription.unknown_ca);
  }
  if (issuer.keyUsage !== undefined && (issuer.keyUsage & KeyUsage.keyCertSign) === 0) {
    return new DtlsCertificateError(`${role} keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3)`, AlertDescription.unknown_ca);
  }
  if (issuer.pathLenConstraint !== undefined && below > issuer.pathLenConstraint) {
    return new DtlsCertificateError(
      `${role} pathLenConstraint ${issuer.pathLenConstraint} allows fewer intermediate certificates than the ${below} below it (RFC 5280 §4.2.1.9)`,
      AlertDescription.unknown_ca,
    );
  }
  if (now < issuer.notBefore || now > issuer.notAfter) {
    return new DtlsCertificateError(anchor ? 'trust anchor is expired' : 'intermediate certificate is expired', AlertDescription.certificate_expired);
  }
  return undefined;
}

/** The first of `candidates` (all signed the certificate) that may issue it; throws the first one's problem when none may. */
function pickIssuer(candidates: readonly Certificate[], below: number, anchor: boolean, now: number): Certificate | undefined {
  let problem: DtlsCertificateError | undefined;
  for (const c of candidates) {
    const p = issuerProblem(c, below, anchor, now);
    if (p === undefined) return c;
    problem ??= p;
  }
  if (problem !== undefined) throw problem;
  return undefined;
}

/**
 * Validate a peer chain (leaf first) for `trust.purpose`. Returns the leaf;
 * throws a {@link DtlsCertificateError} (code `ERR_DTLS_CERT_VERIFY`, with the
 * alert to send) otherwise, a {@link DtlsCertificateExtensionError} for a
 * critical extension not processed here. The leaf is checked even when
 * pinned by fingerprint or listed in `ca`: its extensions, validity, name
 * and key usage.
 */
export function verifyPeerChain(crypto: CryptoProvider, chainDer: readonly Uint8Array[], trust: TrustOptions): Certificate {
  if (chainDer.length === 0) throw new DtlsCertificateError('peer sent no certificate', AlertDescription.handshake_failure);
  let chain: Certificate[];
  try {
    const cache = trust.cache;
    chain = chainDer.map((d) => (cache !== undefined ? cache.parse(d) : parseCertificate(d)));
  } catch (err) {
    throw new DtlsCertificateError(`malformed peer certificate: ${(err as Error).message}`, AlertDescription.bad_certificate);
  }
  const leaf = chain[0];
  if (leaf.publicKey === undefined) {
    throw new DtlsCertificateError('peer certificate key is not ECDSA P-256', AlertDescription.unsupported_certificate);
  }
  const critical = leaf.unsupportedCriticalExtensions[0];
  if (critical !== undefined) throw new DtlsCertificateExtensionError(critical, 'peer certificate');
  const now = trust.now ?? Date.now();
  if (now < leaf.notBefore || now > leaf.notAfter) {
    throw new DtlsCertificateError('peer certificate is expired or not yet valid', AlertDescription.certificate_expired);
  }
  if (trust.serverName !== undefined && !matchesName(leaf, trust.serverName)) {
    throw new DtlsCertificateError(`peer certificate does not match ${trust.serverName}`, AlertDescription.bad_certificate);
  }
  checkLeafUsage(leaf, trust.purpose ?? 'server');
  if (trust.fingerprint !== undefined) {
    const fingerprint = trust.cache !== undefined ? trust.cache.fingerprint(leaf) : toHex(crypto.sha256(leaf.der));
    if (fingerprint === trust.fingerprint) return leaf;
    if (trust.ca.length === 0) throw new DtlsCertificateError('peer certificate fingerprint mismatch', AlertDescription.bad_certificate);
  }
  if (trust.ca.length === 0) throw new DtlsCertificateError('no trust anchor (ca or fingerprint) configured', AlertDescription.unknown_ca);
  let cur = leaf;
  let below = 0; // non-self-issued intermediates between the leaf and cur's issuer (RFC 5280 §6.1.4 (l))
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (trust.ca.some((c) => bytesEqual(c.der, cur.der))) return leaf;
    const c = cur;
    if (pickIssuer(trust.ca.filter((a) => signedBy(crypto, c, a)), below, true, now) !== undefined) return leaf;
    const next = pickIssuer(chain.filter((x) => x !== c && signedBy(crypto, c, x)), below, false, now);
    if (next === undefined) break;
    if (!bytesEqual(next.subject, next.issuer)) below++;
    cur = next;
  }
  throw new DtlsCertificateError('peer certificate is not signed by a trusted CA', AlertDescription.unknown_ca);
}
