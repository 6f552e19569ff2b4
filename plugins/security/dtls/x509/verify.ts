/**
 * Peer certificate validation (RFC 5280 §6, simplified to what DTLS needs):
 * fingerprint pinning, or a chain to one of the `ca` certificates with
 * ECDSA P-256/SHA-256 signatures, validity against the real time
 * (`Date.now()`), and the `serverName` against subjectAltName (RFC 6125).
 *
 * @module
 */
import { bytesEqual, toHex } from '../bytes.js';
import { AlertDescription } from '../constants.js';
import { DtlsCertificateError } from '../errors.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { CertificateCache } from './cache.js';
import { parseCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';
import { OID } from './der.js';

/** Trust settings for a peer certificate. */
export interface TrustOptions {
  /** Trusted certificates (roots, intermediates or self-signed leaves). */
  readonly ca: readonly Certificate[];
  /** Accepted SHA-256 fingerprint of the leaf (hex, lower case, no colons). */
  readonly fingerprint?: string;
  /** Name the leaf must carry (DNS name or IP address). */
  readonly serverName?: string;
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
  const host = name.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(host) || host.includes(':')) return cert.ipAddresses.includes(host);
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
 * Validate a peer chain (leaf first). Returns the leaf; throws a
 * {@link DtlsCertificateError} (code `ERR_DTLS_CERT_VERIFY`) otherwise.
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
  const now = trust.now ?? Date.now();
  if (now < leaf.notBefore || now > leaf.notAfter) {
    throw new DtlsCertificateError('peer certificate is expired or not yet valid', AlertDescription.certificate_expired);
  }
  if (trust.serverName !== undefined && !matchesName(leaf, trust.serverName)) {
    throw new DtlsCertificateError(`peer certificate does not match ${trust.serverName}`, AlertDescription.bad_certificate);
  }
  if (trust.fingerprint !== undefined) {
    const fingerprint = trust.cache !== undefined ? trust.cache.fingerprint(leaf) : toHex(crypto.sha256(leaf.der));
    if (fingerprint === trust.fingerprint) return leaf;
    if (trust.ca.length === 0) throw new DtlsCertificateError('peer certificate fingerprint mismatch', AlertDescription.bad_certificate);
  }
  if (trust.ca.length === 0) throw new DtlsCertificateError('no trust anchor (ca or fingerprint) configured', AlertDescription.unknown_ca);
  let cur = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (trust.ca.some((c) => bytesEqual(c.der, cur.der))) return leaf;
    const anchor = trust.ca.find((c) => signedBy(crypto, cur, c));
    if (anchor !== undefined) {
      if (now < anchor.notBefore || now > anchor.notAfter) {
        throw new DtlsCertificateError('trust anchor is expired', AlertDescription.certificate_expired);
      }
      return leaf;
    }
    const next = chain.find((c) => c !== cur && c.isCA && signedBy(crypto, cur, c));
    if (next === undefined) break;
    if (now < next.notBefore || now > next.notAfter) {
      throw new DtlsCertificateError('intermediate certificate is expired', AlertDescription.certificate_expired);
    }
    cur = next;
  }
  throw new DtlsCertificateError('peer certificate is not signed by a trusted CA', AlertDescription.unknown_ca);
}
