/**
 * Sequence-number arithmetic (RFC 9293 §3.4). The session keeps sequence
 * numbers "unwrapped" as plain JS numbers that never wrap (they stay exact
 * up to 2^53 bytes); wire values are those numbers modulo 2^32.
 *
 * @module
 */

/** 2^32, the sequence space (RFC 9293 §3.4). */
export const SEQ_SPACE = 0x1_0000_0000;

/**
 * Unwrap the 32-bit wire value `wire` to the unwrapped number closest to
 * `ref` (within ±2^31), e.g. SEG.ACK against SND.UNA.
 */
export function unwrapSeq(wire: number, ref: number): number {
  return ref + ((wire - ref) | 0);
}

/** The 32-bit wire value of an unwrapped sequence number. */
export function wireSeq(seq: number): number {
  return seq >>> 0;
}
