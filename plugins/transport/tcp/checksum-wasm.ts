/**
 * A WebAssembly kernel for the bulk of the TCP checksum (RFC 1071): the sum
 * of the little-endian 32-bit words of a byte range in its own linear
 * memory. A 32-bit word is congruent to the sum of its two 16-bit halves
 * modulo 0xffff (2^16 ≡ 1), and a one's-complement sum of byte-swapped
 * words is the byte-swapped sum (RFC 1071 §2(B), §2(C)), so the caller
 * folds the result to 16 bits and swaps its bytes to get the sum of the
 * big-endian 16-bit words.
 *
 * The module is hand-assembled (no toolchain at build or run time); its
 * text form:
 *
 * ```wat
 * (module
 *   (memory (export "mem") 1)
 *   (func (export "sum") (param $p i32) (param $end i32) (result f64)
 *     (local $a i64) (local $b i64) (local $c i64) (local $d i64)
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *         ;; eight 32-bit words into four independent accumulators
 *         (local.set $a (i64.add (local.get $a) (i64.load32_u offset=0 (local.get $p))))
 *         (local.set $b (i64.add (local.get $b) (i64.load32_u offset=4 (local.get $p))))
 *         (local.set $c (i64.add (local.get $c) (i64.load32_u offset=8 (local.get $p))))
 *         (local.set $d (i64.add (local.get $d) (i64.load32_u offset=12 (local.get $p))))
 *         (local.set $a (i64.add (local.get $a) (i64.load32_u offset=16 (local.get $p))))
 *         (local.set $b (i64.add (local.get $b) (i64.load32_u offset=20 (local.get $p))))
 *         (local.set $c (i64.add (local.get $c) (i64.load32_u offset=24 (local.get $p))))
 *         (local.set $d (i64.add (local.get $d) (i64.load32_u offset=28 (local.get $p))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 32)))
 *         (br $next)))
 *     ;; below 2^53 for any range of one memory page: exact as an f64 (no BigInt)
 *     (f64.convert_i64_u (i64.add (i64.add (local.get $a) (local.get $b)) (i64.add (local.get $c) (local.get $d))))))
 * ```
 *
 * @module
 */

/** Bytes of linear memory (one WebAssembly page). */
const PAGE = 65536;

/** `local.set acc (i64.add (local.get acc) (i64.load32_u offset=off (local.get 0)))`. */
function addWord(acc: number, off: number): number[] {
  return [0x20, acc, 0x20, 0x00, 0x35, 0x02, off, 0x7c, 0x21, acc];
}

function section(id: number, bytes: readonly number[]): number[] {
  return [id, bytes.length, ...bytes]; // every section here is shorter than 128 bytes (one LEB128 byte)
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

function moduleBytes(): Uint8Array {
  const body = [
    0x01, 0x04, 0x7e, // locals: 4 × i64 ($a $b $c $d = locals 2..5)
    0x02, 0x40, // block $done
    0x03, 0x40, // loop $next
    0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01, // br_if $done (p >= end)
    ...addWord(2, 0), ...addWord(3, 4), ...addWord(4, 8), ...addWord(5, 12),
    ...addWord(2, 16), ...addWord(3, 20), ...addWord(4, 24), ...addWord(5, 28),
    0x20, 0x00, 0x41, 0x20, 0x6a, 0x21, 0x00, // p += 32
    0x0c, 0x00, // br $next
    0x0b, 0x0b, // end loop, end block
    0x20, 0x02, 0x20, 0x03, 0x7c, 0x20, 0x04, 0x20, 0x05, 0x7c, 0x7c, // (a + b) + (c + d)
    0xba, // f64.convert_i64_u
    0x0b, // end
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7c]), // type: (i32, i32) -> f64
    ...section(3, [0x01, 0x00]), // function 0 has type 0
    ...section(5, [0x01, 0x00, 0x01]), // memory: min 1 page, no max
    ...section(7, [0x02, ...name('sum'), 0x00, 0x00, ...name('mem'), 0x02, 0x00]), // exports
    ...section(10, [0x01, body.length, ...body]), // code
  ]);
}

/** The instantiated kernel. */
export interface WordSumKernel {
  /** The kernel's memory: copy the bytes to sum here, from offset 0. */
  readonly memory: Uint8Array;
  /** Largest range the kernel sums (the memory minus one 32-byte block of zero padding). */
  readonly capacity: number;
  /**
   * Sum of the little-endian 32-bit words of `memory[0, end)`, `end` a
   * multiple of 32 (the caller zero-pads), unfolded.
   */
  sum(start: number, end: number): number;
}

/** The parts of the WebAssembly JavaScript API used here (the project's `lib` has no DOM typings). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

function instantiate(): WordSumKernel | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return undefined;
  try {
    const instance = new wasm.Instance(new wasm.Module(moduleBytes()), {});
    const mem = instance.exports.mem as { readonly buffer: ArrayBuffer };
    const sum = instance.exports.sum as (start: number, end: number) => number;
    return { memory: new Uint8Array(mem.buffer, 0, PAGE), capacity: PAGE - 32, sum };
  } catch {
    return undefined; // WebAssembly disabled (e.g. --jitless): the JavaScript path sums instead
  }
}

/** The kernel, or undefined where WebAssembly is unavailable. */
export const wordSumKernel: WordSumKernel | undefined = instantiate();
