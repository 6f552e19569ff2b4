/**
 * TCP header codec (RFC 9293 §3.1): ports, sequence and acknowledgment
 * numbers, data offset, flags (CWR, ECE, URG, ACK, PSH, RST, SYN, FIN),
 * window, checksum, urgent pointer and options (see `options.ts`).
 *
 * {@link parseTcpHeader} fills a caller-owned {@link TcpHeader} (no
 * allocation per segment); {@link serializeTcpHeader} writes a header into
 * a fresh buffer with the checksum field zero (see `checksum.ts`).
 *
 * @module
 */
import { TcpBadDataOffsetError, TcpTruncatedError } from './errors.js';
import { emptyTcpOptions, parseTcpOptions, tcpOptionsLength, writeTcpOptions } from './options.js';
import type { TcpOptions, TcpOptionsInit } from './options.js';

/** Length of the fixed TCP header in bytes (RFC 9293 §3.1). */
export const TCP_HEADER_MIN = 20;

/** Largest TCP header (Data Offset 15 words) in bytes. */
export const TCP_HEADER_MAX = 60;

/** Flag bits of header byte 13 (RFC 9293 §3.1, RFC 3168 §6.1). */
export const TcpFlags = {
  /** No more data from sender. */
  FIN: 0x01,
  /** Synchronize sequence numbers. */
  SYN: 0x02,
  /** Reset the connection. */
  RST: 0x04,
  /** Push function. */
  PSH: 0x08,
  /** Acknowledgment field is significant. */
  ACK: 0x10,
  /** Urgent pointer field is significant. */
  URG: 0x20,
  /** ECN-Echo (RFC 3168). */
  ECE: 0x40,
  /** Congestion Window Reduced (RFC 3168). */
  CWR: 0x80,
} as const;

/** A decoded TCP header. */
export interface TcpHeader {
  /** Source port. */
  srcPort: number;
  /** Destination port. */
  dstPort: number;
  /** Sequence number (SEG.SEQ), unsigned 32 bit. */
  seq: number;
  /** Acknowledgment number (SEG.ACK), unsigned 32 bit. */
  ack: number;
  /** Header length in bytes (Data Offset × 4). */
  headerLength: number;
  /** Flag byte (see {@link TcpFlags}). */
  flags: number;
  /** Window field as sent (unscaled). */
  window: number;
  /** Checksum field. */
  checksum: number;
  /** Urgent pointer. */
  urgent: number;
  /** Decoded options. */
  options: TcpOptions;
}

/** A fresh header object to reuse with {@link parseTcpHeader}. */
export function emptyTcpHeader(): TcpHeader {
  return {
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    headerLength: TCP_HEADER_MIN,
    flags: 0,
    window: 0,
    checksum: 0,
    urgent: 0,
    options: emptyTcpOptions(),
  };
}

/**
 * Parse the TCP header at the start of `b` into `out` (a fresh object when omitted).
 * The payload is `b.subarray(out.headerLength)`.
 * @throws TcpTruncatedError when `b` is shorter than 20 bytes
 * @throws TcpBadDataOffsetError when Data Offset < 5 or past the end
 * @throws TcpBadOptionError on a malformed option
 */
export function parseTcpHeader(b: Uint8Array, out: TcpHeader = emptyTcpHeader()): TcpHeader {
  if (b.length < TCP_HEADER_MIN) throw new TcpTruncatedError(b.length);
  const words = b[12] >>> 4;
  const hlen = words << 2;
  if (words < 5 || hlen > b.length) throw new TcpBadDataOffsetError(words, b.length);
  out.srcPort = (b[0] << 8) | b[1];
  out.dstPort = (b[2] << 8) | b[3];
  out.seq = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
  out.ack = ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
  out.headerLength = hlen;
  out.flags = b[13];
  out.window = (b[14] << 8) | b[15];
  out.checksum = (b[16] << 8) | b[17];
  out.urgent = (b[18] << 8) | b[19];
  parseTcpOptions(b, TCP_HEADER_MIN, hlen, out.options);
  return out;
}

/** Fields of an outgoing header. */
export interface TcpHeaderInit {
  /** Source port. */
  srcPort: number;
  /** Destination port. */
  dstPort: number;
  /** Sequence number (any integer; written modulo 2^32). */
  seq: number;
  /** Acknowledgment number (any integer; written modulo 2^32). */
  ack: number;
  /** Flag byte. */
  flags: number;
  /** Window field (already scaled down, 0..65535). */
  window: number;
  /** Urgent pointer (normally 0). */
  urgent?: number;
  /** Options to include, if any. */
  options?: TcpOptionsInit;
}

/**
 * Serialize a header (checksum field zero) into a new buffer of exactly
 * `20 + options` bytes.
 */
export function serializeTcpHeader(h: TcpHeaderInit): Uint8Array {
  const optLen = h.options === undefined ? 0 : tcpOptionsLength(h.options);
  const b = new Uint8Array(TCP_HEADER_MIN + optLen);
  b[0] = h.srcPort >>> 8;
  b[1] = h.srcPort;
  b[2] = h.dstPort >>> 8;
  b[3] = h.dstPort;
  const seq = h.seq >>> 0;
  b[4] = seq >>> 24;
  b[5] = seq >>> 16;
  b[6] = seq >>> 8;
  b[7] = seq;
  const ack = h.ack >>> 0;
  b[8] = ack >>> 24;
  b[9] = ack >>> 16;
  b[10] = ack >>> 8;
  b[11] = ack;
  b[12] = ((TCP_HEADER_MIN + optLen) >>> 2) << 4;
  b[13] = h.flags;
  b[14] = h.window >>> 8;
  b[15] = h.window;
  const urg = h.urgent ?? 0;
  b[18] = urg >>> 8;
  b[19] = urg;
  if (h.options !== undefined && optLen > 0) writeTcpOptions(b, TCP_HEADER_MIN, h.options);
  return b;
}

/** Read the (source, destination) ports of a segment without full parsing. */
export function readTcpPorts(b: Uint8Array): { srcPort: number; dstPort: number } {
  if (b.length < TCP_HEADER_MIN) throw new TcpTruncatedError(b.length);
  return { srcPort: (b[0] << 8) | b[1], dstPort: (b[2] << 8) | b[3] };
}
