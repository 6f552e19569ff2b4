/**
 * Poly1305 (RFC 8439 §2.5) as a WebAssembly function of the AEAD kernel.
 * The AEAD construction of §2.8 pads every segment to 16 bytes, so there
 * every block is whole and gets the 2^128 bit; a shorter last block (the
 * plain MAC of §2.5) is copied into a 16-byte scratch block with its 0x01
 * byte appended and no 2^128 bit. The accumulator
 * `h` and `r` are five 26-bit limbs in i64 locals, and the products are
 * i64 (the "donna-32" layout): with `s_i = 5 r_i`, limb products stay below
 * 2^64 and 2^130 ≡ 5 (mod p) folds the high limbs back. Text form of one
 * block (`m` the 16 message bytes at `$p`):
 *
 * ```wat
 * (local.set $h0 (i64.add (local.get $h0) (i64.and (i64.load32_u offset=0 (local.get $p)) (i64.const 0x3ffffff))))
 * (local.set $h1 (i64.add (local.get $h1) (i64.and (i64.shr_u (i64.load32_u offset=3 (local.get $p)) (i64.const 2)) (i64.const 0x3ffffff))))
 * (local.set $h2 …offset=6, shift 4…) (local.set $h3 …offset=9, shift 6…)
 * (local.set $h4 (i64.add (local.get $h4) (i64.or (i64.shr_u (i64.load32_u offset=12 (local.get $p)) (i64.const 8)) (i64.const 0x1000000))))
 * ;; h = h · r mod 2^130 − 5, schoolbook with wrap-around via s_i = 5 r_i
 * (local.set $d0 (i64.add (i64.mul $h0 $r0) (i64.mul $h1 $s4) (i64.mul $h2 $s3) (i64.mul $h3 $s2) (i64.mul $h4 $s1)))
 * (local.set $d1 … $h0·$r1 + $h1·$r0 + $h2·$s4 + $h3·$s3 + $h4·$s2)
 * (local.set $d2 … $h0·$r2 + $h1·$r1 + $h2·$r0 + $h3·$s4 + $h4·$s3)
 * (local.set $d3 … $h0·$r3 + $h1·$r2 + $h2·$r1 + $h3·$r0 + $h4·$s4)
 * (local.set $d4 … $h0·$r4 + $h1·$r3 + $h2·$r2 + $h3·$r1 + $h4·$r0)
 * ;; partial carry: h_i = d_i mod 2^26, d_(i+1) += d_i >> 26, and h0 += 5 · (d4 >> 26)
 * ```
 *
 * then the final full carry, the conditional subtraction of p in constant
 * time (a mask from the sign of h + 5 − 2^130, no branch), and
 * tag = (h + s) mod 2^128 (§2.5.1).
 *
 * @module
 */
import { block, br, br_if, get, i64, i32, if_, loop, memoryCopy, memoryFill, set } from './emit.js';
import type { Code, Func, ValType } from './emit.js';

const MASK26 = 0x3ffffff;

const mul = (a: string, b: string): Code => i64.mul(get(a), get(b));
const sum = (...terms: Code[]): Code => terms.reduce((acc, t) => i64.add(acc, t));

/** `(local.set dst (i64.and (local.get src) 0x3ffffff))` after carrying `src >> 26` into `into` (or `5 ·` it into h0). */
function carry(src: string, dst: string, into: string, times5 = false): Code[] {
  const c = i64.shr_u(get(src), i64.const(26));
  return [
    set(into, i64.add(get(into), times5 ? i64.mul(c, i64.const(5)) : c)),
    set(dst, i64.and(get(src), i64.const(MASK26))),
  ];
}

/** Add limb `i` of the 16-byte block at `ptr` (bytes 3.25·i onwards, 26 bits; limb 4 with the 2^128 bit when `whole`) to `$h{i}`. */
function addLimb(ptr: string, i: number, whole: boolean): Code {
  const word = i64.load32_u([0, 3, 6, 9, 12][i], get(ptr));
  const top = i64.shr_u(word, i64.const(8));
  const limb = i === 4 ? (whole ? i64.or(top, i64.const(1 << 24)) : top) : i64.and(i === 0 ? word : i64.shr_u(word, i64.const(2 * i)), i64.const(MASK26));
  return set(`$h${i}`, i64.add(get(`$h${i}`), limb));
}

/** Little-endian 32-bit word `j` of `h` (130 bits in five 26-bit limbs) as an i64 below 2^32. */
function hWord(j: number): Code {
  const lo = i64.shr_u(get(`$h${j}`), i64.const(6 * j));
  return i64.and(i64.or(lo, i64.shl(get(`$h${j + 1}`), i64.const(26 - 6 * j))), i64.const(0xffffffff));
}

const r = (i: number): string => `$r${i}`;
const s = (i: number): string => `$s${i}`;
const h = (i: number): string => `$h${i}`;
const d = (i: number): string => `$d${i}`;
const g = (i: number): string => `$g${i}`;

/** The i64 locals of the Poly1305 state (`$r*`, `$s*`, `$h*`, `$d*`, `$g*`, `$mask`, `$f`). */
export function polyLocals(): [string, ValType][] {
  const locals: [string, ValType][] = [];
  for (const name of ['r', 'h', 'd', 'g']) for (let i = 0; i < 5; i++) locals.push([`$${name}${i}`, 'i64']);
  for (let i = 1; i < 5; i++) locals.push([s(i), 'i64']);
  locals.push(['$mask', 'i64'], ['$f', 'i64']);
  return locals;
}

/** Start a MAC: r from the one-time key at `key` with the clamping of §2.5.1, in 26-bit limbs; s_i = 5 r_i; h = 0. */
export function polyInit(key: Code): Code[] {
  const rLimbs = [
    [0, 0, 0x3ffffff],
    [3, 2, 0x3ffff03],
    [6, 4, 0x3ffc0ff],
    [9, 6, 0x3f03fff],
    [12, 8, 0x00fffff],
  ] as const;
  const body: Code[] = rLimbs.map(([off, shift, mask], i) => set(r(i), i64.and(i64.shr_u(i64.load32_u(off, key), i64.const(shift)), i64.const(mask))));
  for (let i = 1; i < 5; i++) body.push(set(s(i), i64.mul(get(r(i)), i64.const(5))));
  for (let i = 0; i < 5; i++) body.push(set(h(i), i64.const(0)));
  return body;
}

/** h = (h + the 16-byte block at local `ptr`) · r, partly reduced (`whole`: with the 2^128 bit). */
export function polyAbsorb(ptr: string, whole: boolean): Code[] {
  // d_i = Σ_j h_j · (r_(i−j) when j ≤ i, else s_(5+i−j)): the wrapped terms carry 2^130 ≡ 5
  const products: Code[] = [];
  for (let i = 0; i < 5; i++) {
    products.push(set(d(i), sum(...[0, 1, 2, 3, 4].map((j) => mul(h(j), j <= i ? r(i - j) : s(5 + i - j))))));
  }
  return [
    [0, 1, 2, 3, 4].map((i) => addLimb(ptr, i, whole)),
    products,
    carry(d(0), h(0), d(1)),
    carry(d(1), h(1), d(2)),
    carry(d(2), h(2), d(3)),
    carry(d(3), h(3), d(4)),
    carry(d(4), h(4), h(0), true),
    carry(h(0), h(0), h(1)),
  ];
}

/** End the MAC: tag = (h mod p + s) mod 2^128 (s the second half of the one-time key at `key`), 16 bytes to `tag`. */
export function polyFinish(key: Code, tag: Code): Code[] {
  const body: Code[] = [];
  // full carry (§2.5.1: the accumulator is taken mod p)
  body.push(carry(h(1), h(1), h(2)), carry(h(2), h(2), h(3)), carry(h(3), h(3), h(4)), carry(h(4), h(4), h(0), true), carry(h(0), h(0), h(1)));
  // g = h + 5 − 2^130; take g when it is not negative (h ≥ p), in constant time
  body.push(set(g(0), i64.add(get(h(0)), i64.const(5))));
  for (let i = 0; i < 4; i++) {
    body.push(set(g(i + 1), i64.add(get(h(i + 1)), i64.shr_u(get(g(i)), i64.const(26)))), set(g(i), i64.and(get(g(i)), i64.const(MASK26))));
  }
  body.push(set(g(4), i64.sub(get(g(4)), i64.const(1 << 26))));
  body.push(set('$mask', i64.sub(i64.shr_u(get(g(4)), i64.const(63)), i64.const(1)))); // all ones when g ≥ 0
  for (let i = 0; i < 5; i++) {
    body.push(set(h(i), i64.or(i64.and(get(h(i)), i64.xor(get('$mask'), i64.const(-1))), i64.and(get(g(i)), get('$mask')))));
  }
  // tag = (h + s) mod 2^128, four little-endian words with carry
  body.push(set('$f', i64.const(0)));
  for (let j = 0; j < 4; j++) {
    body.push(
      set('$f', i64.add(i64.add(hWord(j), i64.load32_u(16 + 4 * j, key)), i64.shr_u(get('$f'), i64.const(32)))),
      i64.store32(4 * j, tag, get('$f')),
    );
  }
  return body;
}

/**
 * `$poly1305(key, p, end, tag)`: the Poly1305 tag of the bytes `[p, end)`
 * under the one-time key at `key` (r ‖ s, 32 bytes), written as 16 bytes to
 * `tag`. A last block shorter than 16 bytes is padded in the 16 bytes at
 * `scratch`.
 */
export function poly1305Func(scratch: number): Func {
  const tail = i32.sub(get('$end'), get('$full'));
  const body: Code[] = [
    polyInit(get('$key')),
    set('$full', i32.add(get('$p'), i32.and(i32.sub(get('$end'), get('$p')), i32.const(-16)))),
    block(
      '$done',
      loop(
        '$block',
        br_if('$done', i32.eqz(i32.lt_u(get('$p'), get('$full')))),
        polyAbsorb('$p', true),
        set('$p', i32.add(get('$p'), i32.const(16))),
        br('$block'),
      ),
    ),
    if_('$partial', i32.ne(get('$full'), get('$end')), [
      memoryFill(i32.const(scratch), i32.const(0), i32.const(16)),
      memoryCopy(i32.const(scratch), get('$full'), tail),
      i32.store8(scratch, tail, i32.const(1)), // the 0x01 after the last byte (§2.5.1), no 2^128 bit
      set('$p', i32.const(scratch)),
      polyAbsorb('$p', false),
    ]),
    polyFinish(get('$key'), get('$tag')),
  ];
  return {
    name: 'poly1305',
    params: [
      ['$key', 'i32'],
      ['$p', 'i32'],
      ['$end', 'i32'],
      ['$tag', 'i32'],
    ],
    locals: [...polyLocals(), ['$full', 'i32']],
    body,
  };
}
