/**
 * The records of the sending side: a queued message, a DATA / I-DATA chunk
 * awaiting acknowledgement (RFC 9260 §6.1, §6.3), and what one SACK did.
 *
 * @module
 */

/** One user message on its way out. */
export interface OutMessage {
  /** Stream id. */
  readonly stream: number;
  /** Payload protocol identifier. */
  readonly ppid: number;
  /** Unordered delivery. */
  readonly unordered: boolean;
  /** The message bytes. */
  readonly data: Uint8Array;
  /** PR-SCTP: abandon after this many retransmissions (−1: never). */
  readonly maxRetransmits: number;
  /** PR-SCTP: abandon at this time in ms (Infinity: never). */
  readonly expiresAt: number;
  /** Stream sequence number (DATA) or Message Identifier (I-DATA), assigned when the first fragment gets its TSN. */
  ssn: number;
  /** Next Fragment Sequence Number (I-DATA). */
  fsn?: number;
  /** Bytes already fragmented into chunks. */
  offset: number;
  /** Abandoned (RFC 3758). */
  abandoned: boolean;
}

/** One DATA chunk sent and not yet cumulatively acknowledged. */
export interface OutChunk {
  /** TSN. */
  readonly tsn: number;
  /** The message it belongs to. */
  readonly msg: OutMessage;
  /** DATA flags (U, B, E). */
  readonly flags: number;
  /** Fragment Sequence Number (I-DATA; 0 with DATA). */
  readonly fsn: number;
  /** The fragment (a view into the message). */
  readonly data: Uint8Array;
  /** Chunk bytes counted in flight (header + data). */
  readonly size: number;
  /** Last send time (ms). */
  sentAt: number;
  /** Number of transmissions so far. */
  transmissions: number;
  /** Gap-acknowledged by the last SACK. */
  acked: boolean;
  /** Counted in bytes in flight. */
  inFlight: boolean;
  /** Marked for retransmission. */
  retransmit: boolean;
  /** Miss indications (§7.2.4). */
  misses: number;
  /** Already fast-retransmitted once. */
  fastRetransmitted: boolean;
  /** Abandoned (PR-SCTP). */
  abandoned: boolean;
}

/** What one SACK did, for congestion control and timers (reused object). */
export interface SackOutcome {
  /** The SACK was older than the current cumulative ack: ignored. */
  stale: boolean;
  /** The SACK acknowledged a TSN never sent (protocol violation). */
  invalid: boolean;
  /** The cumulative TSN ack point advanced. */
  cumAdvanced: boolean;
  /** Bytes newly acknowledged (cumulatively or by gap blocks). */
  ackedBytes: number;
  /** Bytes in flight before processing. */
  priorInFlight: number;
  /** RTT sample in ms from a chunk sent once (Karn), or −1. */
  rttSample: number;
  /** Chunks newly marked for fast retransmit. */
  fastRetransmits: number;
  /** Data bytes of those chunks. */
  lostBytes: number;
  /** Latest send time of those chunks. */
  largestLostSentAt: number;
  /** Newly acknowledged chunks (reused array; valid until the next SACK). */
  readonly acked: OutChunk[];
}
