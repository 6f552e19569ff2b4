/**
 * ReusedCongestionEvents hands a controller the same object per event kind
 * on every call, filled with that call's fields.
 */
import { describe, it, expect } from 'vitest';
import { ReusedCongestionEvents } from '../../../core/congestion/reused-events.js';
import type { AckedPacket, AckSummary, CongestionController, PacketSentEvent } from '../../../core/contracts/congestion.js';

function recorder() {
  const seen = { sent: [] as PacketSentEvent[], acked: [] as AckedPacket[], ends: [] as AckSummary[], copies: [] as unknown[] };
  const cc = {
    onPacketSent: (ev: PacketSentEvent) => (seen.sent.push(ev), seen.copies.push({ ...ev })),
    onPacketAcked: (ev: AckedPacket) => (seen.acked.push(ev), seen.copies.push({ ...ev })),
    onAckEnd: (ev: AckSummary) => (seen.ends.push(ev), seen.copies.push({ ...ev })),
  } as unknown as CongestionController;
  return { cc, seen };
}

describe('ReusedCongestionEvents', () => {
  it('passes each call its fields, in one reused object per event kind', () => {
    const { cc, seen } = recorder();
    const ev = new ReusedCongestionEvents();
    ev.packetSent(cc, 1, 1200, 0, false, true);
    ev.packetSent(cc, 2, 600, 1200, true, false);
    ev.packetAcked(cc, 1200, 1);
    ev.packetAcked(cc, 600, 2);
    ev.ackEnd(cc, 3, 1800, 1800, 0, 2, false, true);
    ev.ackEnd(cc, 4, 0, 0, 0, undefined, true, false);
    expect(seen.copies).toEqual([
      { now: 1, bytes: 1200, bytesInFlight: 0, retransmission: false, appLimited: true },
      { now: 2, bytes: 600, bytesInFlight: 1200, retransmission: true, appLimited: false },
      { bytes: 1200, sentAt: 1 },
      { bytes: 600, sentAt: 2 },
      { now: 3, ackedBytes: 1800, priorBytesInFlight: 1800, bytesInFlight: 0, rttSample: 2, appLimited: false, inRecovery: true },
      { now: 4, ackedBytes: 0, priorBytesInFlight: 0, bytesInFlight: 0, rttSample: undefined, appLimited: true, inRecovery: false },
    ]);
    expect(seen.sent[0]).toBe(seen.sent[1]);
    expect(seen.acked[0]).toBe(seen.acked[1]);
    expect(seen.ends[0]).toBe(seen.ends[1]);
  });
});
