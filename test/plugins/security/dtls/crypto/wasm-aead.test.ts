/**
 * The WebAssembly ChaCha20-Poly1305 AeadKey (the `wasm` provider's
 * `chacha20-poly1305`): RFC 8439 §2.8.2 and Appendix A.5, property tests
 * against node:crypto over random keys, nonces, AAD and multi-part inputs
 * up to beyond the largest DTLS record, forgeries rejected, many keys
 * interleaved on the one shared kernel, results owned by the caller.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { WasmProviderChaCha20Poly1305, wasmCrypto } from '../../../../../plugins/security/dtls/crypto/wasm.js';
import { WasmChaCha20Poly1305, chachaKernel } from '../../../../../plugins/security/dtls/crypto/wasm/aead.js';
import { instantiateKernel } from '../../../../../plugins/security/dtls/crypto/wasm/kernel.js';
import type { AeadKernel } from '../../../../../plugins/security/dtls/crypto/wasm/kernel.js';
import type { AeadKey } from '../../../../../plugins/security/dtls/crypto/provider.js';
import { fromHex, toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { SeededRandom } from '../../../../../core/random/random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** node:crypto's sealed output: ciphertext ‖ tag. */
function nodeSeal(k: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', k, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plain.length });
  return cat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** `data` cut at the given points (sorted, within range) into parts. */
function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(data.subarray(from, p));
    from = p;
  }
  parts.push(data.subarray(from));
  return parts;
}

describe('kernel instantiation', () => {
  const real = (globalThis as { WebAssembly?: unknown }).WebAssembly as { Module: new (b: Uint8Array) => object; Instance: unknown };

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('falls back to the scalar module when the engine rejects the SIMD one', () => {
    let attempts = 0;
    vi.stubGlobal('WebAssembly', {
      Instance: real.Instance,
      Module: class {
        constructor(bytes: Uint8Array) {
          if (attempts++ === 0) throw new Error('no SIMD here');
          return new real.Module(bytes);
        }
      },
    });
    const kernel = instantiateKernel();
    expect(attempts).toBe(2);
    expect(kernel?.simd).toBe(false);
    const k = new Uint8Array(32).fill(9);
    const out = new WasmChaCha20Poly1305(kernel!, k).seal(new Uint8Array(12), new Uint8Array(13), [new Uint8Array(300).fill(1)]);
    expect(toHex(cat(out))).toBe(toHex(nodeSeal(k, new Uint8Array(12), new Uint8Array(13), new Uint8Array(300).fill(1))));
  });

  it('is undefined without WebAssembly (node --jitless), and the wasm provider then uses node:crypto', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    expect(instantiateKernel()).toBeUndefined();
    vi.resetModules(); // a fresh provider module graph, whose kernel is made without WebAssembly
    const fresh = await import('../../../../../plugins/security/dtls/crypto/wasm.js');
    const freshNode = await import('../../../../../plugins/security/dtls/crypto/node.js');
    const k = new Uint8Array(32).fill(4);
    const key = fresh.wasmCrypto.aead('chacha20-poly1305', k);
    expect(key.constructor).toBe(freshNode.nodeCrypto.aead('chacha20-poly1305', k).constructor);
    const out = key.seal(new Uint8Array(12), new Uint8Array(13), [new Uint8Array(50)]);
    expect(toHex(cat(out))).toBe(toHex(nodeSeal(k, new Uint8Array(12), new Uint8Array(13), new Uint8Array(50))));
  });
});

describe('the shared kernel', () => {
  it('the wasm provider uses the SIMD kernel for chacha20-poly1305 (Node 20 has WebAssembly SIMD)', () => {
    expect(chachaKernel()?.simd).toBe(true);
    expect(wasmCrypto.aead('chacha20-poly1305', new Uint8Array(32))).toBeInstanceOf(WasmProviderChaCha20Poly1305);
  });
});

const kernels: [string, AeadKernel][] = [
  ['SIMD', instantiateKernel(true)!],
  ['scalar', instantiateKernel(false)!],
];

describe.each(kernels)('WebAssembly ChaCha20-Poly1305 AEAD (RFC 8439 §2.8), %s kernel', (_name, kernel) => {
  const key = (k: Uint8Array): AeadKey => new WasmChaCha20Poly1305(kernel, k);

  it('the kernel is the variant asked for', () => {
    expect(kernel.simd).toBe(_name === 'SIMD');
  });

  it('seals the §2.8.2 example, given in several parts, and opens it', () => {
    const k = key(new Uint8Array(32).map((_, i) => 0x80 + i));
    const nonce = fromHex('070000004041424344454647');
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = enc("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const out = k.seal(nonce, aad, [pt.subarray(0, 1), pt.subarray(1, 64), pt.subarray(64, 64), pt.subarray(64)]);
    const tag = out[out.length - 1];
    const ct = cat(out.slice(0, -1));
    expect(toHex(ct)).toBe(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
        '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
    );
    expect(toHex(tag)).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(toHex(k.open(nonce, aad, ct, tag)!)).toBe(toHex(pt));
  });

  it('opens the Appendix A.5 ciphertext (node:crypto agrees)', () => {
    const k = fromHex('1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0');
    const nonce = fromHex('000000000102030405060708');
    const aad = fromHex('f33388860000000000004e91');
    const ct = fromHex(
      '64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf' +
        '332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4' +
        'b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a' +
        '0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29' +
        'a6ad5cb4022b02709b',
    );
    const tag = fromHex('eead9d67890cbb22392336fea1851f38');
    const plain = key(k).open(nonce, aad, ct, tag);
    expect(plain).not.toBeNull();
    const text = new TextDecoder().decode(plain!);
    expect(text.startsWith('Internet-Drafts are draft documents valid for a maximum of six months')).toBe(true);
    expect(text.endsWith('/\u201cwork in progress./\u201d')).toBe(true);
    const d = createDecipheriv('chacha20-poly1305', k, nonce, { authTagLength: 16 });
    d.setAAD(aad, { plaintextLength: ct.length });
    d.setAuthTag(tag);
    expect(toHex(cat([d.update(ct), d.final()]))).toBe(toHex(plain!));
  });

  it('matches node:crypto for random keys, nonces, AAD (0..64 B) and multi-part plaintexts of 0..17,000 bytes, and opens its own output', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 17_000 }), fc.constantFrom(1340, 16_384, 16_384 + 2048)),
        fc.array(fc.nat(), { maxLength: 5 }),
        (k, nonce, aad, length, cuts) => {
          const plain = new Uint8Array(randomBytes(length));
          const a = key(k);
          const out = a.seal(nonce, aad, split(plain, cuts));
          expect(out[out.length - 1]).toHaveLength(16);
          const sealed = cat(out);
          expect(toHex(sealed)).toBe(toHex(nodeSeal(k, nonce, aad, plain)));
          const opened = a.open(nonce, aad, sealed.subarray(0, length), sealed.subarray(length));
          expect(opened).not.toBeNull();
          expect(toHex(opened!)).toBe(toHex(plain));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches node:crypto with long AAD (up to 2,000 B: the MAC runs behind the decryption and must catch up first)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 65, maxLength: 2000 }),
        fc.integer({ min: 0, max: 3000 }),
        (k, aad, length) => {
          const nonce = new Uint8Array(12).fill(length & 0xff);
          const plain = new Uint8Array(randomBytes(length));
          const a = key(k);
          const sealed = cat(a.seal(nonce, aad, [plain]));
          expect(toHex(sealed)).toBe(toHex(nodeSeal(k, nonce, aad, plain)));
          expect(toHex(a.open(nonce, aad, sealed.subarray(0, length), sealed.subarray(length))!)).toBe(toHex(plain));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('returns null for a modified ciphertext, tag, AAD or nonce, a wrong key, and a tag of the wrong length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (k, nonce, aad, length, at, bit) => {
          const a = key(k);
          const plain = new Uint8Array(randomBytes(length));
          const out = a.seal(nonce, aad, [plain]);
          const ct = cat(out.slice(0, -1));
          const tag = out[out.length - 1];
          const flip = (b: Uint8Array) => {
            const c = b.slice();
            c[at % c.length] ^= 1 << bit;
            return c;
          };
          expect(a.open(nonce, aad, flip(ct), tag)).toBeNull();
          expect(a.open(nonce, aad, ct, flip(tag))).toBeNull();
          expect(a.open(nonce, flip(aad), ct, tag)).toBeNull();
          expect(a.open(flip(nonce), aad, ct, tag)).toBeNull();
          expect(a.open(nonce, aad, ct.subarray(0, ct.length - 1), tag)).toBeNull();
          expect(a.open(nonce, aad, ct, tag.subarray(0, 15))).toBeNull();
          expect(key(flip(k)).open(nonce, aad, ct, tag)).toBeNull();
          expect(toHex(a.open(nonce, aad, ct, tag)!)).toBe(toHex(plain)); // the untouched record still opens
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles the empty plaintext (tag only) and empty AAD', () => {
    const k = new Uint8Array(randomBytes(32));
    const nonce = new Uint8Array(12);
    const out = key(k).seal(nonce, new Uint8Array(0), []);
    expect(out).toHaveLength(1);
    expect(toHex(out[0])).toBe(toHex(nodeSeal(k, nonce, new Uint8Array(0), new Uint8Array(0))));
    expect(key(k).open(nonce, new Uint8Array(0), new Uint8Array(0), out[0])).toHaveLength(0);
  });

  it('many keys interleaved on the shared kernel: each record opens only under its own key, in any order', () => {
    const rnd = new SeededRandom(42);
    const keys = Array.from({ length: 40 }, () => {
      const k = new Uint8Array(32);
      rnd.fill(k);
      return { raw: k, aead: key(k) };
    });
    const records = Array.from({ length: 400 }, (_, i) => {
      const owner = rnd.uint32() % keys.length;
      const nonce = new Uint8Array(12);
      rnd.fill(nonce);
      const aad = new Uint8Array(13);
      rnd.fill(aad);
      const plain = new Uint8Array(rnd.uint32() % 1500);
      rnd.fill(plain);
      const out = keys[owner].aead.seal(nonce, aad, [plain]);
      expect(toHex(cat(out)), `record ${i}`).toBe(toHex(nodeSeal(keys[owner].raw, nonce, aad, plain)));
      return { owner, nonce, aad, plain, ct: cat(out.slice(0, -1)), tag: out[out.length - 1] };
    });
    for (const r of [...records].reverse()) {
      expect(toHex(keys[r.owner].aead.open(r.nonce, r.aad, r.ct, r.tag)!)).toBe(toHex(r.plain));
      expect(keys[(r.owner + 1) % keys.length].aead.open(r.nonce, r.aad, r.ct, r.tag)).toBeNull();
    }
  });

  it('results are owned by the caller: later calls do not change them, and inputs are left untouched', () => {
    const a = key(new Uint8Array(32).fill(7));
    const nonce = new Uint8Array(12).fill(1);
    const aad = new Uint8Array(13).fill(2);
    const plain = new Uint8Array(1340).fill(3);
    const first = a.seal(nonce, aad, [plain]);
    const snapshot = toHex(cat(first));
    const opened = a.open(nonce, aad, first[0], first[1])!;
    for (let i = 0; i < 10; i++) a.seal(new Uint8Array(12).fill(i), aad, [new Uint8Array(2000).fill(i)]);
    a.open(nonce, aad, new Uint8Array(1340), new Uint8Array(16));
    expect(toHex(cat(first))).toBe(snapshot);
    for (const part of [...first, opened]) expect(Buffer.isBuffer(part)).toBe(false); // slice() copies
    expect(opened.every((b) => b === 3)).toBe(true);
    expect(plain.every((b) => b === 3)).toBe(true);
    expect(aad.every((b) => b === 2)).toBe(true);
  });

  it('does not leave the key or the one-time key in the shared memory after a call', () => {
    const k = new Uint8Array(32).fill(0xa5);
    const a = key(k);
    a.seal(new Uint8Array(12), new Uint8Array(13), [new Uint8Array(100)]);
    const mem = kernel.memory(0);
    expect(mem.subarray(0, 32).every((b) => b === 0)).toBe(true);
    expect(mem.subarray(128, 192).every((b) => b === 0)).toBe(true);
    const sealed = a.seal(new Uint8Array(12), new Uint8Array(13), [new Uint8Array(100)]);
    a.open(new Uint8Array(12), new Uint8Array(13), sealed[0], new Uint8Array(16)); // forged: the early return wipes too
    expect(mem.subarray(0, 32).every((b) => b === 0)).toBe(true);
    expect(mem.subarray(128, 192).every((b) => b === 0)).toBe(true);
  });

  it('grows its memory for records beyond one page and keeps working for small ones afterwards', () => {
    const k = new Uint8Array(randomBytes(32));
    const nonce = new Uint8Array(randomBytes(12));
    const aad = new Uint8Array(randomBytes(13));
    for (const length of [70_000, 200_000, 50]) {
      const plain = new Uint8Array(randomBytes(length));
      const out = key(k).seal(nonce, aad, [plain]);
      expect(toHex(cat(out))).toBe(toHex(nodeSeal(k, nonce, aad, plain)));
      expect(toHex(key(k).open(nonce, aad, out[0], out[1])!)).toBe(toHex(plain));
    }
  });

  it('rejects bad key and nonce sizes', () => {
    expect(() => key(new Uint8Array(16))).toThrow(RangeError);
    const a = key(new Uint8Array(32));
    expect(() => a.seal(new Uint8Array(8), new Uint8Array(0), [new Uint8Array(1)])).toThrow(RangeError);
    expect(a.open(new Uint8Array(8), new Uint8Array(0), new Uint8Array(1), new Uint8Array(16))).toBeNull();
  });
});
