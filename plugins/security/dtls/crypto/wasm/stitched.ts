/**
 * ChaCha20-Poly1305 seal and open of the SIMD kernel with the two
 * algorithms stitched: while the 128-bit vector units run the ChaCha20
 * rounds of four blocks, the integer units absorb Poly1305 blocks, two per
 * double round (the out-of-order core overlaps them; the two use separate
 * register files). Text form of the shared loop:
 *
 * ```wat
 * (block $done
 *   (loop $quad
 *     (br_if $done (i32.lt_s (local.get $blocks) (i32.const 2)))
 *     (local.set $lim …)                        ;; seal: min($p, whole ciphertext end); open: the MAC input end
 *     ;; four ChaCha20 blocks (chacha20-simd.ts), and in each double round twice:
 *     (if (i32.lt_u (local.get $q) (local.get $lim))
 *       (then (POLY-BLOCK $q) (local.set $q (i32.add (local.get $q) (i32.const 16)))))
 *     ;; open only, before the keystream is XORed in: every MAC block in [$q, min($p + 256, end)) first
 *     …
 *     (local.set $p (i32.add (local.get $p) (i32.const 256))) …
 *     (br $quad)))
 * ```
 *
 * Seal MACs ciphertext only once its quad has been written (the blocks
 * before `$p`); open MACs ciphertext before its quad is decrypted in place,
 * and releases nothing unless the tag verifies (the caller copies out only
 * then). The MAC input is the contiguous AAD ‖ pad ‖ ciphertext ‖ pad ‖
 * lengths run of the kernel layout.
 *
 * @module
 */
import { quad, simdLocals, simdSetup } from './chacha20-simd.js';
import { block, br, br_if, call, get, i32, i64, if_, loop, memoryFill, return_, set } from './emit.js';
import type { Code, Func, ValType } from './emit.js';
import { polyAbsorb, polyFinish, polyInit, polyLocals } from './poly1305.js';

/** Offsets of the kernel memory layout (see kernel.ts). */
export interface KernelLayout {
  /** The 32-byte key. */
  readonly key: number;
  /** The 12-byte nonce. */
  readonly nonce: number;
  /** The computed tag (open). */
  readonly tag: number;
  /** The one-time key block. */
  readonly otk: number;
  /** The AAD. */
  readonly aad: number;
}

const pad16 = (n: Code): Code => i32.and(i32.add(n, i32.const(15)), i32.const(-16));
const blocks64 = (n: Code): Code => i32.shr_u(i32.add(n, i32.const(63)), i32.const(6));
const min = (dst: string, a: Code, b: Code): Code => if_('$min', i32.lt_u(a, b), [set(dst, a)], [set(dst, b)]);

/** One MAC block at `$q` when `$q` is below `$lim`. */
const absorbIfBelow: Code = if_('$mac', i32.lt_u(get('$q'), get('$lim')), [polyAbsorb('$q', true), set('$q', i32.add(get('$q'), i32.const(16)))]);

/** Every MAC block from `$q` up to `$lim`. */
function absorbUpTo(label: string): Code {
  return block(
    label,
    loop(
      `${label}_next`,
      br_if(label, i32.eqz(i32.lt_u(get('$q'), get('$lim')))),
      polyAbsorb('$q', true),
      set('$q', i32.add(get('$q'), i32.const(16))),
      br(`${label}_next`),
    ),
  );
}

/** The quad loop with `$lim` set by `limit` at each quad, and `beforeOutput` run before memory is written. */
function quads(limit: Code, beforeOutput: readonly Code[]): Code {
  return block(
    '$done',
    loop(
      '$quad',
      br_if('$done', i32.lt_s(get('$blocks'), i32.const(2))),
      limit,
      quad([absorbIfBelow, absorbIfBelow], beforeOutput),
      set('$p', i32.add(get('$p'), i32.const(256))),
      set('$counter', i32.add(get('$counter'), i32.const(4))),
      set('$blocks', i32.sub(get('$blocks'), i32.const(4))),
      br('$quad'),
    ),
  );
}

function locals(): [string, ValType][] {
  const own: [string, ValType][] = ['$data', '$end', '$q', '$lim', '$p', '$blocks', '$counter'].map((n) => [n, 'i32']);
  return [...own, ...simdLocals(), ...polyLocals()];
}

/** Common start: one-time key, MAC and ChaCha20 state, `$data`, `$p`, `$blocks`, `$counter`, `$q`. */
function start(l: KernelLayout): Code[] {
  return [
    set('$data', call('prepare', get('$aadLen'), get('$len'))),
    polyInit(i32.const(l.otk)),
    simdSetup(l.key, l.nonce),
    set('$q', i32.const(l.aad)),
    set('$p', get('$data')),
    set('$blocks', blocks64(get('$len'))),
    set('$counter', i32.const(1)),
  ];
}

/** The lengths block (§2.8): zero-pad the ciphertext to 16 bytes, then le64(AAD length) ‖ le64(length); `$end` is where it starts. */
function lengthsBlock(): Code[] {
  const dataEnd = i32.add(get('$data'), get('$len'));
  return [
    set('$end', i32.add(get('$data'), pad16(get('$len')))),
    memoryFill(dataEnd, i32.const(0), i32.sub(get('$end'), dataEnd)),
    i64.store(0, get('$end'), i64.extend_i32_u(get('$aadLen'))),
    i64.store(8, get('$end'), i64.extend_i32_u(get('$len'))),
  ];
}

const params = [
  ['$aadLen', 'i32'],
  ['$len', 'i32'],
] as const;

/** `seal(aadLen, len)`: encrypt the data in place and write the tag right after it. */
export function sealStitchedFunc(l: KernelLayout): Func {
  const wholeEnd = i32.add(get('$data'), i32.and(get('$len'), i32.const(-16)));
  return {
    name: 'seal',
    exported: true,
    params,
    locals: locals(),
    body: [
      start(l),
      quads(min('$lim', get('$p'), wholeEnd), []),
      if_('$last', i32.eq(get('$blocks'), i32.const(1)), [call('chacha20_xor', get('$p'), i32.const(1), get('$counter'))]),
      lengthsBlock(),
      set('$lim', i32.add(get('$end'), i32.const(16))),
      absorbUpTo('$rest'),
      polyFinish(i32.const(l.otk), i32.add(get('$data'), get('$len'))),
      call('wipe'),
    ],
  };
}

/** `open(aadLen, len)`: 1 and the data decrypted in place when `forged` (the tag comparison) is false, else 0. */
export function openStitchedFunc(l: KernelLayout, forged: Code): Func {
  const macEnd = i32.add(get('$end'), i32.const(16));
  return {
    name: 'open',
    exported: true,
    params,
    result: 'i32',
    locals: locals(),
    body: [
      start(l),
      lengthsBlock(),
      quads(set('$lim', macEnd), [min('$lim', i32.add(get('$p'), i32.const(256)), macEnd), absorbUpTo('$catchUp')]),
      set('$lim', macEnd),
      absorbUpTo('$rest'),
      polyFinish(i32.const(l.otk), i32.const(l.tag)),
      if_('$forged', forged, [call('wipe'), return_(i32.const(0))]),
      if_('$last', i32.eq(get('$blocks'), i32.const(1)), [call('chacha20_xor', get('$p'), i32.const(1), get('$counter'))]),
      call('wipe'),
      i32.const(1),
    ],
  };
}
