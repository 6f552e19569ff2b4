/**
 * Congestion-controller events reused from call to call, for transports:
 * one object per event kind per connection, filled in and handed to the
 * controller, so that sending a packet or processing an ACK allocates
 * nothing. Controllers read events during the call and keep nothing (see
 * {@link CongestionController}).
 *
 * @module
 */
import type { AckedPacket, AckSummary, CongestionController, PacketSentEvent } from '../contracts/congestion.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The reused {@link PacketSentEvent}, {@link AckedPacket} and {@link AckSummary} of one connection. */
export class ReusedCongestionEvents {
  private readonly sent: Mutable<PacketSentEvent> = { now: 0, bytes: 0, bytesInFlight: 0, retransmission: false, appLimited: false };
  private readonly acked: Mutable<AckedPacket> = { bytes: 0, sentAt: 0 };
  private readonly summary: Mutable<AckSummary> = {
    now: 0,
    ackedBytes: 0,
    priorBytesInFlight: 0,
    bytesInFlight: 0,
    rttSample: undefined,
    appLimited: false,
    inRecovery: false,
  };

  /** {@link CongestionController.onPacketSent}: `bytes` left at `now` with `bytesInFlight` in flight before them. */
  packetSent(cc: CongestionController, now: number, bytes: number, bytesInFlight: number, retransmission: boolean, appLimited: boolean): void {
    const ev = this.sent;
    ev.now = now;
    ev.bytes = bytes;
    ev.bytesInFlight = bytesInFlight;
    ev.retransmission = retransmission;
    ev.appLimited = appLimited;
    cc.onPacketSent(ev);
  }

  /** {@link CongestionController.onPacketAcked}: a packet of `bytes` sent at `sentAt` is acknowledged. */
  packetAcked(cc: CongestionController, bytes: number, sentAt: number): void {
    const ev = this.acked;
    ev.bytes = bytes;
    ev.sentAt = sentAt;
    cc.onPacketAcked(ev);
  }

  /** {@link CongestionController.onAckEnd}: the summary of one ACK. */
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
    const ev = this.summary;
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
