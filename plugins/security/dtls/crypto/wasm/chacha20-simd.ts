/**
 * ChaCha20 (RFC 8439 §2.3, §2.4) four blocks at a time with 128-bit
 * vectors: lane b of vector `$x{j}` is state word j of block `counter + b`,
 * so each quarter-round instruction works on four blocks at once. The
 * rotations by 16 and 8 are byte shuffles, those by 12 and 7 two shifts and
 * an or. The four keystream blocks are then transposed (two rounds of
 * shuffles per group of four words) and XORed into memory 16 bytes at a
 * time. Text form (`(QR4 a b c d)` the quarter round of RFC 8439 §2.1 with
 * `i32x4.add`, `v128.xor` and the rotations below):
 *
 * ```wat
 * (func $chacha20_xor_simd (param $p i32) (param $blocks i32) (param $counter i32)
 *   (local $k0 … $k7 $n0 $n1 $n2 $ctr $x0 … $x15 $t0 … $t3 v128) (local $i i32)
 *   (local.set $k0 (i32x4.splat (i32.load offset=KEY (i32.const 0)))) …
 *   (block $done
 *     (loop $quad
 *       (br_if $done (i32.lt_s (local.get $blocks) (i32.const 2)))   ;; one block left: scalar
 *       (local.set $ctr (i32x4.add (i32x4.splat (local.get $counter)) (v128.const i32x4 0 1 2 3)))
 *       (local.set $x0 (v128.const i32x4 0x61707865 0x61707865 0x61707865 0x61707865)) …
 *       (local.set $i (i32.const 10))
 *       (loop $rounds
 *         (QR4 $x0 $x4 $x8 $x12) … (QR4 $x3 $x4 $x9 $x14)
 *         (br_if $rounds (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
 *       (local.set $x0 (i32x4.add (local.get $x0) (v128.const i32x4 0x61707865 …))) …
 *       ;; words 4g..4g+3 of blocks 0..3: transpose, then XOR into memory
 *       (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))) …
 *       (v128.store offset=0 (local.get $p)
 *         (v128.xor (v128.load offset=0 (local.get $p)) (i8x16.shuffle 0 … 7 16 … 23 (local.get $t0) (local.get $t1)))) …
 *       (local.set $p (i32.add (local.get $p) (i32.const 256)))
 *       (local.set $counter (i32.add (local.get $counter) (i32.const 4)))
 *       (local.set $blocks (i32.sub (local.get $blocks) (i32.const 4)))
 *       (br $quad)))
 *   (if (i32.eq (local.get $blocks) (i32.const 1))
 *     (then (call $chacha20_xor (local.get $p) (i32.const 1) (local.get $counter)))))
 * ;; rotl 16: (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (v) (v))
 * ;; rotl 8:  (i8x16.shuffle 3 0 1 2 7 4 5 6 11 8 9 10 15 12 13 14 (v) (v))
 * ;; rotl 12: (v128.or (i32x4.shl (v) (i32.const 12)) (i32x4.shr_u (v) (i32.const 20))), rotl 7 alike
 * ```
 *
 * With 2 or 3 blocks left it still runs four: the caller leaves room for
 * four whole blocks past the data, and the extra keystream lands there.
 *
 * @module
 */
import { doubleRound } from './chacha20.js';
import { block, br, br_if, call, get, i32, i32x4, if_, loop, set, tee, v128 } from './emit.js';
import type { Code, Func, ValType } from './emit.js';

/** The four constant words "expand 32-byte k" (RFC 8439 §2.3). */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

const x = (i: number): string => `$x${i}`;

/** Byte lanes rotating each 32-bit lane left by `bits` (16 or 8). */
function rotateLanes(bits: 16 | 8): number[] {
  const perWord = bits === 16 ? [2, 3, 0, 1] : [3, 0, 1, 2];
  return [0, 4, 8, 12].flatMap((base) => perWord.map((b) => base + b));
}

function rotl(v: string, bits: number): Code {
  if (bits === 16 || bits === 8) return v128.shuffle(get(v), get(v), rotateLanes(bits));
  return v128.or(i32x4.shl(get(v), i32.const(bits)), i32x4.shr_u(get(v), i32.const(32 - bits)));
}

/** The quarter round on four state-word vectors (RFC 8439 §2.1). */
function quarterRound(a: number, b: number, c: number, d: number): Code[] {
  const step = (s: number, t: number, u: number, bits: number): Code[] => [
    set(x(s), i32x4.add(get(x(s)), get(x(t)))),
    set(x(u), v128.xor(get(x(u)), get(x(s)))),
    set(x(u), rotl(x(u), bits)),
  ];
  return [step(a, b, d, 16), step(c, d, b, 12), step(a, b, d, 8), step(c, d, b, 7)];
}

/** The initial vector of state word `j`. */
function initial(j: number): Code {
  if (j < 4) return v128.const_i32x4(SIGMA[j], SIGMA[j], SIGMA[j], SIGMA[j]);
  if (j < 12) return get(`$k${j - 4}`);
  if (j === 12) return get('$ctr');
  return get(`$n${j - 13}`);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
/** Interleave the low (high) two 32-bit lanes of a and b: a0 b0 a1 b1 (a2 b2 a3 b3). */
const ZIP_LO = [...range(0, 4), ...range(16, 20), ...range(4, 8), ...range(20, 24)];
const ZIP_HI = [...range(8, 12), ...range(24, 28), ...range(12, 16), ...range(28, 32)];
/** The low (high) 64 bits of a, then of b. */
const LO64 = [...range(0, 8), ...range(16, 24)];
const HI64 = [...range(8, 16), ...range(24, 32)];

/** Transpose words 4g..4g+3 of the four blocks and XOR them into the four blocks at `$p`. */
function output(g: number): Code[] {
  const w = (j: number) => get(x(4 * g + j));
  const rows: [string, number[]][] = [
    ['$t0', LO64],
    ['$t0', HI64],
    ['$t2', LO64],
    ['$t2', HI64],
  ];
  return [
    set('$t0', v128.shuffle(w(0), w(1), ZIP_LO)),
    set('$t1', v128.shuffle(w(2), w(3), ZIP_LO)),
    set('$t2', v128.shuffle(w(0), w(1), ZIP_HI)),
    set('$t3', v128.shuffle(w(2), w(3), ZIP_HI)),
    rows.map(([t, lanes], b) => {
      const other = t === '$t0' ? '$t1' : '$t3';
      const off = 64 * b + 16 * g;
      return v128.store(off, get('$p'), v128.xor(v128.load(off, get('$p')), v128.shuffle(get(t), get(other), lanes)));
    }),
  ];
}

/** The locals of the four-block ChaCha20 (`$k*`, `$n*`, `$ctr`, `$x*`, `$t*` v128; `$i` i32). */
export function simdLocals(): [string, ValType][] {
  const locals: [string, ValType][] = [];
  for (let j = 0; j < 8; j++) locals.push([`$k${j}`, 'v128']);
  for (let j = 0; j < 3; j++) locals.push([`$n${j}`, 'v128']);
  locals.push(['$ctr', 'v128']);
  for (let j = 0; j < 16; j++) locals.push([x(j), 'v128']);
  for (let j = 0; j < 4; j++) locals.push([`$t${j}`, 'v128']);
  locals.push(['$i', 'i32']);
  return locals;
}

/** Key and nonce words (at `key`, `nonce`), each splat to four lanes. */
export function simdSetup(key: number, nonce: number): Code[] {
  const body: Code[] = [];
  for (let j = 0; j < 8; j++) body.push(set(`$k${j}`, i32x4.splat(i32.load(key + 4 * j, i32.const(0)))));
  for (let j = 0; j < 3; j++) body.push(set(`$n${j}`, i32x4.splat(i32.load(nonce + 4 * j, i32.const(0)))));
  return body;
}

/**
 * Four keystream blocks, counters `$counter` … `$counter + 3`, XORed into
 * the 256 bytes at `$p`; `inRounds` runs once per double round (work to
 * interleave), `beforeOutput` after the rounds and before memory is written.
 */
export function quad(inRounds: readonly Code[] = [], beforeOutput: readonly Code[] = []): Code[] {
  return [
    set('$ctr', i32x4.add(i32x4.splat(get('$counter')), v128.const_i32x4(0, 1, 2, 3))),
    range(0, 16).map((j) => set(x(j), initial(j))),
    set('$i', i32.const(10)),
    loop(
      '$rounds',
      doubleRound(quarterRound),
      inRounds,
      br_if('$rounds', tee('$i', i32.sub(get('$i'), i32.const(1)))),
    ),
    beforeOutput,
    range(0, 16).map((j) => set(x(j), i32x4.add(get(x(j)), initial(j)))),
    range(0, 4).map(output),
  ];
}

/**
 * `$chacha20_xor_simd(p, blocks, counter)`: XOR `blocks` keystream blocks,
 * the first with block counter `counter`, into memory at `p`, four at a
 * time; a last single block goes to the scalar `$chacha20_xor`. Key at
 * `key`, nonce at `nonce`. Memory up to the next multiple of four blocks
 * past the data may be overwritten. The kernel itself runs {@link quad}
 * inside its stitched seal and open (stitched.ts); this standalone form is
 * what the tests check against RFC 8439 and node:crypto.
 */
export function chacha20XorSimdFunc(key: number, nonce: number): Func {
  const body: Code[] = [
    simdSetup(key, nonce),
    block(
      '$done',
      loop(
        '$quad',
        br_if('$done', i32.lt_s(get('$blocks'), i32.const(2))),
        quad(),
        set('$p', i32.add(get('$p'), i32.const(256))),
        set('$counter', i32.add(get('$counter'), i32.const(4))),
        set('$blocks', i32.sub(get('$blocks'), i32.const(4))),
        br('$quad'),
      ),
    ),
    if_('$last', i32.eq(get('$blocks'), i32.const(1)), [call('chacha20_xor', get('$p'), i32.const(1), get('$counter'))]),
  ];
  return {
    name: 'chacha20_xor_simd',
    params: [
      ['$p', 'i32'],
      ['$blocks', 'i32'],
      ['$counter', 'i32'],
    ],
    locals: simdLocals(),
    body,
  };
}
