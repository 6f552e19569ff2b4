/**
 * Random sources. Every random choice a protocol makes (ISNs, cookies,
 * verification tags, key generation, simulated loss) comes from an injected
 * {@link RandomSource}, so a simulation with a seed is reproducible.
 *
 * @module
 */
import { randomFillSync } from 'node:crypto';

/** A source of random bytes and numbers. */
export interface RandomSource {
  /** Fill `bytes` with random bytes. */
  fill(bytes: Uint8Array): void;
  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number;
  /** A uniformly distributed float in [0, 1). */
  float(): number;
}

/** Requests up to this many bytes are served from {@link CryptoRandom}'s byte pool. */
const POOLED_FILL_MAX = 256;

/**
 * Cryptographically secure randomness from `node:crypto`. Small requests
 * (keys, nonces, randoms: up to 256 bytes) are copied from a 4 KiB pool
 * refilled by `randomFillSync`, and the bytes handed out are wiped from the
 * pool; one `randomFillSync` call costs several microseconds whatever its size.
 */
export class CryptoRandom implements RandomSource {
  private readonly pool = new Uint32Array(256);
  private pos = 256;
  private readonly bytePool = new Uint8Array(4096);
  private bytePos = 4096;

  /** {@inheritDoc RandomSource.fill} */
  fill(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n > POOLED_FILL_MAX) {
      randomFillSync(bytes);
      return;
    }
    const pool = this.bytePool;
    if (this.bytePos + n > pool.length) {
      randomFillSync(pool);
      this.bytePos = 0;
    }
    const start = this.bytePos;
    const end = start + n;
    bytes.set(pool.subarray(start, end));
    pool.fill(0, start, end); // handed out: not kept in memory
    this.bytePos = end;
  }

  /** {@inheritDoc RandomSource.uint32} */
  uint32(): number {
    if (this.pos >= this.pool.length) {
      randomFillSync(this.pool);
      this.pos = 0;
    }
    return this.pool[this.pos++];
  }

  /** {@inheritDoc RandomSource.float} */
  float(): number {
    return (this.uint32() * 2 ** 21 + (this.uint32() >>> 11)) / 2 ** 53;
  }
}

/**
 * A deterministic generator (xoshiro128**, seeded through SplitMix32).
 * Not cryptographically secure: for simulations and tests only.
 */
export class SeededRandom implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed - any integer; equal seeds give equal sequences */
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** {@inheritDoc RandomSource.uint32} */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** {@inheritDoc RandomSource.float} */
  float(): number {
    return (this.uint32() * 2 ** 21 + (this.uint32() >>> 11)) / 2 ** 53;
  }

  /** {@inheritDoc RandomSource.fill} */
  fill(bytes: Uint8Array): void {
    let i = 0;
    for (; i + 4 <= bytes.length; i += 4) {
      const v = this.uint32();
      bytes[i] = v;
      bytes[i + 1] = v >>> 8;
      bytes[i + 2] = v >>> 16;
      bytes[i + 3] = v >>> 24;
    }
    if (i < bytes.length) {
      let v = this.uint32();
      for (; i < bytes.length; i++, v >>>= 8) bytes[i] = v;
    }
  }

  /** A new independent generator derived from this one (for per-link or per-host streams). */
  fork(): SeededRandom {
    return new SeededRandom(this.uint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
