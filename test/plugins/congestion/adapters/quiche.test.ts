import { describe, expect, it } from 'vitest';
import type { QuicheAcked, QuicheCongestionOps } from '../../../../plugins/congestion/adapters/index.js';
import {
  QuicheCongestionAdapter,
  quicheCongestionFactory,
  quicheRenoOps,
  renoQuichePlugin,
} from '../../../../plugins/congestion/adapters/index.js';
import { MSS, ack, lose, make } from '../fake.js';

describe('QuicheCongestionAdapter', () => {
  function recording() {
    const calls: string[] = [];
    const batches: number[][] = [];
    const ops: QuicheCongestionOps<null> = {
      name: 'rec',
      createPriv: () => null,
      on_init: () => calls.push('on_init'),
      on_packet_sent: (_r, bytes, inFlight) => calls.push(`sent:${bytes}:${inFlight}`),
      on_packets_acked: (r, _f, packets: readonly QuicheAcked[]) => {
        batches.push(packets.map((p) => p.time_sent));
        quicheRenoOps.on_packets_acked(r as never, _f, packets, 0);
      },
      congestion_event: (r, f, l, largest, now) => {
        calls.push(`congestion_event:${largest}`);
        quicheRenoOps.congestion_event(r as never, f, l, largest, now);
      },
      checkpoint: () => calls.push('checkpoint'),
      rollback: () => {
        calls.push('rollback');
        return true;
      },
    };
    return { calls, batches, ops };
  }

  it('passes one batch per ACK and checkpoints once per recovery epoch', () => {
    const { calls, batches, ops } = recording();
    const { cc } = make(quicheCongestionFactory(ops));
    cc.onPacketSent({ now: 0, bytes: MSS, bytesInFlight: 0, retransmission: false, appLimited: false });
    cc.onAckBegin(10);
    cc.onPacketAcked({ bytes: MSS, sentAt: 1 });
    cc.onPacketAcked({ bytes: MSS, sentAt: 2 });
    cc.onAckEnd({ now: 10, ackedBytes: 2 * MSS, priorBytesInFlight: 10 * MSS, bytesInFlight: 8 * MSS, appLimited: false, inRecovery: false });
    ack(cc, { now: 11, sentAt: 3 });
    expect(batches).toEqual([[1, 2], [3]]);
    lose(cc, { now: 20, flight: 12 * MSS, largestLostSentAt: 15 });
    lose(cc, { now: 21, flight: 12 * MSS, largestLostSentAt: 16 });
    expect(cc.cwnd).toBe(6 * MSS);
    cc.onSpuriousCongestion?.(30);
    cc.onSpuriousCongestion?.(31);
    expect(calls).toEqual([
      'on_init',
      `sent:${MSS}:0`,
      'checkpoint',
      'congestion_event:15',
      'congestion_event:16',
      'rollback',
    ]);
  });

  it('rolls back a spurious reduction with the Reno port', () => {
    const { cc } = make(quicheCongestionFactory(quicheRenoOps));
    for (let i = 0; i < 10; i++) ack(cc, { now: i });
    lose(cc, { now: 20, flight: 20 * MSS, largestLostSentAt: 15 });
    expect(cc.cwnd).toBe(10 * MSS);
    cc.onSpuriousCongestion?.(30);
    expect(cc.cwnd).toBe(20 * MSS);
    expect(cc.ssthresh).toBe(Infinity);
  });

  it('collapses to one segment on RTO and slow-starts from there', () => {
    const { cc } = make(quicheCongestionFactory(quicheRenoOps));
    cc.onRetransmissionTimeout({ now: 100, bytesInFlight: 20 * MSS });
    expect(cc.cwnd).toBe(MSS);
    expect(cc.ssthresh).toBe(10 * MSS);
    expect(cc.phase).toBe('loss');
    ack(cc, { now: 150, sentAt: 100, inRecovery: true });
    expect(cc.cwnd).toBe(2 * MSS);
    // A late loss report for data sent before the timeout changes nothing.
    lose(cc, { now: 160, flight: 2 * MSS, largestLostSentAt: 90 });
    expect(cc.cwnd).toBe(2 * MSS);
  });

  it('is packaged as the reno-quiche plugin', async () => {
    expect(renoQuichePlugin.name).toBe('reno-quiche');
    const f = await renoQuichePlugin.create({}, undefined as never);
    expect(make(f).cc).toBeInstanceOf(QuicheCongestionAdapter);
  });
});
