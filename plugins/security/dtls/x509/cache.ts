/**
 * A small per-stack memo of peer certificates by their exact DER bytes: the
 * parsed fields (RFC 5280 §4.1) and the SHA-256 fingerprint. A client that
 * pins a server's certificate receives the same DER in every handshake;
 * parsing and hashing it again each time costs more than the comparison
 * that finds it here. Only pure functions of the bytes are kept: every
 * handshake still checks validity against the current time, the name, the
 * fingerprint or the chain's signatures (see {@link verifyPeerChain}).
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { toHex } from '../bytes.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { parseCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';

/** Certificates kept at most (a stack talks to few distinct peer certificates). */
export const CERTIFICATE_CACHE_SIZE = 8;

interface Entry {
  readonly cert: Certificate;
  fingerprint: string | undefined;
}

/** Whether `a` and `b` hold the same bytes (certificates are public: a native, early-exit comparison is fine). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Parsed certificates and fingerprints by exact DER, the most recent {@link CERTIFICATE_CACHE_SIZE}. */
export class CertificateCache {
  private readonly entries: Entry[] = [];

  /**
   * @param crypto - provider of SHA-256 for fingerprints
   * @param capacity - entries kept at most
   */
  constructor(
    private readonly crypto: CryptoProvider,
    private readonly capacity = CERTIFICATE_CACHE_SIZE,
  ) {}

  /** Entries held now. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * The certificate `der` parsed, from the cache when these exact bytes were
   * parsed before; throws what {@link parseCertificate} throws (malformed
   * certificates are never cached).
   */
  parse(der: Uint8Array): Certificate {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      if (sameBytes(entries[i].cert.der, der)) return entries[i].cert;
    }
    const cert = parseCertificate(der.slice());
    if (entries.length >= this.capacity) entries.shift();
    entries.push({ cert, fingerprint: undefined });
    return cert;
  }

  /** Lower-case hex SHA-256 of `cert.der`, computed once per cached certificate. */
  fingerprint(cert: Certificate): string {
    const e = this.entries.find((x) => x.cert === cert);
    if (e === undefined) return toHex(this.crypto.sha256(cert.der));
    return (e.fingerprint ??= toHex(this.crypto.sha256(cert.der)));
  }
}
