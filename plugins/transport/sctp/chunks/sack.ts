/**
 * SACK chunk (RFC 9260 §3.3.4): cumulative TSN ack, a_rwnd, gap ack
 * blocks (start/end offsets from the cumulative TSN, inclusive) and
 * duplicate TSNs.
 *
 * @module
 */
import { ChunkType } from '../chunk-types.js';
import { u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';

/** A decoded SACK. Gap blocks are flattened: `[start0, end0, start1, end1, …]` offsets. */
export interface SackChunk {
  /** Cumulative TSN Ack. */
  readonly cumTsnAck: number;
  /** Advertised receiver window credit in bytes. */
  readonly arwnd: number;
  /** Gap ack block offsets, two per block (start, end), relative to `cumTsnAck`. */
  readonly gaps: readonly number[];
  /** Duplicate TSNs reported. */
  readonly duplicates: readonly number[];
}

/**
 * Decode a SACK value at `b[start, end)`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_SACK` when shorter than its counts announce
 */
export function decodeSack(b: Uint8Array, start: number, end: number): SackChunk {
  if (end - start < 12) throw new SctpDecodeError('BAD_SACK', 'SACK shorter than 16 bytes');
  const nGaps = u16(b, start + 8);
  const nDups = u16(b, start + 10);
  if (end - start < 12 + 4 * nGaps + 4 * nDups) throw new SctpDecodeError('BAD_SACK', 'SACK shorter than its block counts');
  const gaps: number[] = new Array<number>(2 * nGaps);
  let i = start + 12;
  for (let g = 0; g < nGaps; g++, i += 4) {
    gaps[2 * g] = u16(b, i);
    gaps[2 * g + 1] = u16(b, i + 2);
  }
  const duplicates: number[] = new Array<number>(nDups);
  for (let d = 0; d < nDups; d++, i += 4) duplicates[d] = u32(b, i);
  return { cumTsnAck: u32(b, start), arwnd: u32(b, start + 4), gaps, duplicates };
}

/** Encode a SACK chunk (gaps flattened as in {@link SackChunk}). */
export function encodeSack(cumTsnAck: number, arwnd: number, gaps: readonly number[], duplicates: readonly number[]): Uint8Array {
  const nGaps = gaps.length >> 1;
  const out = new Uint8Array(16 + 4 * nGaps + 4 * duplicates.length);
  out[0] = ChunkType.SACK;
  w16(out, 2, out.length);
  w32(out, 4, cumTsnAck);
  w32(out, 8, arwnd);
  w16(out, 12, nGaps);
  w16(out, 14, duplicates.length);
  let i = 16;
  for (let g = 0; g < nGaps; g++, i += 4) {
    w16(out, i, gaps[2 * g]);
    w16(out, i + 2, gaps[2 * g + 1]);
  }
  for (const d of duplicates) {
    w32(out, i, d);
    i += 4;
  }
  return out;
}
