/**
 * The supported cipher suites (RFC 5289, RFC 7905, RFC 5487, RFC 8442 /
 * RFC 5489) and their parameters. All use the SHA-256 PRF.
 *
 * @module
 */
import type { AeadAlgorithm } from './crypto/provider.js';

/** IANA names of the supported suites. */
export const CIPHER_SUITE_NAMES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_PSK_WITH_AES_128_GCM_SHA256',
] as const;

/** IANA name of a supported suite. */
export type CipherSuiteName = (typeof CIPHER_SUITE_NAMES)[number];

/** Key exchange of a suite. */
export type KeyExchange = 'ecdhe_ecdsa' | 'ecdhe_psk' | 'psk';

/** Parameters of one suite. */
export interface CipherSuite {
  /** IANA name. */
  readonly name: CipherSuiteName;
  /** Code point. */
  readonly id: number;
  /** Key exchange. */
  readonly kx: KeyExchange;
  /** AEAD algorithm. */
  readonly aead: AeadAlgorithm;
  /** Key length in bytes. */
  readonly keyLength: number;
  /** Fixed IV length (GCM salt 4, ChaCha20 12). */
  readonly ivLength: number;
  /** Explicit per-record nonce bytes on the wire (GCM 8, ChaCha20 0). */
  readonly explicitNonceLength: number;
  /** Record overhead: header 13 + explicit nonce + tag 16. */
  readonly overhead: number;
}

function suite(name: CipherSuiteName, id: number, kx: KeyExchange, aead: AeadAlgorithm): CipherSuite {
  const gcm = aead === 'aes-128-gcm';
  const explicitNonceLength = gcm ? 8 : 0;
  return {
    name,
    id,
    kx,
    aead,
    keyLength: gcm ? 16 : 32,
    ivLength: gcm ? 4 : 12,
    explicitNonceLength,
    overhead: 13 + explicitNonceLength + 16,
  };
}

/** Every supported suite by name. */
export const CIPHER_SUITES: Readonly<Record<CipherSuiteName, CipherSuite>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: suite('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 0xc02b, 'ecdhe_ecdsa', 'aes-128-gcm'),
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: suite(
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    0xcca9,
    'ecdhe_ecdsa',
    'chacha20-poly1305',
  ),
  TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256: suite(
    'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
    0xccac,
    'ecdhe_psk',
    'chacha20-poly1305',
  ),
  TLS_PSK_WITH_AES_128_GCM_SHA256: suite('TLS_PSK_WITH_AES_128_GCM_SHA256', 0x00a8, 'psk', 'aes-128-gcm'),
};

/** The suite with code point `id`, if supported. */
export function suiteById(id: number): CipherSuite | undefined {
  for (const name of CIPHER_SUITE_NAMES) if (CIPHER_SUITES[name].id === id) return CIPHER_SUITES[name];
  return undefined;
}
