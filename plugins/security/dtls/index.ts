/**
 * The `dtls` security plugin: DTLS 1.2 (RFC 6347) client and server with
 * AES-128-GCM and ChaCha20-Poly1305 suites over ECDHE-ECDSA, PSK and
 * ECDHE-PSK key exchanges, interoperable with OpenSSL 3.
 *
 * @example
 * ```ts
 * const stack = await createStack({ encapsulation: 'gue', security: { name: 'dtls', options: { psk: { identity: 'me', key: '0102…' } } }, transport: 'datagram' });
 * ```
 *
 * @module
 */
import { z } from 'zod';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import type { SecurityProtocol } from '../../../core/contracts/security.js';
import { DtlsProtocol } from './protocol.js';
import { dtlsJsonOptionsSchema, dtlsOptionsSchema } from './options.js';
import type { DtlsOptions } from './options.js';

export { DtlsProtocol, DTLS_TRANSFORM_TYPE } from './protocol.js';
export { dtlsOptionsSchema } from './options.js';
export type { DtlsOptions, DtlsOptionsInput, DtlsPsk, PskKey, PskLookup } from './options.js';
export { DtlsAlertError, DtlsCertificateError, DtlsDecodeError, DtlsHandshakeError, DtlsHandshakeTimeoutError } from './errors.js';
export { CIPHER_SUITE_NAMES } from './suites.js';
export type { CipherSuiteName } from './suites.js';
export { generateCertificate } from './x509/selfsigned.js';
export type { CertificateSpec, CertificateIssuer, GeneratedCertificate } from './x509/selfsigned.js';
export { cryptoProvider } from './crypto/index.js';
export type { AeadAlgorithm, AeadKey, CryptoProvider, EcdhGroup, EcdhKeyPair, Sha256Stream, SigningKey } from './crypto/provider.js';

/** The `dtls` security plugin. */
export const dtlsSecurityPlugin: Plugin<'security', DtlsOptions> = definePlugin({
  name: 'dtls',
  layer: 'security',
  description: 'DTLS 1.2 (RFC 6347): ECDHE-ECDSA, PSK and ECDHE-PSK with AES-128-GCM / ChaCha20-Poly1305',
  capabilities: ['confidential'],
  options: dtlsOptionsSchema,
  jsonSchema: z.toJSONSchema(dtlsJsonOptionsSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>,
  create: (options: DtlsOptions, env): SecurityProtocol => new DtlsProtocol(options, env.clock, env.random),
});

export default dtlsSecurityPlugin;
