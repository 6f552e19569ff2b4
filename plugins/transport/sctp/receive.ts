/**
 * The receive path of an association (RFC 9260 §6.8, §8.5, §3.2): CRC32c
 * (or a zero checksum after announcing it, RFC 9653 §5.2) and verification
 * tag checks, then each chunk of the packet dispatched to setup, the
 * receiver, the sender, heartbeats or shutdown; unknown chunks by the
 * two-bit rule, and DATA / FORWARD-TSN of the kind not negotiated (plain
 * vs I-DATA, RFC 8260) as a protocol violation; the SACK decision once
 * the packet is read.
 *
 * @module
 */
import { pad4 } from './bytes.js';
import { ChunkType, FLAG_T } from './chunk-types.js';
import { decodeCauses, decodeHeartbeat, decodeShutdown, encodeError, encodeHeartbeatAck, type ErrorCause } from './chunks/control.js';
import { decodeInit, type InitChunk } from './chunks/init.js';
import { decodeReconfig } from './chunks/reconfig.js';
import {
  SctpAbortedError,
  SctpDecodeError,
  SctpInvalidInitError,
  SctpMessageTooLargeError,
  SctpProtocolViolationError,
  SctpReceiveWindowExhaustedError,
} from './errors.js';
import { decodeInitOrAbort } from './handshake.js';
import { checkPacket, packetVtag } from './packet.js';
import { CauseCode, unknownChunkAction } from './params.js';
import { DataVerdict, type Receiver } from './receiver.js';
import type { SctpAssociation } from './association.js';
import { tracePacketReceived } from './trace.js';

/**
 * Handle one packet for association `a`.
 * @throws SctpDecodeError for malformed packets (the association counts them as drops)
 */
export function receivePacket(a: SctpAssociation, p: Uint8Array): void {
  // RFC 9653 §5.2: having announced Zero Checksum Acceptable (only under DTLS), take zero checksums too.
  checkPacket(p, a.secured);
  if (a.ctx.tracer.enabled) tracePacketReceived(a.ctx.tracer, p);
  const vtag = packetVtag(p);
  const r = a.reader;
  r.reset(p);
  if (!r.next()) throw new SctpDecodeError('NO_CHUNKS', 'packet without chunks');
  // §8.5.1 special cases; otherwise the tag must be our own.
  if (r.type === ChunkType.INIT) {
    if (vtag !== 0) return void a.drop('sctp_bad_vtag');
    if (pad4(r.valueEnd) < p.length) return void a.drop('sctp_init_bundled');
    // §3.3.2: an INIT with an invalid mandatory parameter gets an ABORT with its own tag; the association stays as it is.
    return a.setup.onInit(decodeInitOrAbort(p, r.valueStart, r.valueEnd, (tag, chunk) => a.sendControl(tag, chunk)));
  }
  if (r.type === ChunkType.ABORT || r.type === ChunkType.SHUTDOWN_COMPLETE) {
    const reflected = (r.flags & FLAG_T) !== 0;
    if (reflected ? vtag !== a.peerTag || a.peerTag === 0 : vtag !== a.localTag) return void a.drop('sctp_bad_vtag');
  } else if (vtag !== a.localTag) {
    return void a.drop('sctp_bad_vtag');
  }
  a.packetsReceived++;
  let hadData = false;
  let immediate = false;
  const unrecognized = a.unrecognized;
  if (unrecognized.length !== 0) unrecognized.length = 0;
  do {
    switch (r.type) {
      case ChunkType.DATA:
      case ChunkType.I_DATA:
        if (a.rx === null) break;
        // RFC 8260 §2.2: DATA once I-DATA was negotiated, or I-DATA when it was not, is a protocol violation.
        if ((r.type === ChunkType.I_DATA) !== a.iDataOk) return wrongDataKind(a, r.type === ChunkType.I_DATA ? 'I-DATA' : 'DATA');
        hadData = true;
        if (onData(a, p)) immediate = true;
        break;
      case ChunkType.SACK:
        a.tx?.onSack(p, r.valueStart, r.valueEnd);
        break;
      case ChunkType.INIT_ACK:
        a.setup.onInitAck(decodeInitAck(a, p));
        break;
      case ChunkType.COOKIE_ECHO:
        a.setup.onCookieEcho(r.value());
        break;
      case ChunkType.COOKIE_ACK:
        a.setup.onCookieAck();
        break;
      case ChunkType.HEARTBEAT:
        if (a.peerTag !== 0) a.queueControl(encodeHeartbeatAck(decodeHeartbeat(p, r.valueStart, r.valueEnd).tlv));
        break;
      case ChunkType.HEARTBEAT_ACK:
        a.heartbeat.onAck(decodeHeartbeat(p, r.valueStart, r.valueEnd).info);
        break;
      case ChunkType.ABORT:
        return a.finish(abortedError(decodeCauses(p, r.valueStart, r.valueEnd)));
      case ChunkType.SHUTDOWN:
        a.shutdown.onShutdown(decodeShutdown(p, r.valueStart, r.valueEnd));
        break;
      case ChunkType.SHUTDOWN_ACK:
        a.shutdown.onShutdownAck();
        break;
      case ChunkType.SHUTDOWN_COMPLETE:
        if (a.state === 'SHUTDOWN-ACK-SENT') return a.finish();
        break;
      case ChunkType.ERROR:
        a.onError(decodeCauses(p, r.valueStart, r.valueEnd));
        break;
      case ChunkType.FORWARD_TSN:
      case ChunkType.I_FORWARD_TSN:
        if (!a.forwardTsnOk || a.rx === null) {
          // PR-SCTP not negotiated: an unknown chunk (RFC 3758 §3.6).
          if (unknownChunk(a, p, unrecognized)) return afterData(a, hadData, immediate);
          break;
        }
        // RFC 8260 §2.3.1: FORWARD-TSN goes with DATA only, I-FORWARD-TSN with I-DATA only.
        if ((r.type === ChunkType.I_FORWARD_TSN) !== a.iDataOk) return wrongDataKind(a, r.type === ChunkType.I_FORWARD_TSN ? 'I-FORWARD-TSN' : 'FORWARD-TSN');
        if (a.iDataOk) a.rx.onIForwardTsn(p, r.valueStart, r.valueEnd);
        else a.rx.onForwardTsn(p, r.valueStart, r.valueEnd);
        break;
      case ChunkType.RE_CONFIG:
        if (a.reconfig !== null) {
          a.reconfig.onChunk(decodeReconfig(p, r.valueStart, r.valueEnd));
          break;
        }
        // Not negotiated: an unknown chunk (RFC 6525 §3.1, RFC 9260 §3.2).
        if (unknownChunk(a, p, unrecognized)) return afterData(a, hadData, immediate);
        break;
      default:
        if (unknownChunk(a, p, unrecognized)) return afterData(a, hadData, immediate);
    }
    if (a.closedOnce) return;
  } while (r.next());
  reportUnrecognized(a, unrecognized);
  afterData(a, hadData, immediate);
}

/**
 * Decode the INIT ACK at the reader; one with an invalid mandatory parameter goes to setup
 * first (§3.3.3: in COOKIE-WAIT it destroys the association) and is dropped.
 * @throws SctpInvalidInitError, SctpDecodeError
 */
function decodeInitAck(a: SctpAssociation, p: Uint8Array): InitChunk {
  const r = a.reader;
  try {
    return decodeInit(p, r.valueStart, r.valueEnd, true);
  } catch (err) {
    if (err instanceof SctpInvalidInitError) a.setup.onInvalidInitAck(err);
    throw err;
  }
}

/** The error of an ABORT received with `causes`, with a Protocol Violation's Additional Information when it is text (§3.3.10.13). */
function abortedError(causes: readonly { code: number; info: Uint8Array }[]): SctpAbortedError {
  const pv = causes.find((c) => c.code === CauseCode.PROTOCOL_VIOLATION && c.info.length > 0);
  let detail: string | undefined;
  if (pv !== undefined) {
    // Printable text only: a peer may put anything there.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(pv.info.subarray(0, 200)).replace(/\0+$/, '');
    if (/^[\x20-\x7e]+$/.test(text)) detail = text;
  }
  return new SctpAbortedError(causes.map((c) => c.code), detail);
}

/**
 * A DATA / FORWARD-TSN chunk of the kind the association did not negotiate
 * (plain vs I-DATA, RFC 8260 §2.2, §2.3.1): ABORT with a Protocol
 * Violation cause naming it (RFC 9260 §3.3.10.13), and close.
 */
function wrongDataKind(a: SctpAssociation, chunk: 'DATA' | 'I-DATA' | 'FORWARD-TSN' | 'I-FORWARD-TSN'): void {
  const text = `${chunk} chunk on an association that ${a.iDataOk ? 'uses I-DATA' : 'did not negotiate I-DATA'}`;
  a.abortWith(CauseCode.PROTOCOL_VIOLATION, new SctpProtocolViolationError(text), new TextEncoder().encode(text));
}

/** Unknown chunk type (§3.2 two-bit rule); returns true when processing must stop. */
function unknownChunk(a: SctpAssociation, p: Uint8Array, unrecognized: ErrorCause[]): boolean {
  const r = a.reader;
  const action = unknownChunkAction(r.type);
  if (action.report) unrecognized.push({ code: CauseCode.UNRECOGNIZED_CHUNK, info: p.slice(r.start, r.valueEnd) });
  if (!action.stop) return false;
  a.drop('sctp_unknown_chunk');
  reportUnrecognized(a, unrecognized);
  return true;
}

/** Report unrecognized chunks in one ERROR (§3.2), once the peer's tag is known. */
function reportUnrecognized(a: SctpAssociation, causes: ErrorCause[]): void {
  if (causes.length > 0 && a.peerTag !== 0) a.queueControl(encodeError(causes));
}

/** One DATA or I-DATA chunk; true when a SACK should go out now. */
function onData(a: SctpAssociation, p: Uint8Array): boolean {
  const r = a.reader;
  if (a.state === 'SHUTDOWN-RECEIVED' || a.state === 'SHUTDOWN-ACK-SENT') {
    a.drop('sctp_data_after_shutdown');
    return true;
  }
  let v;
  try {
    const rx = a.rx as Receiver;
    v = r.type === ChunkType.I_DATA ? rx.onIData(p, r.start, r.valueEnd, r.flags) : rx.onData(p, r.start, r.valueEnd, r.flags);
  } catch (err) {
    if (err instanceof SctpDecodeError && err.code === 'ERR_SCTP_NO_USER_DATA') {
      // §6.2: ABORT with "No User Data" carrying the TSN.
      a.abortWith(CauseCode.NO_USER_DATA, new SctpProtocolViolationError('DATA chunk without user data'), p.slice(r.start + 4, r.start + 8));
    }
    throw err;
  }
  if (v === DataVerdict.TooLarge || v === DataVerdict.WindowExhausted) {
    abortOverLimit(a, (a.rx as Receiver).limitError as SctpMessageTooLargeError | SctpReceiveWindowExhaustedError);
    return false;
  }
  return v === DataVerdict.SackNow;
}

/**
 * The receiver cannot hold what the peer sends: ABORT and close with `err`.
 * A message over `maxMessageSize` is answered with a Protocol Violation
 * cause whose Additional Information names the limit (RFC 9260
 * §3.3.10.13), so that the sender's error says why; incomplete messages
 * filling the window, with Out of Resource (§3.3.10.4).
 */
function abortOverLimit(a: SctpAssociation, err: SctpMessageTooLargeError | SctpReceiveWindowExhaustedError): void {
  if (err instanceof SctpReceiveWindowExhaustedError) return a.abortWith(CauseCode.OUT_OF_RESOURCE, err);
  const text = `message of at least ${err.size} bytes exceeds the receiver's maxMessageSize (${err.limit} bytes)`;
  a.abortWith(CauseCode.PROTOCOL_VIOLATION, err, new TextEncoder().encode(text));
}

/** After the chunks of a packet: a deferred stream reset, SHUTDOWN answers in SHUTDOWN-SENT (§9.2), else delivery and the delayed-SACK decision. */
function afterData(a: SctpAssociation, hadData: boolean, immediate: boolean): void {
  const rx = a.rx;
  if (a.closedOnce || rx === null) return;
  // RFC 6525 §5.2.2: a deferred stream reset is performed once the cumulative TSN reaches its last assigned TSN.
  a.reconfig?.checkDeferred();
  if (hadData && a.state === 'SHUTDOWN-SENT') {
    // §9.2: answer each DATA packet with SHUTDOWN (it carries the cum TSN) and restart T2.
    rx.inbound.flush();
    a.shutdown.onDataWhileShutdownSent(rx.map.cumTsn);
    return;
  }
  rx.afterPacket(hadData, immediate, a.now());
}
