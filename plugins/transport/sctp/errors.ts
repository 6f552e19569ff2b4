/**
 * Typed errors of the SCTP transport: decode errors (dropped and counted),
 * and the errors an association closes with (peer abort, peer unreachable).
 *
 * @module
 */
import { DecodeError, TimeoutError, ToukitError } from '../../../core/errors.js';

/**
 * A malformed SCTP packet, chunk or parameter (RFC 9260 §3). The packet is
 * dropped and counted under {@link DecodeError.reason} (e.g. `sctp_bad_crc`).
 */
export class SctpDecodeError extends DecodeError {
  /**
   * @param what - upper-case suffix of the code (`BAD_CRC` ⇒ `ERR_SCTP_BAD_CRC`, reason `sctp_bad_crc`)
   * @param message - human-readable description
   */
  constructor(what: string, message: string) {
    super(`ERR_SCTP_${what}`, `sctp_${what.toLowerCase()}`, message);
  }
}

/**
 * An INIT or INIT ACK with an invalid mandatory parameter (RFC 9260 §3.3.2,
 * §3.3.3): a zero Initiate Tag, zero outbound streams (OS) or zero inbound
 * streams (MIS). Like any malformed INIT it is dropped and counted as
 * `sctp_bad_init` (code `ERR_SCTP_BAD_INIT`); the receiver answers it with
 * an ABORT carrying an Invalid Mandatory Parameter cause (§3.3.10.7),
 * addressed with {@link SctpInvalidInitError.initiateTag} unless that is 0.
 */
export class SctpInvalidInitError extends SctpDecodeError {
  /** The chunk's Initiate Tag (0 when that is the invalid field). */
  readonly initiateTag: number;

  /**
   * @param initiateTag - the Initiate Tag of the chunk
   * @param message - which field is invalid
   */
  constructor(initiateTag: number, message: string) {
    super('BAD_INIT', message);
    this.initiateTag = initiateTag;
  }
}

/** Names of the error causes of RFC 9260 §3.3.10, for messages. */
const CAUSE_NAMES: Readonly<Record<number, string>> = {
  1: 'Invalid Stream Identifier',
  2: 'Missing Mandatory Parameter',
  3: 'Stale Cookie',
  4: 'Out of Resource',
  5: 'Unresolvable Address',
  6: 'Unrecognized Chunk Type',
  7: 'Invalid Mandatory Parameter',
  8: 'Unrecognized Parameters',
  9: 'No User Data',
  10: 'Cookie Received While Shutting Down',
  11: 'Restart of an Association with New Addresses',
  12: 'User-Initiated Abort',
  13: 'Protocol Violation',
};

/**
 * The peer aborted the association (RFC 9260 §9.1); `causes` lists the error
 * cause codes it sent, and the message names them (with the Additional
 * Information of a Protocol Violation cause, §3.3.10.13, when it is text).
 */
export class SctpAbortedError extends ToukitError {
  /** Error cause codes carried in the ABORT chunk (RFC 9260 §3.3.10), e.g. 12 = User-Initiated Abort. */
  readonly causes: readonly number[];
  /** The peer's diagnostic text (Protocol Violation Additional Information, §3.3.10.13), if it sent one. */
  readonly detail: string | undefined;

  /**
   * @param causes - the cause codes from the ABORT chunk
   * @param detail - the peer's diagnostic text, if any
   */
  constructor(causes: readonly number[], detail?: string) {
    const named = causes.map((c) => (CAUSE_NAMES[c] !== undefined ? `${c} ${CAUSE_NAMES[c]}` : String(c))).join(', ');
    super('ERR_SCTP_ABORTED', `association aborted by peer (causes: ${named || 'none'})${detail !== undefined ? `: ${detail}` : ''}`);
    this.causes = causes;
    this.detail = detail;
  }
}

/**
 * The peer stopped answering: Association.Max.Retrans consecutive
 * retransmission or heartbeat timeouts (RFC 9260 §8.1), or
 * Max.Init.Retransmits during setup (RFC 9260 §5.1).
 */
export class SctpPeerUnreachableError extends TimeoutError {
  /** @param message - which limit was reached */
  constructor(message: string) {
    super('ERR_SCTP_PEER_UNREACHABLE', message);
  }
}

/**
 * The association was aborted because the peer violated the protocol: ABORT with a Protocol Violation
 * cause (13), or with the cause naming the fault (Unresolvable Address for a Host Name Address
 * parameter, RFC 9260 §5.1.2; Invalid Mandatory Parameter for an INIT ACK with a zero Initiate Tag,
 * OS or MIS, §3.3.3).
 */
export class SctpProtocolViolationError extends ToukitError {
  /** @param message - what the peer did */
  constructor(message: string) {
    super('ERR_SCTP_PROTOCOL_VIOLATION', message);
  }
}

/** A send on a stream that does not exist (stream id ≥ negotiated outbound streams). */
export class SctpInvalidStreamError extends ToukitError {
  /** @param stream - the rejected stream id; @param limit - number of outbound streams */
  constructor(stream: number, limit: number) {
    super('ERR_SCTP_INVALID_STREAM', `stream ${stream} is not below the ${limit} negotiated outbound streams`);
  }
}

/** The peer restarted the association (RFC 9260 §5.2.4 action A); the old association ends with this error. */
export class SctpPeerRestartedError extends ToukitError {
  constructor() {
    super('ERR_SCTP_PEER_RESTARTED', 'peer restarted the association');
  }
}

/**
 * An incoming message grew larger than this endpoint's `maxMessageSize`
 * while it was reassembled: the association was aborted (ABORT with a
 * Protocol Violation cause whose text names the limit, RFC 9260 §3.3.10.13).
 * Messages are delivered whole, so the receiver cannot hold a larger one.
 */
export class SctpMessageTooLargeError extends ToukitError {
  /** Bytes of the message received so far (a lower bound until its last fragment arrived). */
  readonly size: number;
  /** The `maxMessageSize` option of this endpoint, in bytes. */
  readonly limit: number;

  /**
   * @param size - bytes of the message received so far
   * @param limit - this endpoint's `maxMessageSize`
   * @param stream - the stream the message came on
   */
  constructor(size: number, limit: number, stream: number) {
    super(
      'ERR_SCTP_MESSAGE_TOO_LARGE',
      `incoming message on stream ${stream} of at least ${size} bytes exceeds maxMessageSize (${limit} bytes): ` +
        'the peer must send smaller messages, or this side needs larger maxMessageSize and receiveWindow options',
    );
    this.size = size;
    this.limit = limit;
  }
}

/**
 * Incomplete messages filled this endpoint's whole receive window and none
 * of them could complete (their next fragments no longer fit): the
 * association was aborted with an Out of Resource cause (RFC 9260
 * §3.3.10.4) instead of stalling until the peer gives up. Only concurrent
 * interleaved messages (I-DATA, RFC 8260) from a peer that does not bound
 * them get here; one message larger than the window ends with
 * {@link SctpMessageTooLargeError}, as `receiveWindow ≥ maxMessageSize`.
 */
export class SctpReceiveWindowExhaustedError extends ToukitError {
  /** The `receiveWindow` option of this endpoint, in bytes. */
  readonly limit: number;

  /**
   * @param held - bytes of incomplete messages held
   * @param limit - this endpoint's `receiveWindow`
   */
  constructor(held: number, limit: number) {
    super(
      'ERR_SCTP_RECEIVE_WINDOW_EXHAUSTED',
      `incomplete messages (${held} bytes) fill receiveWindow (${limit} bytes) and none can complete: ` +
        'the peer interleaves more large messages than this side can hold; raise receiveWindow or send fewer at once',
    );
    this.limit = limit;
  }
}
