/**
 * Generation of ECDSA P-256 certificates (self-signed, or signed by a given
 * issuer) for tests and quick setups, without OpenSSL. Every certificate has
 * a critical keyUsage (RFC 5280 §4.2.1.3): digitalSignature for a leaf (its
 * key signs ServerKeyExchange or CertificateVerify, RFC 5246 §7.4.2,
 * §7.4.6), keyCertSign, cRLSign and digitalSignature for a CA (so a CA
 * certificate can serve as a self-signed leaf too); no extendedKeyUsage, so
 * a leaf serves as a server or a client certificate.
 *
 * @module
 */
import { ConfigError } from '../../../../core/errors.js';
import type { RandomSource } from '../../../../core/random/random.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { derEncode } from './der.js';
import { KeyUsage } from './extensions.js';
import { ipAddressOctets } from './ip.js';
import { toPem } from './pem.js';

/** What to put in a generated certificate. */
export interface CertificateSpec {
  /** Subject commonName. */
  readonly commonName: string;
  /** subjectAltName DNS names. */
  readonly dnsNames?: readonly string[];
  /** subjectAltName IP addresses (IPv4 or IPv6 text); anything else throws a ConfigError. */
  readonly ipAddresses?: readonly string[];
  /** notBefore, ms since the epoch (default: now − 1 h). */
  readonly notBefore?: number;
  /** notAfter, ms since the epoch (default: now + 30 days). */
  readonly notAfter?: number;
  /** Mark as a CA (basicConstraints cA). */
  readonly isCA?: boolean;
  /** Issuer (certificate PEM's commonName and private key); self-signed when absent. */
  readonly issuer?: CertificateIssuer;
  /** 32-byte private scalar (random when absent). */
  readonly privateKey?: Uint8Array;
  /**
   * Source of the random private scalar and of the serial number (default:
   * the provider's crypto-random `randomFill`). With a seeded source (e.g. a
   * simulator's `net.random('certificates')`), `notBefore` and `notAfter`,
   * the same spec gives the same certificate and key every run, with every
   * provider: the signature is RFC 6979 deterministic.
   */
  readonly random?: Pick<RandomSource, 'fill'>;
}

/** The issuer of a certificate made by {@link generateCertificate}. */
export interface CertificateIssuer {
  /** The issuer certificate's subject commonName. */
  readonly commonName: string;
  /** The issuer's 32-byte private scalar (e.g. {@link GeneratedCertificate.privateScalar}). */
  readonly privateKey: Uint8Array;
}

/** A generated certificate and key. */
export interface GeneratedCertificate {
  /** Certificate PEM. */
  readonly certificate: string;
  /** Private key PEM (SEC1 `EC PRIVATE KEY`). */
  readonly privateKey: string;
  /** Private scalar. */
  readonly privateScalar: Uint8Array;
  /** Certificate DER. */
  readonly der: Uint8Array;
}

const OIDS = {
  ecPublicKey: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01),
  prime256v1: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07),
  ecdsaWithSha256: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02),
  commonName: Uint8Array.of(0x55, 0x04, 0x03),
  subjectAltName: Uint8Array.of(0x55, 0x1d, 0x11),
  basicConstraints: Uint8Array.of(0x55, 0x1d, 0x13),
  keyUsage: Uint8Array.of(0x55, 0x1d, 0x0f),
};

const enc = new TextEncoder();
const seq = (...c: Uint8Array[]): Uint8Array => derEncode(0x30, ...c);
const oid = (o: Uint8Array): Uint8Array => derEncode(0x06, o);

function name(cn: string): Uint8Array {
  return seq(derEncode(0x31, seq(oid(OIDS.commonName), derEncode(0x0c, enc.encode(cn)))));
}

/** A critical keyUsage extension with the bits of `mask` (bits 0–7), DER: trailing zero bits dropped. */
function keyUsageExtension(mask: number): Uint8Array {
  let byte = 0;
  for (let n = 0; n < 8; n++) if (mask & (1 << n)) byte |= 0x80 >> n;
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return seq(oid(OIDS.keyUsage), derEncode(0x01, Uint8Array.of(0xff)), derEncode(0x04, derEncode(0x03, Uint8Array.of(unused, byte))));
}

function time(ms: number): Uint8Array {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const body = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return derEncode(0x18, enc.encode(body));
}

/** Generate a certificate per `spec`, signing with `crypto` (ECDSA P-256/SHA-256, plain RFC 6979 nonce). */
export function generateCertificate(crypto: CryptoProvider, spec: CertificateSpec): GeneratedCertificate {
  const fill = spec.random !== undefined ? (b: Uint8Array) => spec.random!.fill(b) : (b: Uint8Array) => crypto.randomFill(b);
  let privateScalar = spec.privateKey;
  if (privateScalar === undefined) {
    privateScalar = new Uint8Array(32);
    fill(privateScalar);
    privateScalar[0] &= 0x7f;
  }
  const key = crypto.signingKey(privateScalar);
  const sigAlg = seq(oid(OIDS.ecdsaWithSha256));
  const serial = new Uint8Array(9);
  fill(serial);
  serial[0] = 0x01;
  const now = Date.now();
  const san: Uint8Array[] = [];
  for (const d of spec.dnsNames ?? []) san.push(derEncode(0x82, enc.encode(d)));
  for (const ip of spec.ipAddresses ?? []) {
    const octets = ipAddressOctets(ip);
    if (octets === undefined) throw new ConfigError('ipAddresses', [`ipAddresses: expected an IPv4 or IPv6 address, got ${JSON.stringify(ip)}`], 'ERR_DTLS_BAD_CERTIFICATE_SPEC');
    san.push(derEncode(0x87, octets));
  }
  const exts: Uint8Array[] = [];
  if (san.length > 0) exts.push(seq(oid(OIDS.subjectAltName), derEncode(0x04, seq(...san))));
  if (spec.isCA) exts.push(seq(oid(OIDS.basicConstraints), derEncode(0x01, Uint8Array.of(0xff)), derEncode(0x04, seq(derEncode(0x01, Uint8Array.of(0xff))))));
  exts.push(keyUsageExtension(spec.isCA ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature));
  const tbs = seq(
    derEncode(0xa0, derEncode(0x02, Uint8Array.of(2))),
    derEncode(0x02, serial),
    sigAlg,
    name(spec.issuer?.commonName ?? spec.commonName),
    seq(time(spec.notBefore ?? now - 3600_000), time(spec.notAfter ?? now + 30 * 86400_000)),
    name(spec.commonName),
    seq(seq(oid(OIDS.ecPublicKey), oid(OIDS.prime256v1)), derEncode(0x03, Uint8Array.of(0), key.publicKey)),
    derEncode(0xa3, seq(...exts)),
  );
  const signer = spec.issuer !== undefined ? crypto.signingKey(spec.issuer.privateKey) : key;
  const der = seq(tbs, sigAlg, derEncode(0x03, Uint8Array.of(0), signer.sign(tbs)));
  const sec1 = seq(
    derEncode(0x02, Uint8Array.of(1)),
    derEncode(0x04, privateScalar),
    derEncode(0xa0, oid(OIDS.prime256v1)),
    derEncode(0xa1, derEncode(0x03, Uint8Array.of(0), key.publicKey)),
  );
  return { certificate: toPem(der, 'CERTIFICATE'), privateKey: toPem(sec1, 'EC PRIVATE KEY'), privateScalar, der };
}
