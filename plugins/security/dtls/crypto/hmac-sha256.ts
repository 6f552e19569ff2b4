/**
 * HMAC-SHA256 (RFC 2104) over SHA-256 (FIPS 180-4) in plain JavaScript, for
 * short inputs.
 *
 * A DTLS handshake computes about 14 HMACs over 12–200 bytes: the cookie, the
 * PRF blocks of the master secret and key block, and both Finished messages.
 * Through node:crypto each one creates an OpenSSL 3 HMAC context (algorithm
 * fetch, key schedule, finalisation). That set-up costs several times more
 * than hashing the four or five 64-byte blocks involved, so for short inputs
 * this implementation is faster; for long inputs OpenSSL's SHA-256
 * instructions win, and {@link JS_HMAC_MAX_INPUT} is where the node provider
 * switches. `@noble/hashes` (already a dependency, used by the `noble`
 * provider) is not reused here: its `hmac` creates hash objects per call and
 * measured 14–16 µs per 77-byte HMAC against 3–5 µs for this one and 6–7 µs
 * for node:crypto (2026-11-26, same machine).
 *
 * Timing: SHA-256 uses only additions, rotations and bitwise operations on
 * 32-bit words, with no secret-dependent branches or table lookups. The
 * scratch buffers (key block, message schedule, padded tail, inner digest)
 * are wiped before returning.
 *
 * @module
 */

/** Largest message (bytes) for which the node provider uses this implementation. */
export const JS_HMAC_MAX_INPUT = 256;

/** SHA-256 block size in bytes (FIPS 180-4 §1). */
const BLOCK = 64;

/** SHA-256 round constants K (FIPS 180-4 §4.2.2). */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash value H(0) (FIPS 180-4 §5.3.3). */
const H0 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Message schedule W (FIPS 180-4 §6.2.2 step 1), reused: the functions here never re-enter. */
const W = new Int32Array(64);
/** The padded final block(s). */
const tail = new Uint8Array(2 * BLOCK);

/** Process one 64-byte block of `data` at `offset` into the state `h` (FIPS 180-4 §6.2.2). */
function compress(h: Int32Array, data: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++, offset += 4) {
    W[i] = (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let k = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + k) | 0;
}

/**
 * Absorb `data` into `h`, which has already absorbed `before` bytes (a
 * multiple of 64), pad (FIPS 180-4 §5.1.1) and write the 32-byte digest to
 * `out` at `outOffset`.
 */
function finish(h: Int32Array, before: number, data: Uint8Array, out: Uint8Array, outOffset: number): void {
  const n = data.length;
  let i = 0;
  for (; i + BLOCK <= n; i += BLOCK) compress(h, data, i);
  const rest = n - i;
  const blocks = rest + 9 <= BLOCK ? 1 : 2;
  const end = blocks * BLOCK;
  tail.fill(0, 0, end);
  for (let j = 0; j < rest; j++) tail[j] = data[i + j];
  tail[rest] = 0x80;
  const bits = (before + n) * 8;
  const hi = Math.floor(bits / 0x100000000);
  tail[end - 8] = hi >>> 24;
  tail[end - 7] = hi >>> 16;
  tail[end - 6] = hi >>> 8;
  tail[end - 5] = hi;
  tail[end - 4] = bits >>> 24;
  tail[end - 3] = bits >>> 16;
  tail[end - 2] = bits >>> 8;
  tail[end - 1] = bits;
  compress(h, tail, 0);
  if (blocks === 2) compress(h, tail, BLOCK);
  tail.fill(0, 0, end);
  W.fill(0);
  for (let j = 0; j < 8; j++) {
    const v = h[j];
    const o = outOffset + 4 * j;
    out[o] = v >>> 24;
    out[o + 1] = v >>> 16;
    out[o + 2] = v >>> 8;
    out[o + 3] = v;
  }
}

/** SHA-256 of `data` (FIPS 180-4 §6.2). */
export function sha256(data: Uint8Array): Uint8Array {
  const h = H0.slice();
  const out = new Uint8Array(32);
  finish(h, 0, data, out, 0);
  return out;
}

const keyBlock = new Uint8Array(BLOCK);
const inner = new Int32Array(8);
const outer = new Int32Array(8);
const innerDigest = new Uint8Array(32);

/** HMAC-SHA256(`key`, `data`) (RFC 2104 §2): H(K ⊕ opad ‖ H(K ⊕ ipad ‖ data)). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  // Keys longer than the block are hashed first; shorter ones are zero-padded.
  const k = key.length > BLOCK ? sha256(key) : key;
  keyBlock.fill(0);
  keyBlock.set(k);
  for (let i = 0; i < BLOCK; i++) keyBlock[i] ^= 0x36;
  inner.set(H0);
  compress(inner, keyBlock, 0);
  for (let i = 0; i < BLOCK; i++) keyBlock[i] ^= 0x36 ^ 0x5c;
  outer.set(H0);
  compress(outer, keyBlock, 0);
  keyBlock.fill(0);
  finish(inner, BLOCK, data, innerDigest, 0);
  const out = new Uint8Array(32);
  finish(outer, BLOCK, innerDigest, out, 0);
  innerDigest.fill(0);
  return out;
}
