/**
 * The adapter-based Reno ports on a simulated TCP run: a "tee" controller
 * lets the native `reno` drive the real `tcp` transport while both ports
 * receive exactly the same events; their windows must stay within one MSS
 * of the native window at every ACK.
 */
import { describe, expect, it } from 'vitest';
import type {
  AckSummary,
  AckedPacket,
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionEvent,
  PacketSentEvent,
  RtoEvent,
} from '../../../../core/contracts/congestion.js';
import { definePlugin } from '../../../../core/contracts/plugin.js';
import type { AnyPlugin } from '../../../../core/contracts/plugin.js';
import {
  linuxCongestionFactory,
  quicheCongestionFactory,
  quicheRenoOps,
  tcpRenoOps,
} from '../../../../plugins/congestion/adapters/index.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { runBulk } from './harness.js';

/** Worst |cwnd − leader cwnd| / MSS per follower, and counts, over every tee'd controller. */
const record = { worst: [0, 0], acks: 0, losses: 0, rtos: 0, spurious: 0 };

class Tee implements CongestionController {
  constructor(
    private readonly all: CongestionController[],
    private readonly mss: number,
  ) {}
  get cwnd() {
    return this.all[0].cwnd;
  }
  get ssthresh() {
    return this.all[0].ssthresh;
  }
  get phase() {
    return this.all[0].phase;
  }
  canSend(b: number) {
    return this.all[0].canSend(b);
  }
  onPacketSent(ev: PacketSentEvent) {
    for (const c of this.all) c.onPacketSent(ev);
  }
  onAckBegin(now: number) {
    for (const c of this.all) c.onAckBegin(now);
  }
  onPacketAcked(p: AckedPacket) {
    for (const c of this.all) c.onPacketAcked(p);
  }
  onAckEnd(s: AckSummary) {
    for (const c of this.all) c.onAckEnd(s);
    record.acks++;
    for (let i = 1; i < this.all.length; i++) {
      record.worst[i - 1] = Math.max(record.worst[i - 1], Math.abs(this.all[i].cwnd - this.all[0].cwnd) / this.mss);
    }
  }
  onCongestionEvent(ev: CongestionEvent) {
    record.losses++;
    for (const c of this.all) c.onCongestionEvent(ev);
  }
  onRecoveryEnd(now: number) {
    for (const c of this.all) c.onRecoveryEnd?.(now);
  }
  onRetransmissionTimeout(ev: RtoEvent) {
    record.rtos++;
    for (const c of this.all) c.onRetransmissionTimeout(ev);
  }
  onSpuriousCongestion(now: number) {
    record.spurious++;
    for (const c of this.all) c.onSpuriousCongestion?.(now);
  }
  onIdleRestart(now: number) {
    for (const c of this.all) c.onIdleRestart?.(now);
  }
  snapshot() {
    return this.all[0].snapshot();
  }
}

const factories: CongestionControllerFactory[] = [renoFactory(), linuxCongestionFactory(tcpRenoOps), quicheCongestionFactory(quicheRenoOps)];
const teePlugin = definePlugin({
  name: 'reno-tee',
  layer: 'congestion',
  capabilities: [],
  create: (): CongestionControllerFactory => ({
    create: (ctx: CongestionContext) => new Tee(factories.map((f) => f.create(ctx)), ctx.mss),
  }),
}) as unknown as AnyPlugin;

describe('adapter-based Reno ports on a simulated TCP run', () => {
  it('stay within 1 MSS of the native reno at every ACK (loss, reordering, small buffer)', async () => {
    await runBulk({
      congestion: teePlugin as never,
      link: {
        bandwidth: '20Mbit',
        delay: '25ms',
        queue: '0.5bdp',
        ab: { loss: { type: 'bernoulli', p: 0.002 }, reorder: { probability: 0.002, delay: '3ms' } },
      },
      duration: 30_000,
      seed: 3,
    });
    expect(record.acks).toBeGreaterThan(3_000);
    expect(record.losses).toBeGreaterThan(10);
    console.info(`[adapters.sim] acks ${record.acks}, losses ${record.losses}, RTOs ${record.rtos}, undos ${record.spurious}, worst deviation (MSS) linux ${record.worst[0]}, quiche ${record.worst[1]}`);
    expect(record.worst[0]).toBeLessThanOrEqual(1);
    expect(record.worst[1]).toBeLessThanOrEqual(1);
  });

  it('stay within 2 MSS (Linux port) and 3 MSS (quiche port) of the native reno at every ACK under heavy loss with timeouts', async () => {
    record.worst = [0, 0];
    record.acks = record.losses = record.rtos = record.spurious = 0;
    await runBulk({
      congestion: teePlugin as never,
      link: { bandwidth: '5Mbit', delay: '25ms', queue: '0.5bdp', ab: { loss: { type: 'bernoulli', p: 0.05 } } },
      duration: 30_000,
      seed: 4,
    });
    console.info(`[adapters.sim] acks ${record.acks}, losses ${record.losses}, RTOs ${record.rtos}, undos ${record.spurious}, worst deviation (MSS) linux ${record.worst[0]}, quiche ${record.worst[1]}`);
    expect(record.rtos).toBeGreaterThan(0);
    expect(record.losses).toBeGreaterThan(10);
    // Under 5 % loss the ports part from the native reno by up to 2 MSS at single ACKs: on a
    // stretch ACK after a hole is repaired (native RFC 3465 counting adds one SMSS per ACK and
    // carries the rest, Linux's tcp_cong_avoid_ai adds several at once) and after an Eifel undo
    // of an RTO taken in recovery (quiche does not count the acked retransmissions as growth).
    // Both differences predate lost-retransmission detection in tcp, which only changed which
    // events this seed produces: before it, seeds 2, 5, 8 and 15 gave 2 MSS and seeds 3 and 16
    // gave 3–4 MSS for the quiche port. Since the receiver ACKs every second full-sized segment
    // with timestamps on (before: every third, the option bytes were not deducted), this seed
    // gives 2 MSS for the Linux port and 3 MSS for the quiche port (the Eifel-undo difference).
    expect(record.worst[0]).toBeLessThanOrEqual(2);
    expect(record.worst[1]).toBeLessThanOrEqual(3);
  });
});
