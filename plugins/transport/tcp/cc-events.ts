/**
 * The congestion-controller calls of one connection's send half, with one
 * reused event object per kind: no allocation per packet or per ACK
 * (controllers read the events synchronously and keep nothing). The
 * per-segment callback of an ACK is a bound field, not a closure per ACK,
 * and also collects the Karn-safe RTT sample (RFC 6298 §3).
 *
 * @module
 */
import type { AckedPacket, AckSummary, CongestionController, PacketSentEvent } from '../../../core/contracts/congestion.js';
import type { SegmentRecord } from './scoreboard.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reused congestion events of one connection. */
export class CongestionEvents {
  /** Latest send time of a segment acknowledged by this ACK and never retransmitted (−1: none). */
  ackedSentAt = -1;
  /** This ACK covers a retransmitted segment (Karn: no sequence-based RTT sample, RFC 6298 §3). */
  ackedRetransmitted = false;
  /** The controller, once the MSS is known. */
  cc: CongestionController | undefined;

  private readonly ackedEv: Mutable<AckedPacket> = { bytes: 0, sentAt: 0 };
  private readonly sentEv: Mutable<PacketSentEvent> = { now: 0, bytes: 0, bytesInFlight: 0, retransmission: false, appLimited: false };
  private readonly ackEv: Mutable<AckSummary> = {
    now: 0,
    ackedBytes: 0,
    priorBytesInFlight: 0,
    bytesInFlight: 0,
    rttSample: undefined,
    appLimited: false,
    inRecovery: false,
  };

  /** Per-record callback for `Scoreboard.ackTo` (see {@link CongestionEvents.ackBegin}). */
  readonly onRecordAcked = (r: SegmentRecord): void => {
    if (r.retransmits > 0) this.ackedRetransmitted = true;
    else if (!r.sacked && r.sentAt > this.ackedSentAt) this.ackedSentAt = r.sentAt;
    const ev = this.ackedEv;
    ev.bytes = r.end - r.seq;
    ev.sentAt = r.sentAt;
    this.cc?.onPacketAcked(ev);
  };

  /** A segment of `bytes` sequence numbers left at `now` with `before` bytes in flight. */
  packetSent(now: number, bytes: number, before: number, retransmission: boolean): void {
    const ev = this.sentEv;
    ev.now = now;
    ev.bytes = bytes;
    ev.bytesInFlight = before;
    ev.retransmission = retransmission;
    ev.appLimited = false;
    this.cc?.onPacketSent(ev);
  }

  /** An ACK advancing SND.UNA begins: reset the RTT scratch and tell the controller. */
  ackBegin(cc: CongestionController, now: number): void {
    this.ackedSentAt = -1;
    this.ackedRetransmitted = false;
    cc.onAckBegin(now);
  }

  /** The ACK is processed: one summary for the controller. */
  ackEnd(
    cc: CongestionController,
    now: number,
    ackedBytes: number,
    priorBytesInFlight: number,
    bytesInFlight: number,
    rttSample: number | undefined,
    appLimited: boolean,
    inRecovery: boolean,
  ): void {
    const ev = this.ackEv;
    ev.now = now;
    ev.ackedBytes = ackedBytes;
    ev.priorBytesInFlight = priorBytesInFlight;
    ev.bytesInFlight = bytesInFlight;
    ev.rttSample = rttSample;
    ev.appLimited = appLimited;
    ev.inRecovery = inRecovery;
    cc.onAckEnd(ev);
  }
}
