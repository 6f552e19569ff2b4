/**
 * Small control chunks (RFC 9260 §3.3.5–§3.3.13): HEARTBEAT and its ACK,
 * ABORT and ERROR (with error causes), SHUTDOWN, SHUTDOWN ACK, SHUTDOWN
 * COMPLETE, COOKIE ECHO and COOKIE ACK.
 *
 * @module
 */
import { ChunkType } from '../chunk-types.js';
import { u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';
import { CauseCode, ParamType, concatTlvs, encodeTlv, parseTlvs } from '../params.js';

/** Encode a chunk with a raw value (`type`, `flags`, value bytes). */
export function encodeChunk(type: number, flags: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + value.length);
  out[0] = type;
  out[1] = flags;
  w16(out, 2, out.length);
  out.set(value, 4);
  return out;
}

/** Encode a HEARTBEAT carrying one Heartbeat Info parameter (§3.3.5). */
export function encodeHeartbeat(info: Uint8Array): Uint8Array {
  return encodeChunk(ChunkType.HEARTBEAT, 0, encodeTlv(ParamType.HEARTBEAT_INFO, info));
}

/** Encode a HEARTBEAT ACK echoing the received Heartbeat Info TLV verbatim (§3.3.6). */
export function encodeHeartbeatAck(infoTlv: Uint8Array): Uint8Array {
  return encodeChunk(ChunkType.HEARTBEAT_ACK, 0, infoTlv);
}

/**
 * The Heartbeat Info value of a HEARTBEAT or HEARTBEAT ACK, plus the whole TLV.
 * @throws SctpDecodeError `ERR_SCTP_BAD_HEARTBEAT` when the Heartbeat Info parameter is missing
 */
export function decodeHeartbeat(b: Uint8Array, start: number, end: number): { info: Uint8Array; tlv: Uint8Array } {
  const tlvs = parseTlvs(b, start, end);
  if (tlvs.length < 1 || tlvs[0].type !== ParamType.HEARTBEAT_INFO) {
    throw new SctpDecodeError('BAD_HEARTBEAT', 'HEARTBEAT without Heartbeat Info');
  }
  return { info: tlvs[0].value, tlv: tlvs[0].raw };
}

/** One error cause to put into an ABORT or ERROR chunk (§3.3.10). */
export interface ErrorCause {
  /** Cause code. */
  readonly code: number;
  /** Cause-specific information. */
  readonly info?: Uint8Array;
}

/** Encode an ABORT chunk (§3.3.7); `reflected` sets the T bit. */
export function encodeAbort(reflected: boolean, causes: readonly ErrorCause[]): Uint8Array {
  return encodeChunk(ChunkType.ABORT, reflected ? 1 : 0, concatTlvs(causes.map((c) => encodeTlv(c.code, c.info ?? new Uint8Array(0)))));
}

/** Encode an ERROR chunk (§3.3.10). */
export function encodeError(causes: readonly ErrorCause[]): Uint8Array {
  return encodeChunk(ChunkType.ERROR, 0, concatTlvs(causes.map((c) => encodeTlv(c.code, c.info ?? new Uint8Array(0)))));
}

/**
 * Encode the ERROR chunk reporting the unrecognized parameters of an INIT
 * ACK (RFC 9260 §3.2.2): one Unrecognized Parameters cause (§3.3.10.8) per
 * parameter, each carrying the parameter's whole TLV as received.
 */
export function encodeUnrecognizedParamsError(params: readonly Uint8Array[]): Uint8Array {
  return encodeError(params.map((info) => ({ code: CauseCode.UNRECOGNIZED_PARAMETERS, info })));
}

/**
 * Cause codes of an ABORT or ERROR chunk.
 * @throws SctpDecodeError `ERR_SCTP_BAD_PARAM_LENGTH` when a cause is malformed
 */
export function decodeCauses(b: Uint8Array, start: number, end: number): { code: number; info: Uint8Array }[] {
  return parseTlvs(b, start, end).map((t) => ({ code: t.type, info: t.value }));
}

/** Encode a SHUTDOWN carrying the cumulative TSN ack (§3.3.8). */
export function encodeShutdown(cumTsnAck: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = ChunkType.SHUTDOWN;
  w16(out, 2, 8);
  w32(out, 4, cumTsnAck);
  return out;
}

/**
 * Cumulative TSN ack of a SHUTDOWN.
 * @throws SctpDecodeError `ERR_SCTP_BAD_SHUTDOWN` when its value is not 4 bytes
 */
export function decodeShutdown(b: Uint8Array, start: number, end: number): number {
  if (end - start !== 4) throw new SctpDecodeError('BAD_SHUTDOWN', 'SHUTDOWN chunk length is not 8');
  return u32(b, start);
}

/** Encode a chunk with no value (SHUTDOWN ACK, COOKIE ACK, SHUTDOWN COMPLETE with optional T bit). */
export function encodeEmpty(type: number, flags = 0): Uint8Array {
  return encodeChunk(type, flags, new Uint8Array(0));
}
