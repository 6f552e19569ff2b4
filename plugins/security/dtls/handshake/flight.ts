/**
 * Flights (RFC 6347 §4.2.4): the messages one side sends together, kept
 * whole so that a retransmission rebuilds fresh records (new sequence
 * numbers, same handshake fragments), packed into datagrams of at most
 * `mtu` bytes.
 *
 * @module
 */
import { ContentType } from '../constants.js';
import { RECORD_HEADER_LENGTH } from '../record/codec.js';
import { HANDSHAKE_HEADER_LENGTH, fragmentHandshake } from './header.js';

/** One entry of a flight: a whole handshake message or a ChangeCipherSpec, and the epoch it is sent in. */
export interface FlightEntry {
  /** Content type (handshake or change_cipher_spec). */
  readonly type: typeof ContentType.handshake | typeof ContentType.change_cipher_spec;
  /** Epoch of the record(s). */
  readonly epoch: number;
  /** Whole handshake message (unfragmented header) or the CCS byte. */
  readonly payload: Uint8Array;
  /** Never fragment (a ClientHello: stateless cookie servers need it whole), even past the mtu. */
  readonly whole?: boolean;
}

/** Seals one record of `type` in `epoch`: returns its parts. */
export type RecordSealer = (type: number, epoch: number, payload: Uint8Array) => Uint8Array[];

/** Per-epoch record expansion (header + protection) in bytes. */
export type RecordExpansion = (epoch: number) => number;

const CCS_PAYLOAD = Uint8Array.of(1);

/** The ChangeCipherSpec entry for a flight. */
export function ccsEntry(epoch: number): FlightEntry {
  return { type: ContentType.change_cipher_spec, epoch, payload: CCS_PAYLOAD };
}

/**
 * Build the datagrams of a flight: handshake messages are fragmented so each
 * record fits `mtu`, and consecutive records share a datagram while they fit.
 */
export function packFlight(
  entries: readonly FlightEntry[],
  mtu: number,
  expansion: RecordExpansion,
  seal: RecordSealer,
): Uint8Array[][] {
  const datagrams: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let size = 0;
  const push = (parts: Uint8Array[], len: number): void => {
    if (size + len > mtu && current.length > 0) {
      datagrams.push(current);
      current = [];
      size = 0;
    }
    for (const p of parts) current.push(p);
    size += len;
  };
  for (const e of entries) {
    const exp = expansion(e.epoch);
    if (e.type === ContentType.change_cipher_spec) {
      push(seal(e.type, e.epoch, e.payload), exp + e.payload.length);
      continue;
    }
    if (e.whole === true) {
      push(seal(e.type, e.epoch, e.payload), exp + e.payload.length);
      continue;
    }
    const room = mtu - size - exp - HANDSHAKE_HEADER_LENGTH;
    const max = Math.max(1, mtu - exp - HANDSHAKE_HEADER_LENGTH);
    // Start the message in the current datagram's remaining room when a useful part fits.
    if (e.payload.length - HANDSHAKE_HEADER_LENGTH > room && room >= 64 && current.length > 0) {
      const first = fragmentHandshake(e.payload, room)[0];
      const rest = fragmentOffsetSplit(e.payload, room, max);
      push(seal(e.type, e.epoch, first), exp + first.length);
      for (const f of rest) push(seal(e.type, e.epoch, f), exp + f.length);
      continue;
    }
    for (const f of fragmentHandshake(e.payload, max)) push(seal(e.type, e.epoch, f), exp + f.length);
  }
  if (current.length > 0) datagrams.push(current);
  return datagrams;
}

/** Fragments of `message` after the first `first` body bytes, each at most `max` body bytes. */
function fragmentOffsetSplit(message: Uint8Array, first: number, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const body = message.subarray(HANDSHAKE_HEADER_LENGTH);
  for (let off = first; off < body.length; off += max) {
    const n = Math.min(max, body.length - off);
    const frag = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
    frag.set(message.subarray(0, 6), 0);
    frag[1] = message[1];
    frag[6] = off >>> 16;
    frag[7] = off >>> 8;
    frag[8] = off;
    frag[9] = n >>> 16;
    frag[10] = n >>> 8;
    frag[11] = n;
    frag.set(body.subarray(off, off + n), HANDSHAKE_HEADER_LENGTH);
    out.push(frag);
  }
  return out;
}

/** Record overhead of a plaintext record. */
export const PLAINTEXT_EXPANSION = RECORD_HEADER_LENGTH;
