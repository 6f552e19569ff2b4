/**
 * RFC 1071 Internet checksum helpers used by the GUE checksum (K flag) and
 * remote checksum offload (R flag) fields.
 *
 * @module
 */

/**
 * Adds `bytes[start, end)` to a running 32-bit one's-complement sum, treating
 * the range as if it began on an even boundary (RFC 1071 §4.1).
 * @returns the new unfolded sum
 */
export function sumBytes(bytes: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) {
    sum += (bytes[i] << 8) | bytes[i + 1];
    if (sum > 0x7fffffff) sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds a running sum to 16 bits (end-around carry), without complementing (RFC 1071 §4.1). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The Internet checksum (complement of the folded sum) of `bytes[start, end)` (RFC 1071). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return ~foldSum(sumBytes(bytes, start, end, 0)) & 0xffff;
}
