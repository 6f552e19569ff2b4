/**
 * The DTLS record header (RFC 6347 §4.1): type(1) version(2) epoch(2)
 * sequence_number(6) length(2), then the fragment. Several records may share
 * one datagram; a record never spans datagrams.
 *
 * @module
 */
import { DTLS10, DTLS12 } from '../constants.js';
import { decodeError } from '../errors.js';

/** Record header length in bytes. */
export const RECORD_HEADER_LENGTH = 13;
/** Largest protected fragment (RFC 6347 §4.1 / RFC 5246 §6.2.3: 2^14 + 2048). */
export const MAX_CIPHERTEXT_LENGTH = 16384 + 2048;
/** Largest plaintext fragment (2^14). */
export const MAX_PLAINTEXT_LENGTH = 16384;

/**
 * Iterates the records of one datagram without allocating per record: call
 * {@link RecordCursor.next} until it returns false; the fields describe the
 * current record. A malformed header throws a DtlsDecodeError (the rest of
 * the datagram is then unusable and is dropped).
 */
export class RecordCursor {
  /** Content type of the current record. */
  type = 0;
  /** Record version (0xFEFD, or 0xFEFF on a first flight). */
  version = 0;
  /** Epoch. */
  epoch = 0;
  /** 48-bit sequence number. */
  seq = 0;
  /** Offset of the current record's header. */
  start = 0;
  /** Offset of the current fragment. */
  fragmentStart = 0;
  /** Fragment length in bytes. */
  length = 0;
  private pos = 0;

  /** @param data - the datagram */
  constructor(public data: Uint8Array) {}

  /** Start over on another datagram (lets a session reuse one cursor). */
  reset(data: Uint8Array): this {
    this.data = data;
    this.pos = 0;
    return this;
  }

  /** Advance to the next record; false at the end of the datagram. */
  next(): boolean {
    const d = this.data;
    const p = this.pos;
    if (p >= d.length) return false;
    if (d.length - p < RECORD_HEADER_LENGTH) throw decodeError('dtls_truncated', 'datagram ends inside a record header');
    this.type = d[p];
    this.version = (d[p + 1] << 8) | d[p + 2];
    this.epoch = (d[p + 3] << 8) | d[p + 4];
    const lo = ((d[p + 7] << 24) | (d[p + 8] << 16) | (d[p + 9] << 8) | d[p + 10]) >>> 0;
    this.seq = ((d[p + 5] << 8) | d[p + 6]) * 0x100000000 + lo;
    this.length = (d[p + 11] << 8) | d[p + 12];
    if (this.type < 20 || this.type > 25) throw decodeError('dtls_bad_content_type', `unknown content type ${this.type}`);
    if (this.version !== DTLS12 && this.version !== DTLS10) throw decodeError('dtls_bad_version', `record version 0x${this.version.toString(16)}`);
    if (this.length > MAX_CIPHERTEXT_LENGTH) throw decodeError('dtls_bad_length', `record length ${this.length} too large`);
    if (p + RECORD_HEADER_LENGTH + this.length > d.length) throw decodeError('dtls_bad_length', 'record length exceeds the datagram');
    this.start = p;
    this.fragmentStart = p + RECORD_HEADER_LENGTH;
    this.pos = this.fragmentStart + this.length;
    return true;
  }

  /** Offset just past the current record (where the next one starts). */
  get offset(): number {
    return this.pos;
  }

  /** The current fragment (a view). */
  fragment(): Uint8Array {
    return this.data.subarray(this.fragmentStart, this.fragmentStart + this.length);
  }

  /** The whole current record, header included (a view). */
  record(): Uint8Array {
    return this.data.subarray(this.start, this.fragmentStart + this.length);
  }
}

/** Write a record header into `out` at `offset`. */
export function writeRecordHeader(
  out: Uint8Array,
  offset: number,
  type: number,
  version: number,
  epoch: number,
  seq: number,
  length: number,
): void {
  out[offset] = type;
  out[offset + 1] = version >>> 8;
  out[offset + 2] = version;
  out[offset + 3] = epoch >>> 8;
  out[offset + 4] = epoch;
  const hi = Math.floor(seq / 0x100000000);
  const lo = seq >>> 0;
  out[offset + 5] = hi >>> 8;
  out[offset + 6] = hi;
  out[offset + 7] = lo >>> 24;
  out[offset + 8] = lo >>> 16;
  out[offset + 9] = lo >>> 8;
  out[offset + 10] = lo;
  out[offset + 11] = length >>> 8;
  out[offset + 12] = length;
}

/** A plaintext (epoch 0) record: header followed by `fragment`, as one array. */
export function plaintextRecord(type: number, version: number, epoch: number, seq: number, fragment: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  writeRecordHeader(out, 0, type, version, epoch, seq, fragment.length);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}
