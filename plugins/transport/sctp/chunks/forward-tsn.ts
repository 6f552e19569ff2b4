/**
 * FORWARD TSN chunk (RFC 3758 §3.2): new cumulative TSN, then
 * (stream, stream sequence) pairs for the ordered streams whose messages
 * were skipped.
 *
 * @module
 */
import { ChunkType } from '../chunk-types.js';
import { u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';

/** A decoded FORWARD TSN. `streams` is flattened `[sid0, ssn0, sid1, ssn1, …]`. */
export interface ForwardTsnChunk {
  /** New Cumulative TSN the receiver should move to. */
  readonly newCumTsn: number;
  /** Skipped (stream, SSN) pairs, flattened. */
  readonly streams: readonly number[];
}

/**
 * Decode a FORWARD TSN value at `b[start, end)`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_FORWARD_TSN` when shorter than 4 bytes or with a partial pair
 */
export function decodeForwardTsn(b: Uint8Array, start: number, end: number): ForwardTsnChunk {
  if (end - start < 4 || ((end - start - 4) & 3) !== 0) throw new SctpDecodeError('BAD_FORWARD_TSN', 'FORWARD TSN length invalid');
  const streams: number[] = [];
  for (let i = start + 4; i < end; i += 4) streams.push(u16(b, i), u16(b, i + 2));
  return { newCumTsn: u32(b, start), streams };
}

/** Encode a FORWARD TSN chunk. */
export function encodeForwardTsn(newCumTsn: number, streams: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + 2 * streams.length);
  out[0] = ChunkType.FORWARD_TSN;
  w16(out, 2, out.length);
  w32(out, 4, newCumTsn);
  for (let k = 0, i = 8; k < streams.length; k += 2, i += 4) {
    w16(out, i, streams[k]);
    w16(out, i + 2, streams[k + 1]);
  }
  return out;
}
