/**
 * CRC32c (Castagnoli, RFC 9260 Appendix A): reflected polynomial
 * 0x82F63B78, initial value 0xFFFFFFFF, final complement. Table-driven,
 * slicing by 4, no allocation per call.
 *
 * @module
 */

const T = new Uint32Array(4 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let t = 1; t < 4; t++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[t * 256 + n] = c >>> 0;
  }
}

/**
 * Continue a CRC32c over `bytes[start, end)`. Start with `0xFFFFFFFF`;
 * complement (`~crc >>> 0`) at the end to get the checksum.
 */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  let c = crc >>> 0;
  let i = start;
  const stop4 = end - 3;
  while (i < stop4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^ T[c >>> 24];
    i += 4;
  }
  while (i < end) c = T[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

/** The CRC32c of `bytes` (RFC 9260 Appendix A), as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  return ~crc32cUpdate(0xffffffff, bytes, 0, bytes.length) >>> 0;
}
