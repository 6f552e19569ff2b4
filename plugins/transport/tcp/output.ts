/**
 * Segment emission: builds the header (with options), the checksum over
 * the outer-address pseudo-header and hands header + payload to
 * `sendDown` as two parts (no concatenation).
 *
 * @module
 */
import type { Tracer } from '../../../core/trace/tracer.js';
import { writeTcpChecksum } from './checksum.js';
import { serializeTcpHeader, TcpFlags } from './header.js';
import type { TcpHeaderInit } from './header.js';
import type { TcpOptionsInit } from './options.js';
import type { PseudoHeader } from './addresses.js';

const EMPTY = new Uint8Array(0);

/** Human-readable flag list for traces (`SYN|ACK`). */
export function flagNames(flags: number): string {
  const out: string[] = [];
  if (flags & TcpFlags.SYN) out.push('SYN');
  if (flags & TcpFlags.FIN) out.push('FIN');
  if (flags & TcpFlags.RST) out.push('RST');
  if (flags & TcpFlags.PSH) out.push('PSH');
  if (flags & TcpFlags.ACK) out.push('ACK');
  if (flags & TcpFlags.URG) out.push('URG');
  if (flags & TcpFlags.ECE) out.push('ECE');
  if (flags & TcpFlags.CWR) out.push('CWR');
  return out.join('|');
}

/** Where segments go. */
export interface SegmentSink {
  /** Send one datagram made of `parts`. */
  sendDown(parts: readonly Uint8Array[]): void;
}

/** Writes segments for one connection (fixed ports and pseudo-header addresses). */
export class SegmentWriter {
  /** Reused header fields (the header itself is a fresh buffer per segment). */
  private readonly h: TcpHeaderInit;
  /** Segments sent. */
  segmentsSent = 0;
  /** Our window-scale shift once negotiated (RFC 7323 §2.3): traces give the window in bytes. */
  windowShift = 0;

  /**
   * @param sink - where datagrams go
   * @param srcPort - local TCP port
   * @param dstPort - remote TCP port
   * @param pseudo - pseudo-header addresses, or undefined for `checksum: 'none'` (checksum field left zero)
   * @param tracer - connection tracer
   */
  constructor(
    private readonly sink: SegmentSink,
    srcPort: number,
    dstPort: number,
    private readonly pseudo: PseudoHeader | undefined,
    private readonly tracer: Tracer,
  ) {
    this.h = { srcPort, dstPort, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, options: undefined };
  }

  /**
   * Send one segment.
   * @param seq - SEG.SEQ (unwrapped or wire; written modulo 2^32)
   * @param ack - SEG.ACK
   * @param flags - flag byte
   * @param window - window field (already scaled)
   * @param options - options, if any
   * @param payload - data, if any
   */
  send(seq: number, ack: number, flags: number, window: number, options: TcpOptionsInit | undefined, payload?: Uint8Array): void {
    const h = this.h;
    h.seq = seq;
    h.ack = ack;
    h.flags = flags;
    h.window = window;
    h.options = options;
    const header = serializeTcpHeader(h);
    const parts = payload !== undefined && payload.length > 0 ? [header, payload] : [header];
    if (this.pseudo !== undefined) writeTcpChecksum(this.pseudo.source, this.pseudo.peer, parts);
    this.segmentsSent++;
    if (this.tracer.enabled) {
      this.tracer.emit('packet_sent', {
        seq: seq >>> 0,
        ack: ack >>> 0,
        flags: flagNames(flags),
        window: flags & TcpFlags.SYN ? window : window * 2 ** this.windowShift, // bytes (the SYN's field is never scaled)
        length: (payload ?? EMPTY).length,
      });
    }
    this.sink.sendDown(parts);
  }
}
