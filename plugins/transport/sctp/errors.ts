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

/** The peer aborted the association (RFC 9260 §9.1); `causes` lists the error cause codes it sent. */
export class SctpAbortedError extends ToukitError {
  /** Error cause codes carried in the ABORT chunk (RFC 9260 §3.3.10), e.g. 12 = User-Initiated Abort. */
  readonly causes: readonly number[];

  /** @param causes - the cause codes from the ABORT chunk */
  constructor(causes: readonly number[]) {
    super('ERR_SCTP_ABORTED', `association aborted by peer (causes: ${causes.join(', ') || 'none'})`);
    this.causes = causes;
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

/** The association was aborted because the peer violated the protocol (ABORT cause 13 sent). */
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
