/**
 * INIT and INIT ACK chunks (RFC 9260 §3.3.2, §3.3.3): fixed fields, then
 * parameters. Unknown parameters follow the two-bit rule of §3.2.1;
 * address parameters are accepted and ignored (single-homed, RFC 6951
 * port learning), AUTH/ASCONF parameters are recognised and not
 * negotiated; RE-CONFIG (RFC 6525) is announced in Supported Extensions.
 *
 * @module
 */
import { ChunkType } from '../chunk-types.js';
import { u16, u32, w16, w32 } from '../bytes.js';
import { SctpDecodeError, SctpInvalidInitError } from '../errors.js';
import { ParamType, concatTlvs, encodeTlv, parseTlvs, unknownParamAction } from '../params.js';

const NO_EDMID = -1;

/** Decoded INIT or INIT ACK (RFC 9260 §3.3.2). */
export interface InitChunk {
  /** Initiate Tag: the tag the sender wants to see in packets it receives. */
  readonly initiateTag: number;
  /** Advertised receiver window credit in bytes. */
  readonly arwnd: number;
  /** Number of outbound streams the sender wants (OS). */
  readonly outboundStreams: number;
  /** Maximum inbound streams the sender accepts (MIS). */
  readonly maxInboundStreams: number;
  /** Initial TSN of the sender. */
  readonly initialTsn: number;
  /** Whether the sender supports FORWARD TSN (RFC 3758 §3.1). */
  readonly forwardTsn: boolean;
  /** Whether the sender supports I-DATA (RFC 8260 §2.2: I-DATA in Supported Extensions). */
  readonly iData: boolean;
  /** Whether the sender supports stream reconfiguration (RFC 6525 §3.1: RE-CONFIG in Supported Extensions). */
  readonly reConfig: boolean;
  /** The State Cookie (INIT ACK only). */
  readonly cookie?: Uint8Array;
  /**
   * Error Detection Method Identifier of a Zero Checksum Acceptable
   * parameter (RFC 9653 §4): the sender accepts packets with a zero
   * checksum when that method protects them; -1 when absent.
   */
  readonly zeroChecksumEdmid: number;
  /** Whether a Host Name Address parameter was present (must be refused, RFC 9260 §5.1.2). */
  readonly hostName: boolean;
  /** Unrecognized parameters to report back (whole TLVs), per the two-bit rule. */
  readonly unrecognized: readonly Uint8Array[];
}

/** What this endpoint puts into its INIT or INIT ACK. */
export interface InitFields {
  /** Initiate Tag (non-zero). */
  readonly initiateTag: number;
  /** Advertised receiver window in bytes. */
  readonly arwnd: number;
  /** Outbound streams wanted. */
  readonly outboundStreams: number;
  /** Maximum inbound streams. */
  readonly maxInboundStreams: number;
  /** Initial TSN. */
  readonly initialTsn: number;
  /** Advertise Forward-TSN-Supported. */
  readonly forwardTsn: boolean;
  /** Advertise I-DATA (and I-FORWARD-TSN with `forwardTsn`), RFC 8260 §2.2. */
  readonly iData?: boolean;
  /** Advertise RE-CONFIG (RFC 6525 §3.1) in Supported Extensions. */
  readonly reConfig?: boolean;
  /** State Cookie (INIT ACK only). */
  readonly cookie?: Uint8Array;
  /** Announce Zero Checksum Acceptable with this EDMID (RFC 9653 §4); none when absent. */
  readonly zeroChecksumEdmid?: number | undefined;
  /** Unrecognized Parameter TLVs to report (INIT ACK only). */
  readonly unrecognized?: readonly Uint8Array[];
}

/**
 * Decode the value of an INIT or INIT ACK chunk.
 * @throws SctpDecodeError `ERR_SCTP_BAD_INIT` when too short (SctpInvalidInitError when the Initiate Tag, OS or MIS
 *   is zero, §3.3.2); `ERR_SCTP_NO_COOKIE` for an INIT ACK without State Cookie; `ERR_SCTP_BAD_PARAM_LENGTH`
 */
export function decodeInit(b: Uint8Array, start: number, end: number, isAck: boolean): InitChunk {
  if (end - start < 16) throw new SctpDecodeError('BAD_INIT', 'INIT chunk shorter than 20 bytes');
  const initiateTag = u32(b, start);
  const arwnd = u32(b, start + 4);
  const outboundStreams = u16(b, start + 8);
  const maxInboundStreams = u16(b, start + 10);
  const initialTsn = u32(b, start + 12);
  // RFC 9260 §3.3.2, §3.3.3: a zero Initiate Tag, OS or MIS is an invalid mandatory parameter.
  if (initiateTag === 0 || outboundStreams === 0 || maxInboundStreams === 0) {
    const field = initiateTag === 0 ? 'Initiate Tag' : outboundStreams === 0 ? 'number of outbound streams' : 'number of inbound streams';
    throw new SctpInvalidInitError(initiateTag, `${isAck ? 'INIT ACK' : 'INIT'} with a zero ${field}`);
  }
  let forwardTsn = false;
  let iData = false;
  let reConfig = false;
  let cookie: Uint8Array | undefined;
  let hostName = false;
  let zeroChecksumEdmid = NO_EDMID;
  const unrecognized: Uint8Array[] = [];
  for (const p of parseTlvs(b, start + 16, end)) {
    switch (p.type) {
      case ParamType.FORWARD_TSN_SUPPORTED:
        forwardTsn = true;
        continue;
      case ParamType.SUPPORTED_EXTENSIONS:
        for (let i = 0; i < p.value.length; i++) {
          if (p.value[i] === ChunkType.FORWARD_TSN) forwardTsn = true;
          if (p.value[i] === ChunkType.I_DATA) iData = true;
          if (p.value[i] === ChunkType.RE_CONFIG) reConfig = true;
        }
        continue;
      case ParamType.STATE_COOKIE:
        if (isAck) cookie = p.value;
        continue;
      case ParamType.HOST_NAME_ADDRESS:
        hostName = true;
        continue;
      case ParamType.ZERO_CHECKSUM_ACCEPTABLE:
        // RFC 9653 §4: the length is 8; a parameter of another length is ignored (nothing is agreed).
        if (p.value.length === 4) zeroChecksumEdmid = u32(p.value, 0);
        continue;
      case ParamType.IPV4_ADDRESS:
      case ParamType.IPV6_ADDRESS:
      case ParamType.COOKIE_PRESERVATIVE:
      case ParamType.SUPPORTED_ADDRESS_TYPES:
      case ParamType.UNRECOGNIZED_PARAMETER:
      case ParamType.ECN_CAPABLE:
      case ParamType.RANDOM:
      case ParamType.CHUNK_LIST:
      case ParamType.HMAC_ALGO:
      case ParamType.PADDING:
      case ParamType.ADAPTATION_LAYER_INDICATION:
        // Understood; single-homed over UDP, no AUTH / ASCONF / ECN: nothing to do.
        continue;
      default: {
        const action = unknownParamAction(p.type);
        if (action.report) unrecognized.push(p.raw);
        if (action.stop) break;
        continue;
      }
    }
    break;
  }
  if (isAck && cookie === undefined) throw new SctpDecodeError('NO_COOKIE', 'INIT ACK without State Cookie');
  return { initiateTag, arwnd, outboundStreams, maxInboundStreams, initialTsn, forwardTsn, iData, reConfig, cookie, zeroChecksumEdmid, hostName, unrecognized };
}

/** Encode an INIT (`isAck` false) or INIT ACK chunk. */
export function encodeInit(f: InitFields, isAck: boolean): Uint8Array {
  const params: Uint8Array[] = [];
  if (f.cookie !== undefined) params.push(encodeTlv(ParamType.STATE_COOKIE, f.cookie));
  const extensions: number[] = [];
  if (f.forwardTsn) extensions.push(ChunkType.FORWARD_TSN);
  if (f.iData === true) extensions.push(ChunkType.I_DATA, ...(f.forwardTsn ? [ChunkType.I_FORWARD_TSN] : []));
  if (f.reConfig === true) extensions.push(ChunkType.RE_CONFIG);
  if (extensions.length > 0) params.push(encodeTlv(ParamType.SUPPORTED_EXTENSIONS, Uint8Array.from(extensions)));
  if (f.forwardTsn) params.push(encodeTlv(ParamType.FORWARD_TSN_SUPPORTED, new Uint8Array(0)));
  if (f.zeroChecksumEdmid !== undefined) {
    const edmid = new Uint8Array(4);
    w32(edmid, 0, f.zeroChecksumEdmid);
    params.push(encodeTlv(ParamType.ZERO_CHECKSUM_ACCEPTABLE, edmid));
  }
  for (const u of f.unrecognized ?? []) params.push(encodeTlv(ParamType.UNRECOGNIZED_PARAMETER, u));
  const tail = concatTlvs(params);
  const out = new Uint8Array(20 + tail.length);
  out[0] = isAck ? ChunkType.INIT_ACK : ChunkType.INIT;
  // §3.2: the chunk length excludes the padding of the last parameter.
  const last = params.length > 0 ? params[params.length - 1] : undefined;
  w16(out, 2, out.length - (last !== undefined ? last.length - u16(last, 2) : 0));
  w32(out, 4, f.initiateTag);
  w32(out, 8, f.arwnd);
  w16(out, 12, f.outboundStreams);
  w16(out, 14, f.maxInboundStreams);
  w32(out, 16, f.initialTsn);
  out.set(tail, 20);
  return out;
}
