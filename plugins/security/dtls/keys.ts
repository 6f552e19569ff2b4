/**
 * Premaster secrets (RFC 4279 §2 plain PSK, RFC 5489 §2 ECDHE_PSK, RFC 8422
 * §5.10 ECDHE), record keys from the key block, and NSS key-log lines.
 *
 * @module
 */
import { ByteWriter, toHex } from './bytes.js';
import type { CryptoProvider } from './crypto/provider.js';
import { keyBlock } from './prf.js';
import { RecordProtection } from './record/protection.js';
import type { CipherSuite } from './suites.js';

/**
 * PSK premaster: `uint16 N ‖ other_secret ‖ uint16 len(psk) ‖ psk`, where
 * other_secret is N zero bytes (plain PSK, N = len(psk)) or the ECDH
 * shared secret `z` (ECDHE_PSK).
 */
export function pskPremaster(psk: Uint8Array, z?: Uint8Array): Uint8Array {
  const other = z ?? new Uint8Array(psk.length);
  return new ByteWriter().vec16(other).vec16(psk).finish();
}

/** Record protections of both directions for `role`. */
export interface Protections {
  /** For records we send. */
  readonly write: RecordProtection;
  /** For records we receive. */
  readonly read: RecordProtection;
}

/** Derive the epoch-1 record protections (RFC 5246 §6.3). */
export function deriveProtections(
  crypto: CryptoProvider,
  suite: CipherSuite,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  role: 'client' | 'server',
): Protections {
  const kb = keyBlock(crypto, master, clientRandom, serverRandom, suite.keyLength, suite.ivLength);
  const client = new RecordProtection(crypto, suite, kb.clientKey, kb.clientIv);
  const server = new RecordProtection(crypto, suite, kb.serverKey, kb.serverIv);
  return role === 'client' ? { write: client, read: server } : { write: server, read: client };
}

/** NSS key-log line: `CLIENT_RANDOM <client_random hex> <master_secret hex>`. */
export function keylogLine(clientRandom: Uint8Array, master: Uint8Array): string {
  return `CLIENT_RANDOM ${toHex(clientRandom)} ${toHex(master)}`;
}

/**
 * A random private scalar for `group` (P-256: top bit cleared so it is below
 * n): `first` when given (32 bytes the caller just drew from the random
 * source, used once), else or while all zero, 32 bytes from `fill`.
 */
export function ephemeralScalar(fill: (b: Uint8Array) => void, group: 'x25519' | 'secp256r1', first?: Uint8Array): Uint8Array {
  const k = new Uint8Array(32);
  if (first !== undefined) {
    if (first.length !== 32) throw new RangeError('ephemeral scalar seed must be 32 bytes');
    k.set(first);
  } else fill(k);
  for (;;) {
    if (group === 'secp256r1') k[0] &= 0x7f;
    let nz = 0;
    for (let i = 0; i < 32; i++) nz |= k[i];
    if (nz !== 0) return k;
    fill(k);
  }
}
