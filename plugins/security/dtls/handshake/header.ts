/**
 * The DTLS handshake header (RFC 6347 §4.2.2): msg_type(1) length(3)
 * message_seq(2) fragment_offset(3) fragment_length(3), and fragmentation of
 * whole messages to a payload budget (§4.2.3).
 *
 * @module
 */
import { decodeError } from '../errors.js';

/** Handshake header length in bytes. */
export const HANDSHAKE_HEADER_LENGTH = 12;
/** Largest handshake message body accepted (bytes); larger ones are dropped. */
export const MAX_HANDSHAKE_LENGTH = 65536;

/** One handshake fragment as found in a record. */
export interface HandshakeFragment {
  /** msg_type. */
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  /** message_seq. */
  readonly messageSeq: number;
  /** fragment_offset. */
  readonly fragmentOffset: number;
  /** The fragment bytes (a view; fragment_length = `body.length`). */
  readonly body: Uint8Array;
}

/** Parse every handshake fragment of one record; throws a DtlsDecodeError on malformed input. */
export function parseHandshakeFragments(record: Uint8Array): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let p = 0;
  while (p < record.length) {
    if (record.length - p < HANDSHAKE_HEADER_LENGTH) throw decodeError('dtls_truncated', 'record ends inside a handshake header');
    const r = record;
    const msgType = r[p];
    const length = (r[p + 1] << 16) | (r[p + 2] << 8) | r[p + 3];
    const messageSeq = (r[p + 4] << 8) | r[p + 5];
    const fragmentOffset = (r[p + 6] << 16) | (r[p + 7] << 8) | r[p + 8];
    const fragmentLength = (r[p + 9] << 16) | (r[p + 10] << 8) | r[p + 11];
    if (fragmentOffset + fragmentLength > length) throw decodeError('dtls_bad_fragment', 'fragment extends past the message length');
    if (length > MAX_HANDSHAKE_LENGTH) throw decodeError('dtls_bad_fragment', `handshake message of ${length} bytes is too large`);
    const start = p + HANDSHAKE_HEADER_LENGTH;
    if (start + fragmentLength > record.length) throw decodeError('dtls_truncated', 'fragment extends past the record');
    out.push({ msgType, length, messageSeq, fragmentOffset, body: r.subarray(start, start + fragmentLength) });
    p = start + fragmentLength;
  }
  return out;
}

/** Write a handshake header at `out[offset]`. */
export function writeHandshakeHeader(
  out: Uint8Array,
  offset: number,
  msgType: number,
  length: number,
  messageSeq: number,
  fragmentOffset: number,
  fragmentLength: number,
): void {
  out[offset] = msgType;
  out[offset + 1] = length >>> 16;
  out[offset + 2] = length >>> 8;
  out[offset + 3] = length;
  out[offset + 4] = messageSeq >>> 8;
  out[offset + 5] = messageSeq;
  out[offset + 6] = fragmentOffset >>> 16;
  out[offset + 7] = fragmentOffset >>> 8;
  out[offset + 8] = fragmentOffset;
  out[offset + 9] = fragmentLength >>> 16;
  out[offset + 10] = fragmentLength >>> 8;
  out[offset + 11] = fragmentLength;
}

/** A whole message with an unfragmented header (the form hashed into the transcript, RFC 6347 §4.2.6). */
export function encodeHandshake(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  writeHandshakeHeader(out, 0, msgType, body.length, messageSeq, 0, body.length);
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * Split a whole message (as from {@link encodeHandshake}) into fragments of at
 * most `maxFragment` body bytes, each with its own header.
 */
export function fragmentHandshake(message: Uint8Array, maxFragment: number): Uint8Array[] {
  const body = message.subarray(HANDSHAKE_HEADER_LENGTH);
  if (body.length <= maxFragment) return [message];
  const msgType = message[0];
  const messageSeq = (message[4] << 8) | message[5];
  const out: Uint8Array[] = [];
  const step = Math.max(1, maxFragment);
  for (let off = 0; off < body.length; off += step) {
    const n = Math.min(step, body.length - off);
    const frag = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
    writeHandshakeHeader(frag, 0, msgType, body.length, messageSeq, off, n);
    frag.set(body.subarray(off, off + n), HANDSHAKE_HEADER_LENGTH);
    out.push(frag);
  }
  return out;
}
