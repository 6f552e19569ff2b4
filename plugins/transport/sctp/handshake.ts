/**
 * Association setup messages (RFC 9260 §5.1): this endpoint's INIT, the
 * INIT ACK with its State Cookie answering a peer's INIT, and the ABORT
 * answering an INIT with an invalid mandatory parameter (§3.3.2), shared
 * by the stateless server path and by associations answering an INIT
 * (collision or restart, §5.2).
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import { ChunkType, FLAG_T } from './chunk-types.js';
import { encodeAbort, encodeEmpty } from './chunks/control.js';
import { decodeInit, encodeInit, type InitChunk } from './chunks/init.js';
import type { CookieState } from './cookie.js';
import { SctpInvalidInitError } from './errors.js';
import type { SctpOptions } from './options.js';
import { CauseCode, EDMID_DTLS } from './params.js';

/**
 * Whether a peer that sent `edmid` in its INIT or INIT ACK takes zero
 * checksums from us (RFC 9653 §5.1): only under DTLS, the one alternate
 * error detection method this endpoint uses, and only when we are secured by it.
 */
export function peerAcceptsZeroChecksum(secured: boolean, edmid: number): boolean {
  return secured && edmid === EDMID_DTLS;
}

/**
 * Encode this endpoint's INIT (RFC 9260 §3.3.2); `secured` (a confidential,
 * authenticated security layer below) announces Zero Checksum Acceptable
 * with the DTLS method (RFC 9653 §4).
 */
export function buildInit(opts: SctpOptions, localTag: number, initialTsn: number, secured = false): Uint8Array {
  return encodeInit(
    {
      initiateTag: localTag,
      arwnd: opts.receiveWindow,
      outboundStreams: opts.outboundStreams,
      maxInboundStreams: opts.maxInboundStreams,
      initialTsn,
      forwardTsn: opts.partialReliability,
      iData: opts.interleaving,
      reConfig: opts.streamReset,
      zeroChecksumEdmid: secured ? EDMID_DTLS : undefined,
    },
    false,
  );
}

/** Who answers an INIT and with which tags (§5.2.1 / §5.2.2 tie-tags are 0 for a new association). */
export interface InitAckParams {
  /** Tag the answering side will use. */
  readonly localTag: number;
  /** Its initial TSN. */
  readonly localInitialTsn: number;
  /** Local SCTP port. */
  readonly localPort: number;
  /** The peer's SCTP port. */
  readonly peerPort: number;
  /** Creation time of the cookie (stack clock, ms). */
  readonly now: number;
  /** Tie-tags naming an existing association (restart), or 0. */
  readonly localTieTag: number;
  /** Peer tie-tag, or 0. */
  readonly peerTieTag: number;
  /** A confidential, authenticated security layer protects the association (RFC 9653 zero checksum). */
  readonly secured: boolean;
}

/** Cookie sealing bound to the peer's address. */
export type CookieSealer = (state: CookieState, peer: PeerAddress) => Uint8Array;

/**
 * Build the INIT ACK answering `init` (RFC 9260 §5.1 B): the negotiated
 * association parameters go into a sealed State Cookie; nothing is kept.
 */
export function buildInitAck(opts: SctpOptions, init: InitChunk, p: InitAckParams, seal: CookieSealer, peer: PeerAddress): Uint8Array {
  const cookie = seal(
    {
      created: p.now,
      lifespan: opts.cookieLifetime,
      localTag: p.localTag,
      peerTag: init.initiateTag,
      localInitialTsn: p.localInitialTsn,
      peerInitialTsn: init.initialTsn,
      peerArwnd: init.arwnd,
      outboundStreams: Math.min(opts.outboundStreams, init.maxInboundStreams),
      inboundStreams: Math.min(opts.maxInboundStreams, init.outboundStreams),
      forwardTsn: opts.partialReliability && init.forwardTsn,
      iData: opts.interleaving && init.iData,
      streamReset: opts.streamReset && init.reConfig,
      zeroChecksum: peerAcceptsZeroChecksum(p.secured, init.zeroChecksumEdmid),
      peerPort: p.peerPort,
      localPort: p.localPort,
      localTieTag: p.localTieTag,
      peerTieTag: p.peerTieTag,
    },
    peer,
  );
  return encodeInit(
    {
      initiateTag: p.localTag,
      arwnd: opts.receiveWindow,
      outboundStreams: opts.outboundStreams,
      maxInboundStreams: opts.maxInboundStreams,
      initialTsn: p.localInitialTsn,
      forwardTsn: opts.partialReliability,
      iData: opts.interleaving,
      reConfig: opts.streamReset,
      zeroChecksumEdmid: p.secured ? EDMID_DTLS : undefined,
      cookie,
      unrecognized: init.unrecognized,
    },
    true,
  );
}

/** Sends `chunk` alone in a packet with verification tag `vtag`. */
export type ChunkReply = (vtag: number, chunk: Uint8Array) => void;

/**
 * The ABORT answering an INIT or INIT ACK with an invalid mandatory
 * parameter: one Invalid Mandatory Parameter cause (RFC 9260 §3.3.10.7);
 * `reflected` sets the T bit (the packet carries the receiver's own tag).
 */
export function invalidInitAbort(reflected: boolean): Uint8Array {
  return encodeAbort(reflected, [{ code: CauseCode.INVALID_MANDATORY_PARAMETER }]);
}

/**
 * Decode the INIT in `p[start, end)` wherever INITs are answered (RFC 9260
 * §3.3.2). An INIT with zero outbound or inbound streams is discarded once
 * an ABORT ({@link invalidInitAbort}) has gone to `reply` with the INIT's
 * Initiate Tag as Verification Tag; one with a zero Initiate Tag is
 * discarded silently. No association changes state; the caller counts the
 * drop of the error rethrown.
 * @throws SctpInvalidInitError for an invalid mandatory parameter; SctpDecodeError for another malformed INIT
 */
export function decodeInitOrAbort(p: Uint8Array, start: number, end: number, reply: ChunkReply): InitChunk {
  try {
    return decodeInit(p, start, end, false);
  } catch (err) {
    if (err instanceof SctpInvalidInitError && err.initiateTag !== 0) reply(err.initiateTag, invalidInitAbort(false));
    throw err;
  }
}

/**
 * The answer to an out-of-the-blue packet whose first chunk has type
 * `type` (RFC 9260 §8.4; INIT and COOKIE ECHO, rules 3 and 4, are setup's),
 * to send with the packet's own verification tag, or null to discard it
 * silently: ABORT, SHUTDOWN COMPLETE, COOKIE ACK and ERROR (rules 2, 6, 7);
 * SHUTDOWN ACK gets SHUTDOWN COMPLETE (rule 5) and anything else ABORT
 * (rule 8), both with the T bit (the tag is the receiver's own).
 */
export function outOfTheBlueAnswer(type: number): Uint8Array | null {
  switch (type) {
    case ChunkType.ABORT:
    case ChunkType.SHUTDOWN_COMPLETE:
    case ChunkType.COOKIE_ACK:
    case ChunkType.ERROR:
      return null;
    case ChunkType.SHUTDOWN_ACK:
      return encodeEmpty(ChunkType.SHUTDOWN_COMPLETE, FLAG_T);
    default:
      return encodeAbort(true, []);
  }
}
