/**
 * Big-endian field access by byte shifts and 32-bit serial-number
 * arithmetic for TSNs (RFC 9260 §1.6, RFC 1982).
 *
 * @module
 */

/** Read an unsigned 16-bit big-endian value at `i`. */
export function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

/** Read an unsigned 32-bit big-endian value at `i`. */
export function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

/** Write an unsigned 16-bit big-endian value at `i`. */
export function w16(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 8) & 0xff;
  b[i + 1] = v & 0xff;
}

/** Write an unsigned 32-bit big-endian value at `i`. */
export function w32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/** Round `n` up to a multiple of 4 (chunk and parameter padding, RFC 9260 §3.2). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Signed distance `a − b` of two 32-bit serial numbers (TSNs), in (−2^31, 2^31]. */
export function tsnDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `a < b` in 32-bit serial arithmetic (RFC 9260 §1.6). */
export function tsnLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** `a ≤ b` in 32-bit serial arithmetic. */
export function tsnLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** `a + n` modulo 2^32. */
export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** `a < b` for 16-bit serial numbers (stream sequence numbers). */
export function ssnLt(a: number, b: number): boolean {
  return ((a - b) << 16) >> 16 < 0;
}
