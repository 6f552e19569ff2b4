/**
 * ChaCha20 (RFC 8439 §2.3, §2.4) as a WebAssembly function of the AEAD
 * kernel: XOR whole 64-byte keystream blocks into memory in place. The key
 * and nonce are read from the kernel's fixed slots; the 16 state words live
 * in locals; `i32.rotl` is the rotation of the quarter round. Text form
 * (the quarter rounds written as `(QR a b c d)`, each the twelve
 * instructions of RFC 8439 §2.1):
 *
 * ```wat
 * (func $chacha20_xor (param $p i32) (param $blocks i32) (param $counter i32)
 *   (local $k0 … $k7 $n0 $n1 $n2 $x0 … $x15 $i i32)
 *   (local.set $k0 (i32.load offset=KEY (i32.const 0))) …   ;; key words, little-endian
 *   (local.set $n0 (i32.load offset=NONCE (i32.const 0))) … ;; nonce words
 *   (block $done
 *     (loop $block
 *       (br_if $done (i32.eqz (local.get $blocks)))
 *       (local.set $x0 (i32.const 0x61707865)) …            ;; "expand 32-byte k"
 *       (local.set $x4 (local.get $k0)) … (local.set $x12 (local.get $counter)) …
 *       (local.set $i (i32.const 10))
 *       (loop $rounds                                        ;; 10 double rounds (§2.3)
 *         (QR $x0 $x4 $x8 $x12) (QR $x1 $x5 $x9 $x13) (QR $x2 $x6 $x10 $x14) (QR $x3 $x7 $x11 $x15)
 *         (QR $x0 $x5 $x10 $x15) (QR $x1 $x6 $x11 $x12) (QR $x2 $x7 $x8 $x13) (QR $x3 $x4 $x9 $x14)
 *         (br_if $rounds (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
 *       ;; word j of the block: (x_j + initial_j) XOR the word in memory (§2.4)
 *       (i32.store offset=0 (local.get $p)
 *         (i32.xor (i32.load offset=0 (local.get $p)) (i32.add (local.get $x0) (i32.const 0x61707865)))) …
 *       (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *       (local.set $counter (i32.add (local.get $counter) (i32.const 1)))
 *       (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
 *       (br $block))))
 * ;; (QR a b c d) =
 * ;;   (local.set a (i32.add a b)) (local.set d (i32.rotl (i32.xor d a) (i32.const 16)))
 * ;;   (local.set c (i32.add c d)) (local.set b (i32.rotl (i32.xor b c) (i32.const 12)))
 * ;;   (local.set a (i32.add a b)) (local.set d (i32.rotl (i32.xor d a) (i32.const 8)))
 * ;;   (local.set c (i32.add c d)) (local.set b (i32.rotl (i32.xor b c) (i32.const 7)))
 * ```
 *
 * @module
 */
import { block, br, br_if, get, i32, loop, set, tee } from './emit.js';
import type { Code, Func } from './emit.js';

/** The four constant words "expand 32-byte k" (RFC 8439 §2.3). */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

const x = (i: number): string => `$x${i}`;

/** The quarter round on four state words (RFC 8439 §2.1). */
function quarterRound(a: number, b: number, c: number, d: number): Code[] {
  const step = (s: number, t: number, u: number, rot: number): Code[] => [
    set(x(s), i32.add(get(x(s)), get(x(t)))),
    set(x(u), i32.rotl(i32.xor(get(x(u)), get(x(s))), i32.const(rot))),
  ];
  return [step(a, b, d, 16), step(c, d, b, 12), step(a, b, d, 8), step(c, d, b, 7)];
}

/**
 * One double round (RFC 8439 §2.3): four column rounds, then four diagonal
 * rounds, each a `quarterRound` on the state words it names.
 */
export function doubleRound(quarterRound: (a: number, b: number, c: number, d: number) => Code[]): Code[] {
  return [
    quarterRound(0, 4, 8, 12),
    quarterRound(1, 5, 9, 13),
    quarterRound(2, 6, 10, 14),
    quarterRound(3, 7, 11, 15),
    quarterRound(0, 5, 10, 15),
    quarterRound(1, 6, 11, 12),
    quarterRound(2, 7, 8, 13),
    quarterRound(3, 4, 9, 14),
  ];
}

/** The initial value of state word `j` for the block whose counter is in `$counter`. */
function initial(j: number): Code {
  if (j < 4) return i32.const(SIGMA[j]);
  if (j < 12) return get(`$k${j - 4}`);
  if (j === 12) return get('$counter');
  return get(`$n${j - 13}`);
}

/**
 * `$chacha20_xor(p, blocks, counter)`: XOR `blocks` keystream blocks, the
 * first with block counter `counter`, into memory at `p` (RFC 8439 §2.4).
 * The key is the 32 bytes at `key`, the nonce the 12 bytes at `nonce`.
 */
export function chacha20XorFunc(key: number, nonce: number): Func {
  const body: Code[] = [];
  for (let j = 0; j < 8; j++) body.push(set(`$k${j}`, i32.load(key + 4 * j, i32.const(0))));
  for (let j = 0; j < 3; j++) body.push(set(`$n${j}`, i32.load(nonce + 4 * j, i32.const(0))));
  const setup: Code[] = [];
  for (let j = 0; j < 16; j++) setup.push(set(x(j), initial(j)));
  const output: Code[] = [];
  for (let j = 0; j < 16; j++) {
    output.push(i32.store(4 * j, get('$p'), i32.xor(i32.load(4 * j, get('$p')), i32.add(get(x(j)), initial(j)))));
  }
  body.push(
    block(
      '$done',
      loop(
        '$block',
        br_if('$done', i32.eqz(get('$blocks'))),
        setup,
        set('$i', i32.const(10)),
        loop(
          '$rounds',
          doubleRound(quarterRound),
          br_if('$rounds', tee('$i', i32.sub(get('$i'), i32.const(1)))),
        ),
        output,
        set('$p', i32.add(get('$p'), i32.const(64))),
        set('$counter', i32.add(get('$counter'), i32.const(1))),
        set('$blocks', i32.sub(get('$blocks'), i32.const(1))),
        br('$block'),
      ),
    ),
  );
  const locals: [string, 'i32'][] = [];
  for (let j = 0; j < 8; j++) locals.push([`$k${j}`, 'i32']);
  for (let j = 0; j < 3; j++) locals.push([`$n${j}`, 'i32']);
  for (let j = 0; j < 16; j++) locals.push([x(j), 'i32']);
  locals.push(['$i', 'i32']);
  return {
    name: 'chacha20_xor',
    params: [
      ['$p', 'i32'],
      ['$blocks', 'i32'],
      ['$counter', 'i32'],
    ],
    locals,
    body,
  };
}
