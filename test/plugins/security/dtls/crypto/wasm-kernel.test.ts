/**
 * The WebAssembly building blocks of the ChaCha20-Poly1305 kernel, each in
 * a test module assembled from the same function generators: the emitter's
 * encodings, ChaCha20 against RFC 8439 §2.4.2 and Appendix A.1/A.2/A.4 and
 * node:crypto, Poly1305 against §2.5.2 and every Appendix A.3 vector.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble, block, br, br_if, get, i32, loop, set, sleb, uleb } from '../../../../../plugins/security/dtls/crypto/wasm/emit.js';
import { chacha20XorFunc } from '../../../../../plugins/security/dtls/crypto/wasm/chacha20.js';
import { chacha20XorSimdFunc } from '../../../../../plugins/security/dtls/crypto/wasm/chacha20-simd.js';
import { poly1305Func } from '../../../../../plugins/security/dtls/crypto/wasm/poly1305.js';
import { kernelModule } from '../../../../../plugins/security/dtls/crypto/wasm/kernel.js';
import { fromHex, toHex } from '../../../../../plugins/security/dtls/bytes.js';

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

function instantiate(bytes: Uint8Array): Record<string, unknown> {
  return new wasm.Instance(new wasm.Module(bytes), {}).exports;
}

// Test module: $chacha20_xor, $chacha20_xor_simd and $poly1305 exported, key at 0, nonce at 32, scratch at 64, data from 1024.
const KEY = 0;
const NONCE = 32;
const DATA = 1024;
const prims = instantiate(
  assemble({
    memoryPages: 1,
    memoryExport: 'mem',
    funcs: [
      { ...chacha20XorFunc(KEY, NONCE), exported: true },
      { ...chacha20XorSimdFunc(KEY, NONCE), exported: true },
      { ...poly1305Func(64), exported: true },
    ],
  }),
);
const mem = new Uint8Array((prims.mem as { buffer: ArrayBuffer }).buffer);
type ChaChaXor = (p: number, blocks: number, counter: number) => void;
const chachaXors: [string, ChaChaXor][] = [
  ['scalar', prims.chacha20_xor as ChaChaXor],
  ['SIMD', prims.chacha20_xor_simd as ChaChaXor],
];
const poly = prims.poly1305 as (key: number, p: number, end: number, tag: number) => void;

/** ChaCha20 encryption with one of the kernel's functions (RFC 8439 §2.4); the bytes after the data up to four blocks must stay untouched by anything but keystream. */
function chacha20With(xor: ChaChaXor, key: Uint8Array, nonce: Uint8Array, counter: number, input: Uint8Array): Uint8Array {
  mem.set(key, KEY);
  mem.set(nonce, NONCE);
  mem.fill(0, DATA, DATA + input.length + 256);
  mem.set(input, DATA);
  xor(DATA, Math.ceil(input.length / 64), counter);
  return mem.slice(DATA, DATA + input.length);
}

/** The Poly1305 tag of `msg` with the kernel's function (RFC 8439 §2.5). */
function poly1305(key: Uint8Array, msg: Uint8Array): string {
  mem.set(key, KEY);
  mem.set(msg, DATA);
  poly(KEY, DATA, DATA + msg.length, 48);
  return toHex(mem.slice(48, 64));
}

const enc = (s: string) => new TextEncoder().encode(s);
const SUNSCREEN = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
const IETF =
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF Internet-Draft or RFC and any ' +
  'statement made within the context of an IETF activity is considered an "IETF Contribution". Such statements include oral ' +
  'statements in IETF sessions, as well as written and electronic communications made at any time or place, which are addressed to';
const JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";
const KEY_1C = fromHex('1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0');
const KEY_01 = fromHex('00'.repeat(31) + '01');
const NONCE_2 = fromHex('000000000000000000000002');

describe('WebAssembly emitter', () => {
  it('encodes LEB128 as the spec examples (§5.2.2)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0n)).toEqual([0]);
    expect(sleb(-1n)).toEqual([0x7f]);
    expect(sleb(63n)).toEqual([0x3f]);
    expect(sleb(64n)).toEqual([0xc0, 0x00]);
    expect(sleb(-64n)).toEqual([0x40]);
    expect(sleb(-123456n)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(0x7fffffffn)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
  });

  it('assembles a valid module whose loop, branches and locals behave as written', () => {
    // sum of 1..n with a loop: (loop $next (br_if $done (eqz n)) (acc += n) (n -= 1) (br $next))
    const bytes = assemble({
      memoryPages: 1,
      memoryExport: 'm',
      funcs: [
        {
          name: 'sum',
          exported: true,
          params: [['$n', 'i32']],
          result: 'i32',
          locals: [['$acc', 'i32']],
          body: [
            block(
              '$done',
              loop(
                '$next',
                br_if('$done', i32.eqz(get('$n'))),
                set('$acc', i32.add(get('$acc'), get('$n'))),
                set('$n', i32.sub(get('$n'), i32.const(1))),
                br('$next'),
              ),
            ),
            get('$acc'),
          ],
        },
      ],
    });
    expect(wasm.validate(bytes)).toBe(true);
    expect((instantiate(bytes).sum as (n: number) => number)(100)).toBe(5050);
  });

  it('refuses unknown locals, labels and functions when assembling', () => {
    const mod = (body: ReturnType<typeof get>[]) => () =>
      assemble({ memoryPages: 1, memoryExport: 'm', funcs: [{ name: 'f', params: [], locals: [], body }] });
    expect(mod([set('$nope', i32.const(1))])).toThrow(/unknown local/);
    expect(mod([br('$nowhere')])).toThrow(/unknown label/);
  });

  it('both AEAD kernel modules (SIMD and scalar) validate', () => {
    expect(wasm.validate(kernelModule(true))).toBe(true);
    expect(wasm.validate(kernelModule(false))).toBe(true);
  });
});

describe.each(chachaXors)('ChaCha20 in WebAssembly (RFC 8439 §2.3, §2.4), %s', (_name, xor) => {
  const chacha20 = (key: Uint8Array, nonce: Uint8Array, counter: number, input: Uint8Array) => chacha20With(xor, key, nonce, counter, input);

  it('encrypts the §2.4.2 example', () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const ct = chacha20(key, fromHex('000000000000004a00000000'), 1, enc(SUNSCREEN));
    expect(toHex(ct)).toBe(
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c' +
        '359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d',
    );
  });

  it('produces the Appendix A.1 #1 keystream (all-zero key and nonce, counter 0)', () => {
    expect(toHex(chacha20(new Uint8Array(32), new Uint8Array(12), 0, new Uint8Array(64)))).toBe(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
    );
  });

  it('encrypts Appendix A.2 #2 (counter 1, 375 bytes) and #3 (counter 42)', () => {
    expect(toHex(chacha20(KEY_01, NONCE_2, 1, enc(IETF)))).toBe(
      'a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d' +
        '4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e52795042bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea8' +
        '5ad00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259dc4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2' +
        'e62b0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6ccc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818' +
        'b04b0bc39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda7' +
        '9a86f6e698ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221',
    );
    expect(toHex(chacha20(KEY_1C, NONCE_2, 42, enc(JABBERWOCKY)))).toBe(
      '62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb' +
        'f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f7704c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1',
    );
  });

  it('generates the Appendix A.4 Poly1305 one-time keys (block 0, first 32 bytes)', () => {
    const otk = (key: Uint8Array, nonce: Uint8Array) => toHex(chacha20(key, nonce, 0, new Uint8Array(32)));
    expect(otk(new Uint8Array(32), new Uint8Array(12))).toBe('76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7');
    expect(otk(KEY_01, NONCE_2)).toBe('ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739');
    expect(otk(KEY_1C, NONCE_2)).toBe('965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae');
  });

  it('agrees with node:crypto chacha20 for random keys, nonces, counters (including the 2^32 wrap of the block count) and lengths', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.oneof(fc.nat(), fc.constant(0xffffffff - 2)),
        fc.integer({ min: 0, max: 1400 }),
        (key, nonce, counter, length) => {
          const input = new Uint8Array(randomBytes(length));
          const iv = new Uint8Array(16);
          new DataView(iv.buffer).setUint32(0, counter, true);
          iv.set(nonce, 4);
          const want = createCipheriv('chacha20', key, iv).update(input);
          const got = chacha20(key, nonce, counter, input);
          // node carries the block counter into the nonce past 2^32 blocks; RFC 8439 §2.4 leaves it at 32 bits. Compare the first blocks only then.
          const sameBlocks = counter + Math.ceil(length / 64) <= 0x100000000 ? length : (0x100000000 - counter) * 64;
          expect(toHex(got.subarray(0, sameBlocks))).toBe(toHex(want.subarray(0, sameBlocks)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Poly1305 in WebAssembly (RFC 8439 §2.5)', () => {
  it('authenticates the §2.5.2 example', () => {
    const key = fromHex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    expect(poly1305(key, enc('Cryptographic Forum Research Group'))).toBe('a8061dc1305136c6c22b8baf0c0127a9');
  });

  // RFC 8439 Appendix A.3: [key (r ‖ s), message, tag]
  const a3: [string, string | Uint8Array, string][] = [
    ['00'.repeat(32), '00'.repeat(64), '00000000000000000000000000000000'],
    ['00'.repeat(16) + '36e5f6b5c5e06070f0efca96227a863e', enc(IETF), '36e5f6b5c5e06070f0efca96227a863e'],
    ['36e5f6b5c5e06070f0efca96227a863e' + '00'.repeat(16), enc(IETF), 'f3477e7cd95417af89a6b8794c310cf0'],
    [toHex(KEY_1C), enc(JABBERWOCKY), '4541669a7eaaee61e708dc7cbcc5eb62'],
    ['02' + '00'.repeat(31), 'ff'.repeat(16), '03000000000000000000000000000000'],
    ['02' + '00'.repeat(15) + 'ff'.repeat(16), '02' + '00'.repeat(15), '03000000000000000000000000000000'],
    ['01' + '00'.repeat(31), 'ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15), '05000000000000000000000000000000'],
    ['01' + '00'.repeat(31), 'ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), '00000000000000000000000000000000'],
    ['02' + '00'.repeat(31), 'fd' + 'ff'.repeat(15), 'faffffffffffffffffffffffffffffff'],
    [
      '0100000000000000' + '0400000000000000' + '00'.repeat(16),
      'e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000' + '00'.repeat(16) + '01' + '00'.repeat(15),
      '14000000000000005500000000000000',
    ],
    [
      '0100000000000000' + '0400000000000000' + '00'.repeat(16),
      'e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000' + '00'.repeat(16),
      '13000000000000000000000000000000',
    ],
  ];
  it.each(a3.map((v, i) => [i + 1, ...v] as const))('Appendix A.3 test vector #%i', (_n, key, msg, tag) => {
    expect(poly1305(fromHex(key), typeof msg === 'string' ? fromHex(msg) : msg)).toBe(tag);
  });

  it('the empty message gives tag s', () => {
    const key = new Uint8Array(randomBytes(32));
    expect(poly1305(key, new Uint8Array(0))).toBe(toHex(key.subarray(16)));
  });
});
