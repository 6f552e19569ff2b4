/**
 * The TCP checksum (RFC 9293 §3.1, RFC 1071) over a pseudo-header built
 * from the OUTER IP addresses of the UDP datagram that carries the segment
 * (IPv4: src, dst, 0, 6, length; IPv6 RFC 8200 §8.1: src, dst, 32-bit
 * length, 3 zero bytes, next header 6). This is what the Linux kernel
 * checks when it hands a GUE Proto-6 payload to its TCP input, and what
 * tshark's `tcp.check_checksum` computes for TCP inside GUE.
 *
 * @module
 */
import { parseIpAddress } from '../../../core/ip-address.js';
import { copyParts } from '../../../core/bytes.js';
import { wordSumKernel } from './checksum-wasm.js';
import type { WordSumKernel } from './checksum-wasm.js';

/** IP protocol number of TCP. */
const PROTO_TCP = 6;

/**
 * Parse a textual IPv4 or IPv6 address (an IPv6 zone `%eth0` is ignored)
 * into 4 or 16 bytes, or undefined when it is not an IP address.
 */
export const ipAddressBytes: (address: string) => Uint8Array | undefined = parseIpAddress;

let acc = 0;
let accOdd = false;

/** Whether this host stores multi-byte words little-endian (x86, ARM): typed-array words are byte-swapped. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Ranges at least this long are summed as 32-bit words. */
const WORD_MIN = 64;

// A 32-bit view of the whole buffer last summed, reused while segments come from the same buffer
// (the send buffer's 64 KiB chunks): no view allocation per segment.
let wordsOf: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * One's-complement sum of the 32-bit words `w[from, to)` in the host's byte
 * order, folded to 16 bits and converted to big-endian order. A 32-bit word
 * is congruent to the sum of its two 16-bit halves modulo 0xffff
 * (2^16 ≡ 1), and a one's-complement sum of byte-swapped words is the
 * byte-swapped sum (RFC 1071 §2(A)–(C)); eight accumulators keep the loads
 * independent (no carry chain through one register).
 */
function sumWords(w: Uint32Array<ArrayBufferLike>, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let j = from;
  for (const stop8 = to - ((to - from) & 7); j < stop8; j += 8) {
    s0 += w[j];
    s1 += w[j + 1];
    s2 += w[j + 2];
    s3 += w[j + 3];
    s4 += w[j + 4];
    s5 += w[j + 5];
    s6 += w[j + 6];
    s7 += w[j + 7];
  }
  for (; j < to; j++) s0 += w[j];
  const folded = fold(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
  return LITTLE_ENDIAN ? ((folded & 0xff) << 8) | (folded >>> 8) : folded;
}

/** Add the big-endian 16-bit words of `b[start, end)` to the running sum, continuing an odd byte. */
function addRange(b: Uint8Array, start: number, end: number): void {
  let sum = acc;
  let i = start;
  if (accOdd && i < end) {
    sum += b[i++];
    accOdd = false;
  }
  if (end - i >= WORD_MIN) {
    // Bring the position to a 4-byte boundary of the underlying buffer with 16-bit words, if it
    // is on an even one; then sum aligned 32-bit words through one view of the whole buffer.
    if (((b.byteOffset + i) & 1) === 0) {
      if (((b.byteOffset + i) & 2) !== 0) {
        sum += (b[i] << 8) | b[i + 1];
        i += 2;
      }
      if (wordsOf !== b.buffer) {
        wordsOf = b.buffer;
        words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2);
      }
      const n = (end - i) >>> 2;
      const from = (b.byteOffset + i) >>> 2;
      sum += sumWords(words, from, from + n);
      i += n << 2;
    } else {
      // Odd buffer offset: typed 32-bit views need alignment, so read big-endian words directly.
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const stop4 = end - ((end - i) & 3);
      for (; i < stop4; i += 4) sum += v.getUint32(i);
    }
  }
  const stop = end - ((end - i) & 1);
  for (; i < stop; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) {
    sum += b[i] << 8;
    accOdd = true;
  }
  acc = sum;
}

/** Fold a non-negative sum below 2^53 to 16 bits without changing it modulo 0xffff (end-around carries). */
function fold(sum: number): number {
  // sum = hi·2^16 + lo ≡ hi + lo (mod 0xffff); a division and a multiplication, no floating-point modulo.
  while (sum > 0xffff) {
    const hi = Math.floor(sum / 0x10000);
    sum = sum - hi * 0x10000 + hi;
  }
  return sum;
}

/** Segments at least this long are summed by the WebAssembly kernel (below it the copy does not pay). */
const KERNEL_MIN = 128;

/** The kernel in use (undefined: JavaScript only). */
let kernel: WordSumKernel | undefined = wordSumKernel;

/**
 * Use the WebAssembly word-sum kernel when available (`true`, the default)
 * or the JavaScript path only (`false`). Both give identical results; tests
 * switch the kernel off to cover the JavaScript path.
 * @returns whether the kernel is now in use
 * @internal
 */
export function useChecksumKernel(on: boolean): boolean {
  kernel = on ? wordSumKernel : undefined;
  return kernel !== undefined;
}

/** Sum of the big-endian 16-bit words of an address (4 or 16 bytes). */
function addressSum(a: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < a.length; i += 2) sum += (a[i] << 8) | a[i + 1];
  return sum;
}

/**
 * The segment's own sum through the kernel: `parts` copied back to back into
 * its memory (with the checksum field zeroed when `skipField`), zero-padded
 * to a 32-byte block, summed as little-endian 32-bit words and byte-swapped.
 */
function kernelSum(k: WordSumKernel, parts: readonly Uint8Array[], length: number, skipField: boolean): number {
  const m = k.memory;
  copyParts(parts, m);
  if (skipField && parts[0].length >= 18) {
    m[16] = 0;
    m[17] = 0;
  }
  const end = (length + 31) & ~31;
  for (let i = length; i < end; i++) m[i] = 0;
  const folded = fold(k.sum(0, end));
  return ((folded & 0xff) << 8) | (folded >>> 8); // WebAssembly memory is little-endian on every host
}

/** One's-complement sum (unfolded) of the pseudo-header and `parts`; `skipField` leaves out header bytes 16–17. */
function sumSegment(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[], skipField: boolean): number {
  let length = 0;
  for (let k = 0; k < parts.length; k++) length += parts[k].length;
  const pseudo = addressSum(src) + addressSum(dst) + (length >>> 16) + (length & 0xffff) + PROTO_TCP;
  const kern = kernel;
  if (kern !== undefined && length >= KERNEL_MIN && length <= kern.capacity) return pseudo + kernelSum(kern, parts, length, skipField);
  acc = pseudo;
  accOdd = false;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (k === 0 && skipField && p.length >= 18) {
      addRange(p, 0, 16);
      addRange(p, 18, p.length);
    } else addRange(p, 0, p.length);
  }
  return acc;
}

/**
 * The TCP checksum of a segment made of `parts` (header, then payload),
 * with the pseudo-header of `src` → `dst` (4 or 16 bytes each; the IPv4 and
 * IPv6 pseudo-headers have the same one's-complement sum for lengths below
 * 65536). The header's own checksum field (bytes 16–17) is ignored.
 */
export function tcpChecksum(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[]): number {
  return ~fold(sumSegment(src, dst, parts, true)) & 0xffff;
}

/** Compute and write the checksum into bytes 16–17 of `parts[0]` (the header). */
export function writeTcpChecksum(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[]): void {
  const h = parts[0];
  const c = tcpChecksum(src, dst, parts);
  h[16] = c >>> 8;
  h[17] = c;
}

/**
 * Whether the checksum in `segment` (header + payload, contiguous) verifies
 * for `src` → `dst`: the one's-complement sum over pseudo-header and
 * segment, checksum field included, must be all ones (RFC 1071 §1).
 */
export function verifyTcpChecksum(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): boolean {
  if (segment.length < 20) return false;
  single[0] = segment;
  const ok = fold(sumSegment(src, dst, single, false)) === 0xffff;
  single[0] = EMPTY;
  return ok;
}

const EMPTY = new Uint8Array(0);
/** Reused one-part list for {@link verifyTcpChecksum} (no allocation per segment). */
const single: Uint8Array[] = [EMPTY];
