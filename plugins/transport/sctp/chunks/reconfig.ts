/**
 * RE-CONFIG chunk (RFC 6525 §3.1, chunk type 130) and its parameters
 * (§4): the Outgoing SSN Reset Request (§4.1) and the Re-configuration
 * Response (§4.4) are encoded and decoded in full; the other requests
 * (Incoming SSN Reset §4.2, SSN/TSN Reset §4.3, Add Outgoing / Incoming
 * Streams §4.5, §4.6) are recognised with their request sequence number
 * only, so that they can be answered with "Denied". Codec only: what the
 * requests do is in `reconfig.ts`.
 *
 * @module
 */
import { totalLength } from '../../../../core/bytes.js';
import { ChunkType } from '../chunk-types.js';
import { pad4, u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError } from '../errors.js';
import { parseTlvs, unknownParamAction } from '../params.js';

/** Re-configuration parameter types (RFC 6525 §4, table 2). */
export const ReconfigParamType = {
  /** Outgoing SSN Reset Request (§4.1). */
  OUTGOING_SSN_RESET: 13,
  /** Incoming SSN Reset Request (§4.2). */
  INCOMING_SSN_RESET: 14,
  /** SSN/TSN Reset Request (§4.3). */
  SSN_TSN_RESET: 15,
  /** Re-configuration Response (§4.4). */
  RESPONSE: 16,
  /** Add Outgoing Streams Request (§4.5). */
  ADD_OUTGOING_STREAMS: 17,
  /** Add Incoming Streams Request (§4.6). */
  ADD_INCOMING_STREAMS: 18,
} as const;

/** Result codes of a Re-configuration Response (RFC 6525 §4.4). */
export const ReconfigResult = {
  /** Success - Nothing to do. */
  NOTHING_TO_DO: 0,
  /** Success - Performed. */
  PERFORMED: 1,
  /** Denied. */
  DENIED: 2,
  /** Error - Wrong SSN. */
  WRONG_SSN: 3,
  /** Error - Request already in progress. */
  ALREADY_IN_PROGRESS: 4,
  /** Error - Bad Sequence Number. */
  BAD_SEQUENCE_NUMBER: 5,
  /** In progress. */
  IN_PROGRESS: 6,
} as const;

/** An Outgoing SSN Reset Request Parameter (RFC 6525 §4.1). */
export interface OutgoingSsnResetRequest {
  /** Discriminant. */
  readonly kind: 'outgoing-reset';
  /** Re-configuration Request Sequence Number. */
  readonly reqSeq: number;
  /** Re-configuration Response Sequence Number (the sender's last received request sequence number, or the request this answers). */
  readonly respSeq: number;
  /** Sender's Last Assigned TSN: the reset applies after every TSN up to it. */
  readonly lastTsn: number;
  /** Streams to reset; empty means all streams. */
  readonly streams: readonly number[];
}

/** A Re-configuration Response Parameter (RFC 6525 §4.4). */
export interface ReconfigResponse {
  /** Discriminant. */
  readonly kind: 'response';
  /** The Re-configuration Request Sequence Number this answers. */
  readonly respSeq: number;
  /** Result code ({@link ReconfigResult}). */
  readonly result: number;
  /** Sender's Next TSN (SSN/TSN reset answers only), or -1. */
  readonly senderNextTsn: number;
  /** Receiver's Next TSN (SSN/TSN reset answers only), or -1. */
  readonly receiverNextTsn: number;
}

/** A request this endpoint recognises but does not perform (§4.2, §4.3, §4.5, §4.6): only its sequence number is read. */
export interface OtherReconfigRequest {
  /** Discriminant. */
  readonly kind: 'other-request';
  /** Parameter type. */
  readonly type: number;
  /** Re-configuration Request Sequence Number. */
  readonly reqSeq: number;
}

/** One decoded RE-CONFIG parameter. */
export type ReconfigParam = OutgoingSsnResetRequest | ReconfigResponse | OtherReconfigRequest;

function bad(message: string): SctpDecodeError {
  return new SctpDecodeError('BAD_RECONFIG', message);
}

function decodeParam(type: number, v: Uint8Array): ReconfigParam | null {
  switch (type) {
    case ReconfigParamType.OUTGOING_SSN_RESET: {
      // §4.1: length 16 + 2·N.
      if (v.length < 12 || (v.length & 1) !== 0) throw bad('Outgoing SSN Reset Request length invalid');
      const streams: number[] = [];
      for (let i = 12; i < v.length; i += 2) streams.push(u16(v, i));
      return { kind: 'outgoing-reset', reqSeq: u32(v, 0), respSeq: u32(v, 4), lastTsn: u32(v, 8), streams };
    }
    case ReconfigParamType.RESPONSE:
      // §4.4: length 12, or 20 with the two Next TSN fields.
      if (v.length !== 8 && v.length !== 16) throw bad('Re-configuration Response length invalid');
      return {
        kind: 'response',
        respSeq: u32(v, 0),
        result: u32(v, 4),
        senderNextTsn: v.length === 16 ? u32(v, 8) : -1,
        receiverNextTsn: v.length === 16 ? u32(v, 12) : -1,
      };
    case ReconfigParamType.INCOMING_SSN_RESET:
      // §4.2: length 8 + 2·N.
      if (v.length < 4 || (v.length & 1) !== 0) throw bad('Incoming SSN Reset Request length invalid');
      return { kind: 'other-request', type, reqSeq: u32(v, 0) };
    case ReconfigParamType.SSN_TSN_RESET:
      // §4.3: length 8.
      if (v.length !== 4) throw bad('SSN/TSN Reset Request length invalid');
      return { kind: 'other-request', type, reqSeq: u32(v, 0) };
    case ReconfigParamType.ADD_OUTGOING_STREAMS:
    case ReconfigParamType.ADD_INCOMING_STREAMS:
      // §4.5, §4.6: length 12.
      if (v.length !== 8) throw bad('Add Streams Request length invalid');
      return { kind: 'other-request', type, reqSeq: u32(v, 0) };
    default:
      return null;
  }
}

/**
 * Decode the value of a RE-CONFIG chunk at `b[start, end)`: one or two
 * parameters (RFC 6525 §3.1).
 * Parameters of unknown types follow the two-bit rule of RFC 9260 §3.2.1:
 * processing stops at one whose top bit is 0 and skips one whose top bit
 * is 1 (they are not reported).
 * @throws SctpDecodeError `ERR_SCTP_BAD_RECONFIG` when it holds no or more than two parameters or a
 *   known parameter has a wrong length; `ERR_SCTP_BAD_PARAM_LENGTH` when the TLVs do not parse
 */
export function decodeReconfig(b: Uint8Array, start: number, end: number): ReconfigParam[] {
  const tlvs = parseTlvs(b, start, end);
  if (tlvs.length < 1 || tlvs.length > 2) throw bad(`RE-CONFIG with ${tlvs.length} parameters`);
  const out: ReconfigParam[] = [];
  for (const t of tlvs) {
    const p = decodeParam(t.type, t.value);
    if (p !== null) out.push(p);
    else if (!unknownParamAction(t.type).stop) continue;
    else break;
  }
  return out;
}

/** Encode an Outgoing SSN Reset Request Parameter (RFC 6525 §4.1), padded to 4 bytes. */
export function encodeOutgoingSsnReset(reqSeq: number, respSeq: number, lastTsn: number, streams: readonly number[]): Uint8Array {
  const len = 16 + 2 * streams.length;
  const out = new Uint8Array(pad4(len));
  w16(out, 0, ReconfigParamType.OUTGOING_SSN_RESET);
  w16(out, 2, len);
  w32(out, 4, reqSeq);
  w32(out, 8, respSeq);
  w32(out, 12, lastTsn);
  for (let k = 0; k < streams.length; k++) w16(out, 16 + 2 * k, streams[k]);
  return out;
}

/** Encode a Re-configuration Response Parameter (RFC 6525 §4.4) without the Next TSN fields. */
export function encodeReconfigResponse(respSeq: number, result: number): Uint8Array {
  const out = new Uint8Array(12);
  w16(out, 0, ReconfigParamType.RESPONSE);
  w16(out, 2, 12);
  w32(out, 4, respSeq);
  w32(out, 8, result);
  return out;
}

/**
 * Encode a RE-CONFIG chunk holding one or two encoded parameters (RFC 6525 §3.1).
 * The chunk length excludes the padding of the last parameter (RFC 9260 §3.2).
 */
export function encodeReconfig(params: readonly Uint8Array[]): Uint8Array {
  const size = 4 + totalLength(params);
  const last = params[params.length - 1];
  const length = size - (last.length - u16(last, 2));
  const out = new Uint8Array(length);
  out[0] = ChunkType.RE_CONFIG;
  w16(out, 2, length);
  let o = 4;
  for (const p of params) {
    out.set(p.subarray(0, Math.min(p.length, length - o)), o);
    o += p.length;
  }
  return out;
}
