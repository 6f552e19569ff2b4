/**
 * Association setup messages (RFC 9260 §5.1): this endpoint's INIT, and
 * the INIT ACK with its State Cookie answering a peer's INIT, shared by
 * the stateless server path and by associations answering an INIT
 * (collision or restart, §5.2).
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import { encodeInit, type InitChunk } from './chunks/init.js';
import type { CookieState } from './cookie.js';
import type { SctpOptions } from './options.js';

/** Encode this endpoint's INIT (RFC 9260 §3.3.2). */
export function buildInit(opts: SctpOptions, localTag: number, initialTsn: number): Uint8Array {
  return encodeInit(
    {
      initiateTag: localTag,
      arwnd: opts.receiveWindow,
      outboundStreams: opts.outboundStreams,
      maxInboundStreams: opts.maxInboundStreams,
      initialTsn,
      forwardTsn: opts.partialReliability,
      iData: opts.interleaving,
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
      cookie,
      unrecognized: init.unrecognized,
    },
    true,
  );
}
