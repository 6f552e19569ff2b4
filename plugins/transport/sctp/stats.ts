/**
 * The `stats()` snapshot of an association: state, congestion and RTO
 * values, flight and windows, counters, per-stream counters and drops by
 * reason. Bytes and milliseconds.
 *
 * @module
 */
import type { SctpAssociation } from './association.js';

/** Build the JSON-serialisable statistics of `a` (`receiveWindow` is the configured a_rwnd). */
export function associationStats(a: SctpAssociation, receiveWindow: number): Record<string, unknown> {
  const tx = a.tx;
  const rx = a.rx;
  const out = tx?.out;
  const cc = tx?.cc;
  const outStreams: { stream: number; messages: number; bytes: number }[] = [];
  if (out !== undefined) {
    for (let i = 0; i < out.outboundStreams; i++) {
      if (out.streamMessages[i] > 0) outStreams.push({ stream: i, messages: out.streamMessages[i], bytes: out.streamBytes[i] });
    }
  }
  return {
    state: a.state,
    localTag: a.localTag,
    peerTag: a.peerTag,
    outboundStreams: a.outStreams,
    inboundStreams: a.inStreams,
    partialReliability: a.forwardTsnOk,
    interleaving: a.iDataOk,
    streamReset: a.reconfig !== null,
    zeroChecksum: a.zeroChecksum,
    cwnd: cc?.cwnd ?? 0,
    ssthresh: cc !== undefined && Number.isFinite(cc.ssthresh) ? cc.ssthresh : null,
    srtt: a.rto.smoothed,
    rttvar: a.rto.variance,
    rto: a.rto.rto,
    bytesInFlight: out?.bytesInFlight ?? 0,
    peerRwnd: out?.peerRwnd ?? a.initialPeerRwnd,
    rwnd: rx?.rwnd ?? receiveWindow,
    bufferedAmount: a.bufferedAmount,
    unsentAmount: a.unsentAmount,
    retransmissions: out?.retransmissions ?? 0,
    abandonedMessages: out?.abandonedMessages ?? 0,
    packetsSent: a.packetsSent,
    packetsReceived: a.packetsReceived,
    heartbeatsSent: a.heartbeatsSent,
    ...(tx?.counters ?? { fastRetransmits: 0, t3Expirations: 0, forwardTsnSent: 0, dataBytesSent: 0, sacksReceived: 0 }),
    ...(rx?.counters ?? { dataBytesReceived: 0, messagesReceived: 0, sacksSent: 0, forwardTsnReceived: 0 }),
    ...(a.reconfig?.counters ?? {}),
    streams: { out: outStreams, in: rx?.streamStats() ?? [] },
    drops: { ...a.drops },
  };
}
