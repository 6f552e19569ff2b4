/**
 * The congestion-controller calls of one connection's send half, through
 * {@link ReusedCongestionEvents} (no allocation per packet or per ACK). The
 * per-segment callback of an ACK is a bound field, not a closure per ACK,
 * and also collects the Karn-safe RTT sample (RFC 6298 §3).
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import { ReusedCongestionEvents } from '../../../core/congestion/reused-events.js';
import type { SegmentRecord } from './scoreboard.js';

/** Reused congestion events of one connection, plus the Karn-safe RTT sample of each ACK. */
export class CongestionEvents extends ReusedCongestionEvents {
  /** Latest send time of a segment acknowledged by this ACK and never retransmitted (−1: none). */
  ackedSentAt = -1;
  /** This ACK covers a retransmitted segment (Karn: no sequence-based RTT sample, RFC 6298 §3). */
  ackedRetransmitted = false;
  /** The controller, once the MSS is known. */
  cc: CongestionController | undefined;

  /** Per-record callback for `Scoreboard.ackTo` (see {@link CongestionEvents.ackBegin}). */
  readonly onRecordAcked = (r: SegmentRecord): void => {
    if (r.retransmits > 0) this.ackedRetransmitted = true;
    else if (!r.sacked && r.sentAt > this.ackedSentAt) this.ackedSentAt = r.sentAt;
    if (this.cc !== undefined) this.packetAcked(this.cc, r.end - r.seq, r.sentAt);
  };

  /** A segment of `bytes` sequence numbers left at `now` with `before` bytes in flight. */
  segmentSent(now: number, bytes: number, before: number, retransmission: boolean): void {
    if (this.cc !== undefined) this.packetSent(this.cc, now, bytes, before, retransmission, false);
  }

  /** An ACK advancing SND.UNA begins: reset the RTT scratch and tell the controller. */
  ackBegin(cc: CongestionController, now: number): void {
    this.ackedSentAt = -1;
    this.ackedRetransmitted = false;
    cc.onAckBegin(now);
  }
}
