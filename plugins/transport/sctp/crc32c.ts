/**
 * CRC32c (Castagnoli, RFC 9260 Appendix A): reflected polynomial
 * 0x82F63B78, initial value 0xFFFFFFFF, final complement. Table-driven,
 * slicing by 16 over aligned 32-bit words on little-endian hosts (by 4
 * bytes otherwise), no allocation per call.
 *
 * @module
 */

/** Slicing tables: `T[k * 256 + n]` is the CRC of byte `n` followed by `k` zero bytes. */
const T = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let t = 1; t < 16; t++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[t * 256 + n] = c;
  }
}

/** Whether 32-bit typed-array words are little-endian (the byte order the reflected CRC consumes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The last buffer seen and a word view of it (packets carved from one slab share a buffer). */
let viewOf: ArrayBufferLike | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

function wordView(buf: ArrayBufferLike): Int32Array<ArrayBufferLike> {
  if (buf !== viewOf) {
    viewOf = buf;
    words = new Int32Array(buf, 0, buf.byteLength >>> 2);
  }
  return words;
}

/** Bytes `[i, end)` one at a time. */
function bytewise(c: number, b: Uint8Array, i: number, end: number): number {
  while (i < end) c = T[(c ^ b[i++]) & 0xff] ^ (c >>> 8);
  return c;
}

/**
 * Continue a CRC32c over `bytes[start, end)`. Start with `0xFFFFFFFF`;
 * complement (`~crc >>> 0`) at the end to get the checksum.
 */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  let c = crc | 0;
  let i = start;
  if (end - i < 32 || !LITTLE_ENDIAN) {
    const stop4 = end - 3;
    while (i < stop4) {
      c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^ T[c >>> 24];
      i += 4;
    }
    return bytewise(c, bytes, i, end) >>> 0;
  }
  // Up to a 4-byte boundary of the underlying buffer, then 16 bytes (four words) per step.
  const head = (4 - ((bytes.byteOffset + i) & 3)) & 3;
  c = bytewise(c, bytes, i, i + head);
  i += head;
  let w = wordView(bytes.buffer);
  if (w.length * 4 < bytes.byteOffset + end) {
    // The cached view no longer covers the buffer (it grew, e.g. a resizable ArrayBuffer): make a new one.
    viewOf = null;
    w = wordView(bytes.buffer);
  }
  let k = (bytes.byteOffset + i) >>> 2;
  const blocks = (end - i) >>> 4;
  const kEnd = k + 4 * blocks;
  while (k < kEnd) {
    c ^= w[k];
    const d = w[k + 1];
    const e = w[k + 2];
    const f = w[k + 3];
    c =
      T[3840 + (c & 0xff)] ^
      T[3584 + ((c >>> 8) & 0xff)] ^
      T[3328 + ((c >>> 16) & 0xff)] ^
      T[3072 + (c >>> 24)] ^
      T[2816 + (d & 0xff)] ^
      T[2560 + ((d >>> 8) & 0xff)] ^
      T[2304 + ((d >>> 16) & 0xff)] ^
      T[2048 + (d >>> 24)] ^
      T[1792 + (e & 0xff)] ^
      T[1536 + ((e >>> 8) & 0xff)] ^
      T[1280 + ((e >>> 16) & 0xff)] ^
      T[1024 + (e >>> 24)] ^
      T[768 + (f & 0xff)] ^
      T[512 + ((f >>> 8) & 0xff)] ^
      T[256 + ((f >>> 16) & 0xff)] ^
      T[f >>> 24];
    k += 4;
  }
  i += 16 * blocks;
  return bytewise(c, bytes, i, end) >>> 0;
}

/** The CRC32c of `bytes` (RFC 9260 Appendix A), as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  return ~crc32cUpdate(0xffffffff, bytes, 0, bytes.length) >>> 0;
}
