/**
 * What an association writes to its trace (docs/guides/tracing.md,
 * "Standard events"), in bytes and ms like every transport:
 *
 * - `packet_sent` / `packet_received`: `length` is the user data the
 *   packet carries (the sum over its DATA / I-DATA chunks of the chunk
 *   length minus the 16- or 20-byte chunk header, RFC 9260 §3.3.1,
 *   RFC 8260 §2.1; 0 for a packet of control chunks only), so that
 *   throughput computed from `length` is goodput as for tcp; `packetSize`
 *   is the whole SCTP packet (common header, chunk headers, padding);
 *   `chunk` is the type of its first chunk.
 * - `metrics_updated`: `cwnd`, `ssthresh` (null before the first
 *   reduction), `bytesInFlight`, `srtt`, `rttvar`, `rto`.
 *
 * Only called when the tracer is enabled.
 *
 * @module
 */
import type { Tracer } from '../../../core/trace/tracer.js';
import { ChunkType, COMMON_HEADER_SIZE, DATA_HEADER_SIZE, I_DATA_HEADER_SIZE } from './chunk-types.js';
import type { SctpAssociation } from './association.js';

/**
 * User data bytes of the DATA and I-DATA chunks in packet `p` (0 for
 * control chunks only). Never throws: the walk stops at the first chunk
 * whose length field is invalid or runs past the packet.
 */
export function userDataBytes(p: Uint8Array): number {
  let n = 0;
  for (let i = COMMON_HEADER_SIZE; i + 4 <= p.length; ) {
    const len = (p[i + 2] << 8) | p[i + 3];
    if (len < 4 || i + len > p.length) break;
    const type = p[i];
    if (type === ChunkType.DATA && len > DATA_HEADER_SIZE) n += len - DATA_HEADER_SIZE;
    else if (type === ChunkType.I_DATA && len > I_DATA_HEADER_SIZE) n += len - I_DATA_HEADER_SIZE;
    i += (len + 3) & ~3;
  }
  return n;
}

/** Trace a packet handed down: `userBytes` of user data in the packet `parts`. */
export function tracePacketSent(tracer: Tracer, parts: readonly Uint8Array[], userBytes: number): void {
  let size = 0;
  for (const part of parts) size += part.length;
  tracer.emit('packet_sent', { transport: 'sctp', length: userBytes, packetSize: size, chunk: parts[0][COMMON_HEADER_SIZE] });
}

/** Trace a received packet `p` whose checksum was accepted. */
export function tracePacketReceived(tracer: Tracer, p: Uint8Array): void {
  tracer.emit('packet_received', { transport: 'sctp', length: userDataBytes(p), packetSize: p.length, chunk: p[COMMON_HEADER_SIZE] });
}

/** Trace the congestion and RTO state of `a` (after a SACK or a T3-rtx expiry), under the standard names. */
export function traceMetrics(a: SctpAssociation): void {
  const tx = a.tx;
  if (tx === null) return;
  const cc = tx.cc;
  a.ctx.tracer.emit('metrics_updated', {
    cwnd: cc.cwnd,
    ssthresh: Number.isFinite(cc.ssthresh) ? cc.ssthresh : null,
    bytesInFlight: tx.out.bytesInFlight,
    srtt: a.rto.smoothed,
    rttvar: a.rto.variance,
    rto: a.rto.rto,
  });
}
