/**
 * The ChaCha20-Poly1305 AEAD kernel (RFC 8439 §2.8) in WebAssembly:
 * hand-assembled with {@link assemble} at load time (no toolchain at build
 * or run time), one instance and one linear memory shared by every key.
 * Keys are not kept in the kernel: each call copies its key, nonce, AAD and
 * input into fixed places, and the kernel wipes the key and the one-time
 * Poly1305 key before it returns, so any number of keys can be alive and
 * nothing grows per key. Calls are synchronous, so they never interleave.
 *
 * Memory layout (byte offsets): key at 0 (32), nonce at 32 (12), computed
 * tag at 48 (16), received tag at 64 (16), Poly1305 scratch block at 96
 * (16), one-time key block at 128 (64), AAD at 256, then the data at the
 * next multiple of 16, so that the Poly1305 input of §2.8 (AAD, zero
 * padding, ciphertext, zero padding, lengths) is one contiguous run of
 * 16-byte blocks; room for whole groups of four keystream blocks follows.
 *
 * Text form of the scalar module (`$chacha20_xor` in `chacha20.ts`,
 * `$poly1305` in `poly1305.ts`, `$chacha` is `$chacha20_xor`); the SIMD
 * module shares `$chacha20_xor` (the one-time key and a last single block),
 * `$prepare` and `$wipe`, and has the `seal` and `open` of `stitched.ts`:
 *
 * ```wat
 * (module
 *   (memory (export "mem") 1)
 *   (func $chacha20_xor …) (func $poly1305 …)
 *   (func $prepare (param $aadLen i32) (param $len i32) (result i32)  ;; returns $data
 *     (local $data i32)
 *     (local.set $data (i32.add (i32.const 256) (i32.and (i32.add (local.get $aadLen) (i32.const 15)) (i32.const -16))))
 *     (memory.fill (i32.add (i32.const 256) (local.get $aadLen)) (i32.const 0)     ;; pad16(aad)
 *       (i32.sub (local.get $data) (i32.add (i32.const 256) (local.get $aadLen))))
 *     (memory.fill (i32.const 128) (i32.const 0) (i32.const 64))
 *     (call $chacha20_xor (i32.const 128) (i32.const 1) (i32.const 0))            ;; one-time key (§2.6)
 *     (local.get $data))
 *   (func $authenticate (param $data i32) (param $aadLen i32) (param $len i32) (param $tag i32)
 *     (local $end i32)
 *     (local.set $end (i32.add (local.get $data) (i32.and (i32.add (local.get $len) (i32.const 15)) (i32.const -16))))
 *     (memory.fill (i32.add (local.get $data) (local.get $len)) (i32.const 0)      ;; pad16(ciphertext)
 *       (i32.sub (local.get $end) (i32.add (local.get $data) (local.get $len))))
 *     (i64.store offset=0 (local.get $end) (i64.extend_i32_u (local.get $aadLen)))  ;; le64(aad length)
 *     (i64.store offset=8 (local.get $end) (i64.extend_i32_u (local.get $len)))     ;; le64(ciphertext length)
 *     (call $poly1305 (i32.const 128) (i32.const 256) (i32.add (local.get $end) (i32.const 16)) (local.get $tag)))
 *   (func $wipe (memory.fill (i32.const 0) (i32.const 0) (i32.const 32)) (memory.fill (i32.const 128) (i32.const 0) (i32.const 64)))
 *   (func (export "seal") (param $aadLen i32) (param $len i32)                  ;; tag lands right after the ciphertext
 *     (local $data i32)
 *     (local.set $data (call $prepare (local.get $aadLen) (local.get $len)))
 *     (call $chacha (local.get $data) (i32.shr_u (i32.add (local.get $len) (i32.const 63)) (i32.const 6)) (i32.const 1))
 *     (call $authenticate (local.get $data) (local.get $aadLen) (local.get $len) (i32.add (local.get $data) (local.get $len)))
 *     (call $wipe))
 *   (func (export "open") (param $aadLen i32) (param $len i32) (result i32)     ;; 1: authentic, decrypted in place
 *     (local $data i32)
 *     (local.set $data (call $prepare (local.get $aadLen) (local.get $len)))
 *     (call $authenticate (local.get $data) (local.get $aadLen) (local.get $len) (i32.const 48))
 *     (if (i64.ne (i64.const 0)                                                   ;; constant-time tag comparison
 *           (i64.or (i64.xor (i64.load offset=48 (i32.const 0)) (i64.load offset=64 (i32.const 0)))
 *                   (i64.xor (i64.load offset=56 (i32.const 0)) (i64.load offset=72 (i32.const 0)))))
 *       (then (call $wipe) (return (i32.const 0))))
 *     (call $chacha (local.get $data) (i32.shr_u (i32.add (local.get $len) (i32.const 63)) (i32.const 6)) (i32.const 1))
 *     (call $wipe)
 *     (i32.const 1)))
 * ```
 *
 * @module
 */
import { chacha20XorFunc } from './chacha20.js';
import { assemble, call, get, i32, i64, if_, memoryFill, return_, set } from './emit.js';
import type { Code, Func } from './emit.js';
import { poly1305Func } from './poly1305.js';
import { openStitchedFunc, sealStitchedFunc } from './stitched.js';

/** Offset of the 32-byte key. */
export const KEY = 0;
/** Offset of the 12-byte nonce. */
export const NONCE = 32;
/** Offset of the computed tag (open). */
const TAG = 48;
/** Offset of the received tag (open). */
export const TAG_IN = 64;
/** Offset of the Poly1305 scratch block (a partial last block; unused by the AEAD). */
const SCRATCH = 96;
/** Offset of the one-time key block (RFC 8439 §2.6). */
const OTK = 128;
/** Offset of the AAD. */
export const AAD = 256;
/** Bytes of one WebAssembly memory page. */
const PAGE = 65536;

/** Offset of the data for an AAD of `aadLength` bytes. */
export function dataOffset(aadLength: number): number {
  return AAD + ((aadLength + 15) & ~15);
}

/** Memory the kernel touches for `length` bytes of data at `data` (whole groups of four keystream blocks, and the lengths block). */
export function memoryNeeded(data: number, length: number): number {
  return data + ((length + 255) & ~255) + 16;
}

const pad16 = (n: ReturnType<typeof get>) => i32.and(i32.add(n, i32.const(15)), i32.const(-16));
const blocks64 = (n: ReturnType<typeof get>) => i32.shr_u(i32.add(n, i32.const(63)), i32.const(6));

function prepareFunc(): Func {
  return {
    name: 'prepare',
    params: [
      ['$aadLen', 'i32'],
      ['$len', 'i32'],
    ],
    result: 'i32',
    locals: [['$data', 'i32']],
    body: [
      set('$data', i32.add(i32.const(AAD), pad16(get('$aadLen')))),
      memoryFill(i32.add(i32.const(AAD), get('$aadLen')), i32.const(0), i32.sub(get('$data'), i32.add(i32.const(AAD), get('$aadLen')))),
      memoryFill(i32.const(OTK), i32.const(0), i32.const(64)),
      call('chacha20_xor', i32.const(OTK), i32.const(1), i32.const(0)),
      get('$data'),
    ],
  };
}

function authenticateFunc(): Func {
  const dataEnd = i32.add(get('$data'), get('$len'));
  return {
    name: 'authenticate',
    params: [
      ['$data', 'i32'],
      ['$aadLen', 'i32'],
      ['$len', 'i32'],
      ['$tag', 'i32'],
    ],
    locals: [['$end', 'i32']],
    body: [
      set('$end', i32.add(get('$data'), pad16(get('$len')))),
      memoryFill(dataEnd, i32.const(0), i32.sub(get('$end'), dataEnd)),
      i64.store(0, get('$end'), i64.extend_i32_u(get('$aadLen'))),
      i64.store(8, get('$end'), i64.extend_i32_u(get('$len'))),
      call('poly1305', i32.const(OTK), i32.const(AAD), i32.add(get('$end'), i32.const(16)), get('$tag')),
    ],
  };
}

function wipeFunc(): Func {
  return {
    name: 'wipe',
    params: [],
    locals: [],
    body: [memoryFill(i32.const(KEY), i32.const(0), i32.const(32)), memoryFill(i32.const(OTK), i32.const(0), i32.const(64))],
  };
}

const params = [
  ['$aadLen', 'i32'],
  ['$len', 'i32'],
] as const;

function sealFunc(chacha: string): Func {
  return {
    name: 'seal',
    exported: true,
    params,
    locals: [['$data', 'i32']],
    body: [
      set('$data', call('prepare', get('$aadLen'), get('$len'))),
      call(chacha, get('$data'), blocks64(get('$len')), i32.const(1)),
      call('authenticate', get('$data'), get('$aadLen'), get('$len'), i32.add(get('$data'), get('$len'))),
      call('wipe'),
    ],
  };
}

/** Whether the computed and the received tag differ, in constant time (OR of XORs, one comparison at the end). */
function forged(): Code {
  const word = (off: number) => i64.load(off, i32.const(0));
  return i64.ne(i64.const(0), i64.or(i64.xor(word(TAG), word(TAG_IN)), i64.xor(word(TAG + 8), word(TAG_IN + 8))));
}

function openFunc(chacha: string): Func {
  return {
    name: 'open',
    exported: true,
    params,
    result: 'i32',
    locals: [['$data', 'i32']],
    body: [
      set('$data', call('prepare', get('$aadLen'), get('$len'))),
      call('authenticate', get('$data'), get('$aadLen'), get('$len'), i32.const(TAG)),
      if_('$forged', forged(), [call('wipe'), return_(i32.const(0))]),
      call(chacha, get('$data'), blocks64(get('$len')), i32.const(1)),
      call('wipe'),
      i32.const(1),
    ],
  };
}

/**
 * The kernel's binary module. With `simd`, seal and open encrypt four
 * blocks at a time with 128-bit vectors while Poly1305 runs interleaved
 * with the rounds (stitched.ts); without, the scalar module above: one
 * block at a time with i32 instructions, then `$poly1305`.
 */
export function kernelModule(simd: boolean): Uint8Array {
  const layout = { key: KEY, nonce: NONCE, tag: TAG, otk: OTK, aad: AAD };
  const common = [chacha20XorFunc(KEY, NONCE), prepareFunc(), wipeFunc()];
  return assemble({
    memoryPages: 1,
    memoryExport: 'mem',
    funcs: simd
      ? [...common, sealStitchedFunc(layout), openStitchedFunc(layout, forged())]
      : [...common, poly1305Func(SCRATCH), authenticateFunc(), sealFunc('chacha20_xor'), openFunc('chacha20_xor')],
  });
}

/** The instantiated kernel. */
export interface AeadKernel {
  /** Whether ChaCha20 runs on 128-bit vectors (WebAssembly SIMD). */
  readonly simd: boolean;
  /** The kernel's memory, grown first to at least `bytes` (a new view after growth). */
  memory(bytes: number): Uint8Array;
  /** Encrypt the `len` bytes at the data offset in place and write the tag right after them (key, nonce, AAD in place). */
  seal(aadLength: number, len: number): void;
  /** Authenticate against the tag at {@link TAG_IN}; when authentic decrypt in place and return 1, else 0. */
  open(aadLength: number, len: number): number;
}

/** The parts of the WebAssembly JavaScript API used here (the project's `lib` has no DOM typings). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * Instantiate the kernel: the SIMD module unless `simd` is false or the
 * engine rejects it, then the scalar one; undefined where WebAssembly is
 * unavailable (e.g. `--jitless`).
 */
export function instantiateKernel(simd = true): AeadKernel | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return undefined;
  let instance: { readonly exports: Record<string, unknown> } | undefined;
  for (const vector of simd ? [true, false] : [false]) {
    try {
      instance = new wasm.Instance(new wasm.Module(kernelModule(vector)), {});
      simd = vector;
      break;
    } catch {
      // no WebAssembly SIMD (or no WebAssembly at all): try the next variant
    }
  }
  if (instance === undefined) return undefined;
  const mem = instance.exports.mem as WasmMemory;
  let view = new Uint8Array(mem.buffer);
  return {
    simd,
    memory(bytes: number): Uint8Array {
      if (bytes > view.length) {
        mem.grow(Math.ceil((bytes - view.length) / PAGE));
        view = new Uint8Array(mem.buffer);
      }
      return view;
    },
    seal: instance.exports.seal as (aadLength: number, len: number) => void,
    open: instance.exports.open as (aadLength: number, len: number) => number,
  };
}
