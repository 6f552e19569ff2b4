/**
 * I-DATA and I-FORWARD-TSN chunks (RFC 8260 §2.1, §2.3): DATA with a
 * 32-bit Message Identifier (MID) and Fragment Sequence Number (FSN)
 * instead of the SSN, so that fragments of messages on different streams
 * may interleave; the first fragment carries the PPID in place of the FSN
 * (its FSN is 0).
 *
 * @module
 */
import { ChunkType, I_DATA_HEADER_SIZE, FLAG_B } from '../chunk-types.js';
import { u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';
import type { PacketWriter } from '../packet.js';

/** A received I-DATA chunk. */
export interface IDataChunk {
  /** Transmission Sequence Number. */
  readonly tsn: number;
  /** Stream identifier. */
  readonly stream: number;
  /** Message Identifier. */
  readonly mid: number;
  /** Payload protocol identifier (first fragment only, else 0). */
  readonly ppid: number;
  /** Fragment Sequence Number (0 for the first fragment). */
  readonly fsn: number;
  /** Flags byte (I, U, B, E). */
  readonly flags: number;
  /** User data (a view into the packet). */
  readonly data: Uint8Array;
}

/**
 * Decode an I-DATA chunk whose header is at `start` and value ends at `end`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_I_DATA` when shorter than 20 bytes; `ERR_SCTP_NO_USER_DATA` when empty
 */
export function decodeIData(b: Uint8Array, start: number, end: number): IDataChunk {
  if (end - start < I_DATA_HEADER_SIZE) throw new SctpDecodeError('BAD_I_DATA', 'I-DATA chunk shorter than 20 bytes');
  if (end - start === I_DATA_HEADER_SIZE) throw new SctpDecodeError('NO_USER_DATA', 'I-DATA chunk without user data');
  const flags = b[start + 1];
  const first = (flags & FLAG_B) !== 0;
  const word = u32(b, start + 16);
  return {
    tsn: u32(b, start + 4),
    stream: u16(b, start + 8),
    mid: u32(b, start + 12),
    ppid: first ? word : 0,
    fsn: first ? 0 : word,
    flags,
    data: b.subarray(start + I_DATA_HEADER_SIZE, end),
  };
}

/** Write an I-DATA chunk into `w`; `ppidOrFsn` is the PPID for a first fragment, else the FSN. */
export function writeIData(w: PacketWriter, flags: number, tsn: number, stream: number, mid: number, ppidOrFsn: number, data: Uint8Array): void {
  const v = w.chunk(ChunkType.I_DATA, flags, I_DATA_HEADER_SIZE + data.length);
  const b = w.buf;
  w32(b, v, tsn);
  w16(b, v + 4, stream);
  w16(b, v + 6, 0);
  w32(b, v + 8, mid);
  w32(b, v + 12, ppidOrFsn);
  b.set(data, v + 16);
}

/** A decoded I-FORWARD-TSN; `entries` is flattened `[sid, unordered (0/1), mid, …]`. */
export interface IForwardTsnChunk {
  /** New Cumulative TSN. */
  readonly newCumTsn: number;
  /** Skipped messages: stream, U flag, MID (flattened triples). */
  readonly entries: readonly number[];
}

/**
 * Decode an I-FORWARD-TSN value at `b[start, end)`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_I_FORWARD_TSN` when the length is not 4 + 8·n
 */
export function decodeIForwardTsn(b: Uint8Array, start: number, end: number): IForwardTsnChunk {
  if (end - start < 4 || ((end - start - 4) & 7) !== 0) throw new SctpDecodeError('BAD_I_FORWARD_TSN', 'I-FORWARD-TSN length invalid');
  const entries: number[] = [];
  for (let i = start + 4; i < end; i += 8) entries.push(u16(b, i), b[i + 3] & 1, u32(b, i + 4));
  return { newCumTsn: u32(b, start), entries };
}

/** Encode an I-FORWARD-TSN chunk from flattened (sid, u, mid) triples. */
export function encodeIForwardTsn(newCumTsn: number, entries: readonly number[]): Uint8Array {
  const n = entries.length / 3;
  const out = new Uint8Array(8 + 8 * n);
  out[0] = ChunkType.I_FORWARD_TSN;
  w16(out, 2, out.length);
  w32(out, 4, newCumTsn);
  for (let k = 0, i = 8; k < entries.length; k += 3, i += 8) {
    w16(out, i, entries[k]);
    out[i + 3] = entries[k + 1] & 1;
    w32(out, i + 4, entries[k + 2]);
  }
  return out;
}
