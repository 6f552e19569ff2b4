/**
 * DATA chunk (RFC 9260 §3.3.1): TSN, stream identifier, stream sequence
 * number, payload protocol identifier, user data; flags U, B, E (and I,
 * RFC 7053). Written in place into a packet; decoded as a view.
 *
 * @module
 */
import { ChunkType, DATA_HEADER_SIZE } from '../chunk-types.js';
import { u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';
import type { PacketWriter } from '../packet.js';

/** A received DATA chunk. */
export interface DataChunk {
  /** Transmission Sequence Number. */
  readonly tsn: number;
  /** Stream identifier. */
  readonly stream: number;
  /** Stream sequence number (ignored for unordered chunks). */
  readonly ssn: number;
  /** Payload protocol identifier (opaque, big-endian on the wire). */
  readonly ppid: number;
  /** Flags byte (U, B, E, I). */
  readonly flags: number;
  /** User data (a view into the packet). */
  readonly data: Uint8Array;
}

/** A {@link DataChunk} whose fields {@link readData} overwrites (one per receiver: no allocation per chunk). */
export type DataChunkScratch = { -readonly [K in keyof DataChunk]: DataChunk[K] };

/** A fresh scratch object for {@link readData}. */
export function dataChunkScratch(): DataChunkScratch {
  return { tsn: 0, stream: 0, ssn: 0, ppid: 0, flags: 0, data: new Uint8Array(0) };
}

/**
 * Decode a DATA chunk whose header is at `start` and whose value ends at
 * `end` into `out` (the user data is a view into `b`); returns `out`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_DATA` when shorter than its header; `ERR_SCTP_NO_USER_DATA` when empty (cause 9)
 */
export function readData(b: Uint8Array, start: number, end: number, out: DataChunkScratch): DataChunk {
  if (end - start < DATA_HEADER_SIZE) throw new SctpDecodeError('BAD_DATA', 'DATA chunk shorter than 16 bytes');
  if (end - start === DATA_HEADER_SIZE) throw new SctpDecodeError('NO_USER_DATA', 'DATA chunk without user data');
  out.tsn = u32(b, start + 4);
  out.stream = u16(b, start + 8);
  out.ssn = u16(b, start + 10);
  out.ppid = u32(b, start + 12);
  out.flags = b[start + 1];
  out.data = b.subarray(start + DATA_HEADER_SIZE, end);
  return out;
}

/**
 * Decode a DATA chunk whose header is at `start` and whose value ends at `end`.
 * @throws SctpDecodeError `ERR_SCTP_BAD_DATA` when shorter than its header; `ERR_SCTP_NO_USER_DATA` when empty (cause 9)
 */
export function decodeData(b: Uint8Array, start: number, end: number): DataChunk {
  return readData(b, start, end, dataChunkScratch());
}

/** Write a DATA chunk into `w` (caller checked there is room for `16 + data.length` bytes). */
export function writeData(
  w: PacketWriter,
  flags: number,
  tsn: number,
  stream: number,
  ssn: number,
  ppid: number,
  data: Uint8Array,
): void {
  const v = w.chunk(ChunkType.DATA, flags, DATA_HEADER_SIZE + data.length);
  const b = w.buf;
  w32(b, v, tsn);
  w16(b, v + 4, stream);
  w16(b, v + 6, ssn);
  w32(b, v + 8, ppid);
  b.set(data, v + 12);
}
