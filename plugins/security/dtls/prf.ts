/**
 * The TLS 1.2 PRF with SHA-256 (RFC 5246 §5) and the key schedule built on
 * it: master secret (§8.1), extended master secret (RFC 7627 §4), key block
 * (§6.3) and Finished verify_data (§7.4.9).
 *
 * @module
 */
import { concatBytes } from './bytes.js';
import type { CryptoProvider } from './crypto/provider.js';

const encoder = new TextEncoder();

/** SHA-256 output length: the size of A(i) and of each P_SHA256 block. */
const HASH_LENGTH = 32;

/** Encoded labels (a handful of constants), so that a handshake does not encode them again. */
const labels = new Map<string, Uint8Array>();

function labelBytes(label: string): Uint8Array {
  let b = labels.get(label);
  if (b === undefined) {
    b = encoder.encode(label);
    if (labels.size < 16) labels.set(label, b);
  }
  return b;
}

/**
 * P_SHA256(secret, label ‖ seed) truncated to `length` bytes (RFC 5246 §5):
 * A(0) = label ‖ seed, A(i) = HMAC(secret, A(i-1)), output HMAC(secret, A(i) ‖ label ‖ seed)
 * for i = 1, 2, …. One buffer holds A(i) ‖ label ‖ seed; each A(i) is written into its head.
 */
export function prf(crypto: CryptoProvider, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const l = labelBytes(label);
  const buf = new Uint8Array(HASH_LENGTH + l.length + seed.length);
  buf.set(l, HASH_LENGTH);
  buf.set(seed, HASH_LENGTH + l.length);
  const labelSeed = buf.subarray(HASH_LENGTH);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed;
  let o = 0;
  while (o < length) {
    a = crypto.hmacSha256(secret, a);
    buf.set(a, 0);
    const block = crypto.hmacSha256(secret, buf);
    const n = Math.min(block.length, length - o);
    out.set(n === block.length ? block : block.subarray(0, n), o);
    o += n;
  }
  return out;
}

/** master_secret = PRF(pms, "master secret", client_random ‖ server_random)[0..47] (RFC 5246 §8.1). */
export function masterSecret(
  crypto: CryptoProvider,
  pms: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(crypto, pms, 'master secret', concatBytes(clientRandom, serverRandom), 48);
}

/** master_secret = PRF(pms, "extended master secret", session_hash)[0..47] (RFC 7627 §4). */
export function extendedMasterSecret(crypto: CryptoProvider, pms: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(crypto, pms, 'extended master secret', sessionHash, 48);
}

/** Keys of one connection (RFC 5246 §6.3; AEAD suites have no MAC keys). */
export interface KeyBlock {
  /** client_write_key. */
  readonly clientKey: Uint8Array;
  /** server_write_key. */
  readonly serverKey: Uint8Array;
  /** client_write_IV (GCM salt or ChaCha20 IV). */
  readonly clientIv: Uint8Array;
  /** server_write_IV. */
  readonly serverIv: Uint8Array;
}

/** key_block = PRF(master, "key expansion", server_random ‖ client_random), split in order (RFC 5246 §6.3). */
export function keyBlock(
  crypto: CryptoProvider,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): KeyBlock {
  const kb = prf(crypto, master, 'key expansion', concatBytes(serverRandom, clientRandom), 2 * keyLength + 2 * ivLength);
  let o = 0;
  const take = (n: number): Uint8Array => kb.slice(o, (o += n));
  return { clientKey: take(keyLength), serverKey: take(keyLength), clientIv: take(ivLength), serverIv: take(ivLength) };
}

/** verify_data = PRF(master, "client finished" | "server finished", SHA-256(handshake_messages))[0..11] (RFC 5246 §7.4.9). */
export function verifyData(
  crypto: CryptoProvider,
  master: Uint8Array,
  role: 'client' | 'server',
  transcriptHash: Uint8Array,
): Uint8Array {
  return prf(crypto, master, role === 'client' ? 'client finished' : 'server finished', transcriptHash, 12);
}
