/**
 * Typed errors of the `tcp` transport's wire codec. Each one is a
 * {@link DecodeError} with a stable `code` (`ERR_TCP_…`) and drop `reason`
 * (`tcp_…`); the session catches them, drops the segment and counts it.
 *
 * @module
 */
import { DecodeError } from '../../../core/errors.js';

/** Base class of every malformed-segment error of the TCP codec. */
export class TcpDecodeError extends DecodeError {}

/** The segment is shorter than the fixed 20-byte header (RFC 9293 §3.1). */
export class TcpTruncatedError extends TcpDecodeError {
  /** @param length - bytes received */
  constructor(length: number) {
    super('ERR_TCP_TRUNCATED', 'tcp_truncated', `TCP segment of ${length} bytes is shorter than the 20-byte header`);
  }
}

/** Data Offset is below 5 words or points past the end of the segment (RFC 9293 §3.1). */
export class TcpBadDataOffsetError extends TcpDecodeError {
  /**
   * @param words - the Data Offset field, in 32-bit words
   * @param length - segment length in bytes
   */
  constructor(words: number, length: number) {
    super(
      'ERR_TCP_BAD_DATA_OFFSET',
      'tcp_bad_data_offset',
      `TCP data offset of ${words} words is invalid for a ${length}-byte segment`,
    );
  }
}

/** An option has a length below 2, runs past the header, or has the wrong length for its kind (RFC 9293 §3.2). */
export class TcpBadOptionError extends TcpDecodeError {
  /**
   * @param kind - option kind
   * @param detail - what is wrong
   */
  constructor(kind: number, detail: string) {
    super('ERR_TCP_BAD_OPTION', 'tcp_bad_option', `TCP option kind ${kind}: ${detail}`);
  }
}

/** The checksum over the pseudo-header and segment does not verify (RFC 9293 §3.1). */
export class TcpBadChecksumError extends TcpDecodeError {
  constructor() {
    super('ERR_TCP_BAD_CHECKSUM', 'tcp_bad_checksum', 'TCP checksum mismatch');
  }
}
