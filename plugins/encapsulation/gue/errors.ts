/**
 * Typed errors of the GUE codec. Every decoding failure is a
 * {@link DecodeError} subclass with a stable `code` and a drop `reason`;
 * the stack drops the datagram and counts it under that reason.
 *
 * @module
 */
import { DecodeError, ToukitError } from '../../../core/errors.js';

/** The datagram ends before the 4-byte base header (or is empty). */
export class GueTruncatedError extends DecodeError {
  /** @param length - bytes available */
  constructor(length: number) {
    super('ERR_GUE_TRUNCATED', 'gue_truncated', `GUE datagram of ${length} bytes is shorter than the 4-byte header`);
  }
}

/** Variant 2 or 3, or a variant-1 datagram whose first nibble is neither 4 nor 6 (draft-ietf-intarea-gue-09 §3, §4). */
export class GueBadVersionError extends DecodeError {
  /** @param firstByte - the offending first byte */
  constructor(firstByte: number) {
    super(
      'ERR_GUE_BAD_VERSION',
      'gue_bad_version',
      `GUE first byte 0x${firstByte.toString(16).padStart(2, '0')}: variant ${firstByte >>> 6} is not supported`,
    );
  }
}

/** Hlen points past the end of the datagram, or disagrees with the fields the flags announce. */
export class GueBadHlenError extends DecodeError {
  /** @param message - what is wrong with Hlen */
  constructor(message: string) {
    super('ERR_GUE_BAD_HLEN', 'gue_bad_hlen', message);
  }
}

/** A flag (or Linux private flag) this profile does not know is set (draft-ietf-intarea-gue-09 §3.3). */
export class GueUnknownFlagsError extends DecodeError {
  /**
   * @param flags - the unknown bits that were set
   * @param kind - `flags` or `private flags`
   */
  constructor(flags: number, kind = 'flags') {
    super('ERR_GUE_UNKNOWN_FLAGS', 'gue_unknown_flags', `unknown GUE ${kind} set: 0x${(flags >>> 0).toString(16)}`);
  }
}

/** An extension field is inconsistent (bad offsets, transform on a non-59 payload, …). */
export class GueBadExtensionError extends DecodeError {
  /** @param message - what is wrong */
  constructor(message: string) {
    super('ERR_GUE_BAD_EXTENSION', 'gue_bad_extension', message);
  }
}

/** The payload-transform type is not one toukit implements (only DTLS = 1). */
export class GueUnknownTransformError extends DecodeError {
  /** @param type - the transform type received */
  constructor(type: number) {
    super('ERR_GUE_UNKNOWN_TRANSFORM', 'gue_unknown_transform', `unknown GUE payload-transform type ${type}`);
  }
}

/** The GUE checksum (K flag) does not verify. */
export class GueBadChecksumError extends DecodeError {
  /** Creates the error (no parameters: the mismatch is the whole story). */
  constructor() {
    super('ERR_GUE_BAD_CHECKSUM', 'gue_bad_checksum', 'GUE checksum mismatch');
  }
}

/** A control message is malformed (e.g. ctype 255 without its 4-byte ExID). */
export class GueBadControlError extends DecodeError {
  /** @param message - what is wrong */
  constructor(message: string) {
    super('ERR_GUE_BAD_CONTROL', 'gue_bad_control', message);
  }
}

/** A header was requested that this codec or profile cannot express (send side; a programming or config error). */
export class GueUnsupportedError extends ToukitError {
  /** @param message - what cannot be expressed */
  constructor(message: string) {
    super('ERR_GUE_UNSUPPORTED', message);
  }
}
