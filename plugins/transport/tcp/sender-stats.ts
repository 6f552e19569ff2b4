/**
 * What the send half reports: the `metrics_updated` trace event (qlog
 * recovery metrics) and the send-side part of `stats()`.
 *
 * @module
 */
import type { TcpSender } from './sender.js';

/** Emit `metrics_updated` (cwnd, ssthresh, bytes in flight, RFC 6298 srtt / rttvar / rto) on the connection tracer. */
export function traceSenderMetrics(s: TcpSender): void {
  const cc = s.cc;
  s.tracer.emit('metrics_updated', {
    cwnd: cc?.cwnd ?? 0,
    ssthresh: cc?.ssthresh ?? Infinity,
    bytesInFlight: s.inFlight(),
    srtt: s.rtt.smoothed,
    rttvar: s.rtt.variance,
    rto: s.rtt.rto,
  });
}

/** Send-side statistics (bytes, ms), JSON-serialisable. */
export function senderStats(s: TcpSender): Record<string, unknown> {
  const cc = s.cc;
  const rec = s.recovery;
  return {
    cwnd: cc?.cwnd ?? 0,
    ssthresh: cc === undefined || cc.ssthresh === Infinity ? null : cc.ssthresh,
    srtt: s.rtt.smoothed,
    rttvar: s.rtt.variance,
    minRtt: s.rtt.min === Infinity ? null : s.rtt.min,
    rto: s.rtt.rto,
    mss: s.sendMss,
    sndUna: s.sndUna >>> 0,
    sndNxt: s.sndNxt >>> 0,
    sndWnd: s.sndWnd,
    bytesInFlight: s.inFlight(),
    bufferedAmount: s.buffered,
    bytesSent: s.bytesSent,
    bytesRetransmitted: s.bytesRetransmitted,
    retransmissions: s.retransmissions,
    lostRetransmissions: s.sb.lostRetransmissions,
    spuriousRetransmissions: rec.spuriousRetransmissions,
    spuriousByDsack: rec.spuriousByDsack,
    fastRecoveries: rec.fastRecoveries,
    timeouts: s.timeouts,
    sackBlocksReceived: rec.sackBlocksReceived,
    dsacksReceived: rec.dsacksReceived,
    sack: rec.sackOk,
    timestamps: rec.tsOk,
    inRecovery: rec.inRecovery,
  };
}
