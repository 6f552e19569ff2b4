/**
 * ECDSA P-256/SHA-256 signing of the DTLS crypto providers: the nonce of
 * RFC 6979 §3.2 hedged with the additional data k' of §3.6 (the session's
 * random bytes), low-S, DER (RFC 8422 §5.4). Same key, message and k' give
 * the same signature in every provider; a different k' or message gives a
 * different nonce; every signature verifies with OpenSSL (node:crypto) and
 * with @noble/curves.
 */
import { describe, it, expect } from 'vitest';
import { createPublicKey, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { nobleCrypto } from '../../../../../plugins/security/dtls/crypto/noble.js';
import { wasmCrypto } from '../../../../../plugins/security/dtls/crypto/wasm.js';
import { P256_ORDER, Rfc6979Drbg, derSignature, invertMod, signP256 } from '../../../../../plugins/security/dtls/crypto/ecdsa-p256.js';
import { hmacSha256, sha256 } from '../../../../../plugins/security/dtls/crypto/hmac-sha256.js';
import { fromHex, toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { SeededRandom } from '../../../../../core/random/random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const PROVIDERS = [nodeCrypto, wasmCrypto, nobleCrypto] as const;

/** RFC 6979 A.2.5: the P-256 key and the SHA-256 signatures of "sample" and "test". */
const A25 = {
  x: fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721'),
  ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
  uy: '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  sample: {
    k: 'a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60',
    r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
    s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
  },
  test: {
    k: 'd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0',
    r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
    s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
  },
} as const;

/** r and s of a DER signature, as 64 hex digits each. */
function rs(der: Uint8Array): { r: string; s: string } {
  const sig = p256.Signature.fromBytes(der, 'der');
  return { r: sig.r.toString(16).padStart(64, '0'), s: sig.s.toString(16).padStart(64, '0') };
}

/** OpenSSL's verdict (node:crypto `verify`) on a DER signature. */
function opensslVerifies(publicKey: Uint8Array, data: Uint8Array, der: Uint8Array): boolean {
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(publicKey.subarray(1, 33)), y: b64u(publicKey.subarray(33)) }, format: 'jwk' });
  return verify('sha256', data, { key, dsaEncoding: 'der' }, der);
}

function scalars(seed: number, count: number): Uint8Array[] {
  const rnd = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const d = new Uint8Array(32);
    rnd.fill(d);
    d[0] &= 0x7f; // below n
    return d;
  });
}

describe('RFC 6979 nonces for P-256 with SHA-256', () => {
  it('the first HMAC-DRBG output is the k of RFC 6979 A.2.5 for "sample" and "test"', () => {
    for (const m of ['sample', 'test'] as const) {
      const k = new Rfc6979Drbg(hmacSha256, A25.x, sha256(enc(m))).next();
      expect(k.toString(16).padStart(64, '0')).toBe(A25[m].k);
    }
  });

  it('additional data k\' (§3.6) changes the nonce; the same k\' gives the same nonce again', () => {
    const h = sha256(enc('sample'));
    const plain = new Rfc6979Drbg(hmacSha256, A25.x, h).next();
    const a = new Rfc6979Drbg(hmacSha256, A25.x, h, new Uint8Array(32).fill(1)).next();
    const b = new Rfc6979Drbg(hmacSha256, A25.x, h, new Uint8Array(32).fill(2)).next();
    expect(new Set([plain, a, b]).size).toBe(3);
    expect(new Rfc6979Drbg(hmacSha256, A25.x, h, new Uint8Array(32).fill(1)).next()).toBe(a);
  });

  it('later candidates (step h.3) are distinct values in [1, n-1], and the blinding factor leaves the sequence unchanged', () => {
    const h = sha256(enc('sample'));
    const d1 = new Rfc6979Drbg(hmacSha256, A25.x, h);
    const d2 = new Rfc6979Drbg(hmacSha256, A25.x, h);
    const seen = new Set<bigint>();
    for (let i = 0; i < 8; i++) {
      const k = d1.next();
      const b = d1.blindingFactor();
      expect(d2.next()).toBe(k);
      expect(k >= 1n && k < P256_ORDER && b >= 1n && b < P256_ORDER).toBe(true);
      expect(b).not.toBe(k);
      seen.add(k);
    }
    expect(seen.size).toBe(8);
  });
});

describe.each(PROVIDERS)('ECDSA P-256 signing, provider $name', (crypto) => {
  it('gives the RFC 6979 A.2.5 signatures (s as n - s when above n/2: low-S) and the A.2.5 public key', () => {
    const key = crypto.signingKey(A25.x);
    expect(toHex(key.publicKey)).toBe(`04${A25.ux}${A25.uy}`);
    for (const m of ['sample', 'test'] as const) {
      const sig = rs(key.sign(enc(m)));
      const s = BigInt(`0x${A25[m].s}`);
      expect(sig.r).toBe(A25[m].r);
      expect(sig.s).toBe((s > P256_ORDER / 2n ? P256_ORDER - s : s).toString(16).padStart(64, '0'));
    }
  });

  it('is reproducible: the same key, message and extra entropy give the same bytes; other extra entropy, another nonce (r)', () => {
    const key = crypto.signingKey(A25.x);
    const msg = enc('client_random ‖ server_random ‖ params');
    const e1 = new Uint8Array(32).fill(7);
    const e2 = new Uint8Array(32).fill(8);
    expect(toHex(key.sign(msg, e1))).toBe(toHex(key.sign(msg, e1)));
    expect(rs(key.sign(msg, e1)).r).not.toBe(rs(key.sign(msg, e2)).r);
    expect(rs(key.sign(msg, e1)).r).not.toBe(rs(key.sign(msg)).r);
  });

  it('never reuses a nonce: 500 different messages with the same key and the same extra entropy give 500 different r', () => {
    const key = crypto.signingKey(scalars(3, 1)[0]);
    const extra = new Uint8Array(32);
    const r = new Set<string>();
    for (let i = 0; i < 500; i++) r.add(rs(key.sign(enc(`message ${i}`), extra)).r);
    expect(r.size).toBe(500);
  });

  it('signatures are low-S DER and verify with OpenSSL and with @noble/curves (strict low-S check)', () => {
    const rnd = new SeededRandom(11);
    for (const d of scalars(5, 24)) {
      const key = crypto.signingKey(d);
      const msg = new Uint8Array(1 + rnd.uint32() % 300);
      const extra = new Uint8Array(32);
      rnd.fill(msg);
      rnd.fill(extra);
      const sig = key.sign(msg, extra);
      expect(BigInt(`0x${rs(sig).s}`) <= P256_ORDER / 2n).toBe(true);
      expect(opensslVerifies(key.publicKey, msg, sig)).toBe(true);
      expect(p256.verify(sig, msg, key.publicKey, { prehash: true, format: 'der' })).toBe(true);
      msg[0] ^= 1;
      expect(opensslVerifies(key.publicKey, msg, sig)).toBe(false);
    }
  });
});

describe('ECDSA P-256 signing across providers', () => {
  it('node, wasm and noble (@noble/curves p256.sign, an independent RFC 6979) give the same bytes for random keys, messages and extra entropy', () => {
    const rnd = new SeededRandom(21);
    for (const d of scalars(9, 64)) {
      const msg = new Uint8Array(rnd.uint32() % 200);
      const extra = new Uint8Array(rnd.uint32() % 3 === 0 ? 0 : 32);
      rnd.fill(msg);
      rnd.fill(extra);
      const e = extra.length === 0 ? undefined : extra;
      const [a, b, c] = PROVIDERS.map((p) => toHex(p.signingKey(d).sign(msg, e)));
      expect(b).toBe(a);
      expect(c).toBe(a);
    }
  });

  it('signP256 multiplies the base point only through the provider primitive, once per signature', () => {
    const calls: string[] = [];
    const sig = signP256(
      {
        hmac: hmacSha256,
        sha256,
        mulBase: (k) => {
          calls.push(toHex(k));
          return p256.Point.BASE.multiply(BigInt(`0x${toHex(k)}`)).toBytes(false).subarray(1, 33);
        },
      },
      A25.x,
      enc('sample'),
    );
    expect(calls).toEqual([A25.sample.k]);
    expect(rs(sig).r).toBe(A25.sample.r);
  });

  it('invertMod (Lehmer\'s extended Euclid): a · a⁻¹ ≡ 1 mod n for values of every size; a non-invertible value throws', () => {
    const rnd = new SeededRandom(31);
    const values = [1n, 2n, 3n, P256_ORDER - 1n, P256_ORDER - 2n, 2n ** 255n, 2n ** 52n + 1n];
    for (let i = 0; i < 400; i++) {
      const b = new Uint8Array(1 + (i % 32));
      rnd.fill(b);
      values.push(BigInt(`0x${toHex(b)}`) % P256_ORDER || 1n);
    }
    for (const a of values) expect((a * invertMod(a, P256_ORDER)) % P256_ORDER).toBe(1n);
    expect(invertMod(P256_ORDER + 5n, P256_ORDER)).toBe(invertMod(5n, P256_ORDER));
    expect(invertMod(3n, 2n ** 64n)).toBe(0xaaaaaaaaaaaaaaabn); // any odd modulus, not only primes
    expect(() => invertMod(0n, P256_ORDER)).toThrow(RangeError);
    expect(() => invertMod(6n, 2n ** 64n)).toThrow(RangeError);
  });

  it('DER: minimal INTEGERs, a 0x00 before a set top bit (X.690 §8.3)', () => {
    expect(toHex(derSignature(1n, 0x80n))).toBe('300702010102020080');
    expect(toHex(derSignature(0x7fn, 0x0100n))).toBe('300702017f02020100');
    const big = derSignature(P256_ORDER - 1n, P256_ORDER - 1n);
    expect(big.length).toBe(2 + 2 * 35);
    expect(rs(big).r).toBe((P256_ORDER - 1n).toString(16));
  });
});
