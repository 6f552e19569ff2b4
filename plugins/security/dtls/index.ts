/**
 * The `dtls` security plugin: DTLS 1.2 (RFC 6347) client and server with
 * AES-128-GCM and ChaCha20-Poly1305 suites over ECDHE-ECDSA, PSK and
 * ECDHE-PSK key exchanges, interoperable with OpenSSL 3.
 *
 * @example
 * ```ts
 * const stack = await createStack({ encapsulation: 'gue', security: { use: 'dtls', options: { psk: { identity: 'me', key: '0102…' } } }, transport: 'datagram' });
 * ```
 *
 * @module toukit/plugins/security/dtls
 */

export { DtlsProtocol, DTLS_TRANSFORM_TYPE } from './protocol.js';
export { dtlsOptionsSchema } from './options.js';
export type { DtlsOptions, DtlsOptionsInput, DtlsPsk, PskKey, PskLookup } from './options.js';
export {
  DtlsAlertError,
  DtlsCertificateError,
  DtlsCertificateExtensionError,
  DtlsDecodeError,
  DtlsHandshakeError,
  DtlsHandshakeTimeoutError,
} from './errors.js';
export { CIPHER_SUITE_NAMES } from './suites.js';
export type { CipherSuiteName } from './suites.js';
export { generateCertificate } from './x509/selfsigned.js';
export type { CertificateSpec, CertificateIssuer, GeneratedCertificate } from './x509/selfsigned.js';
export { cryptoProvider } from './crypto/index.js';
export type { AeadAlgorithm, AeadKey, CryptoProvider, EcdhGroup, EcdhKeyPair, Sha256Stream, SigningKey } from './crypto/provider.js';

export { dtlsSecurityPlugin, dtlsSecurityPlugin as default } from './plugin.js';
