/**
 * Records of the receiving side of an association (see `Inbound`): held
 * fragments, messages and per-stream state.
 *
 * @module
 */
import type { MessageInfo } from '../../../core/contracts/transport.js';
import type { DataChunk } from './chunks/data.js';

/**
 * A DATA fragment waiting for the rest of its message (RFC 9260 §6.9): a
 * copy of the decoded chunk's fields, since the decoded chunk is scratch
 * that the next chunk overwrites.
 */
export type Fragment = DataChunk;

/** An I-DATA message being reassembled, by FSN (RFC 8260 §2.1). */
export interface IPartial {
  /** Payload protocol identifier (carried by the first fragment only). */
  ppid: number;
  /** Fragments by FSN. */
  readonly parts: Map<number, Uint8Array>;
  /** FSN of the last fragment (E bit), −1 until it has arrived. */
  last: number;
  /** Bytes held so far. */
  bytes: number;
}

/** A complete message and how it is delivered. */
export interface Message {
  /** The message bytes. */
  readonly data: Uint8Array;
  /** Stream, PPID and ordering, as delivered. */
  readonly info: MessageInfo;
}

/** An ordered message held during a deferred stream reset (RFC 6525 §5.2.2). */
export interface Deferred {
  /** TSN of its last chunk. */
  readonly tsn: number;
  /** Stream id. */
  readonly stream: number;
  /** Stream sequence number, or the MID for I-DATA. */
  readonly ssn: number;
  /** Payload protocol identifier. */
  readonly ppid: number;
  /** Whether it came in I-DATA chunks. */
  readonly iData: boolean;
  /** The message bytes. */
  readonly data: Uint8Array;
}

/** Receive state of one inbound stream (RFC 9260 §6.6). */
export class InStream {
  /** Next expected stream sequence number. */
  nextSsn = 0;
  /** Next expected ordered Message Identifier (I-DATA). */
  nextMid = 0;
  /** Complete ordered I-DATA messages waiting for earlier MIDs. */
  readonly pendingMid = new Map<number, Message>();
  /** Complete ordered messages waiting for earlier SSNs. */
  readonly pending = new Map<number, Message>();
  /** Messages delivered on this stream. */
  delivered = 0;
  /** Bytes delivered on this stream. */
  bytes = 0;
}

/** Per-stream receive counters in stats. */
export interface InStreamStats {
  /** Stream id. */
  readonly stream: number;
  /** Messages delivered. */
  readonly messages: number;
  /** Bytes delivered. */
  readonly bytes: number;
}
