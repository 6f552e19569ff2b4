/**
 * Variable-length parameters (RFC 9260 §3.2.1) and error causes
 * (§3.3.10), both TLVs of `type(16) length(16) value` padded to 4 bytes.
 *
 * @module
 */
import { pad4, u16, w16 } from './bytes.js';
import { SctpDecodeError } from './errors.js';
import { joinBytes } from '../../../core/bytes.js';

/** Parameter types used in INIT / INIT ACK (RFC 9260 §3.3.2.1, RFC 3758, RFC 5061, RFC 4895). */
export const ParamType = {
  /** Heartbeat Info (§3.3.5). */
  HEARTBEAT_INFO: 1,
  /** IPv4 address. */
  IPV4_ADDRESS: 5,
  /** IPv6 address. */
  IPV6_ADDRESS: 6,
  /** State Cookie (INIT ACK). */
  STATE_COOKIE: 7,
  /** Unrecognized Parameter (INIT ACK). */
  UNRECOGNIZED_PARAMETER: 8,
  /** Cookie Preservative. */
  COOKIE_PRESERVATIVE: 9,
  /** Host Name Address (deprecated: ABORT with cause 5, RFC 9260 §5.1.2). */
  HOST_NAME_ADDRESS: 11,
  /** Supported Address Types. */
  SUPPORTED_ADDRESS_TYPES: 12,
  /** ECN capable (RFC 9260 Appendix A). */
  ECN_CAPABLE: 0x8000,
  /** Zero Checksum Acceptable (RFC 9653 §4): value is a 32-bit Error Detection Method Identifier. */
  ZERO_CHECKSUM_ACCEPTABLE: 0x8001,
  /** AUTH Random (RFC 4895). */
  RANDOM: 0x8002,
  /** AUTH Chunk List (RFC 4895). */
  CHUNK_LIST: 0x8003,
  /** AUTH HMAC algorithms (RFC 4895). */
  HMAC_ALGO: 0x8004,
  /** Padding (RFC 4820). */
  PADDING: 0x8005,
  /** Supported Extensions (RFC 5061 §4.2.7). */
  SUPPORTED_EXTENSIONS: 0x8008,
  /** Forward-TSN-Supported (RFC 3758 §3.1). */
  FORWARD_TSN_SUPPORTED: 0xc000,
  /** Adaptation Layer Indication (RFC 5061 §4.2.6). */
  ADAPTATION_LAYER_INDICATION: 0xc006,
} as const;

/** Error Detection Method Identifier of "SCTP over DTLS" (RFC 9653 §6, RFC 8261): DTLS protects every packet. */
export const EDMID_DTLS = 1;

/** Error cause codes (RFC 9260 §3.3.10). */
export const CauseCode = {
  /** Invalid Stream Identifier. */
  INVALID_STREAM: 1,
  /** Missing Mandatory Parameter. */
  MISSING_PARAMETER: 2,
  /** Stale Cookie Error (value: staleness in µs). */
  STALE_COOKIE: 3,
  /** Out of Resource. */
  OUT_OF_RESOURCE: 4,
  /** Unresolvable Address. */
  UNRESOLVABLE_ADDRESS: 5,
  /** Unrecognized Chunk Type. */
  UNRECOGNIZED_CHUNK: 6,
  /** Invalid Mandatory Parameter. */
  INVALID_MANDATORY_PARAMETER: 7,
  /** Unrecognized Parameters. */
  UNRECOGNIZED_PARAMETERS: 8,
  /** No User Data. */
  NO_USER_DATA: 9,
  /** Cookie Received While Shutting Down. */
  COOKIE_WHILE_SHUTTING_DOWN: 10,
  /** Restart of an Association with New Addresses. */
  RESTART_NEW_ADDRESSES: 11,
  /** User-Initiated Abort. */
  USER_INITIATED_ABORT: 12,
  /** Protocol Violation. */
  PROTOCOL_VIOLATION: 13,
} as const;

/** One TLV (parameter or error cause) as a view into the packet. */
export interface Tlv {
  /** Type (parameter type or cause code). */
  readonly type: number;
  /** The value (a view, not a copy). */
  readonly value: Uint8Array;
  /** The whole TLV including its header (a view), for echoing it back. */
  readonly raw: Uint8Array;
}

/**
 * Split `b[start, end)` into TLVs.
 * @throws SctpDecodeError `ERR_SCTP_BAD_PARAM_LENGTH` when a length is < 4 or runs past `end`
 */
export function parseTlvs(b: Uint8Array, start: number, end: number): Tlv[] {
  const out: Tlv[] = [];
  let i = start;
  while (i + 4 <= end) {
    const len = u16(b, i + 2);
    if (len < 4 || i + len > end) throw new SctpDecodeError('BAD_PARAM_LENGTH', `parameter length ${len} invalid`);
    out.push({ type: u16(b, i), value: b.subarray(i + 4, i + len), raw: b.subarray(i, i + len) });
    i += pad4(len);
  }
  if (i < end) throw new SctpDecodeError('BAD_PARAM_LENGTH', 'trailing bytes after the last parameter');
  return out;
}

/** Encode one TLV (padded to 4 bytes). */
export function encodeTlv(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(pad4(4 + value.length));
  w16(out, 0, type);
  w16(out, 2, 4 + value.length);
  out.set(value, 4);
  return out;
}

/** Concatenate encoded TLVs (each already padded). */
export function concatTlvs(tlvs: readonly Uint8Array[]): Uint8Array {
  return joinBytes(tlvs);
}

/**
 * What to do with an unrecognized parameter or chunk, from the two
 * high-order bits of its type (RFC 9260 §3.2 and §3.2.1).
 */
export interface UnknownAction {
  /** Stop processing the rest (bits 0x). */
  readonly stop: boolean;
  /** Report it to the peer (bits x1). */
  readonly report: boolean;
}

/** Action for an unknown parameter type (16-bit) per its two high-order bits. */
export function unknownParamAction(type: number): UnknownAction {
  return { stop: (type & 0x8000) === 0, report: (type & 0x4000) !== 0 };
}

/** Action for an unknown chunk type (8-bit) per its two high-order bits. */
export function unknownChunkAction(type: number): UnknownAction {
  return { stop: (type & 0x80) === 0, report: (type & 0x40) !== 0 };
}
