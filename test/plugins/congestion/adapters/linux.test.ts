import { describe, expect, it } from 'vitest';
import type { TcpCaEvent, TcpCaState, TcpCongestionOps, TcpSock } from '../../../../plugins/congestion/adapters/index.js';
import {
  LinuxCongestionAdapter,
  linuxCongestionFactory,
  renoLinuxPlugin,
  tcp_cong_avoid_ai,
  tcp_reno_cong_avoid,
  tcp_reno_ssthresh,
  tcp_reno_undo_cwnd,
  tcp_slow_start,
  tcpRenoOps,
} from '../../../../plugins/congestion/adapters/index.js';
import { MSS, ack, lose, make } from '../fake.js';

function sock(cwnd: number, ssthresh = Infinity): TcpSock<null> {
  return {
    snd_cwnd: cwnd,
    snd_ssthresh: ssthresh,
    snd_cwnd_cnt: 0,
    prior_cwnd: 0,
    prior_ssthresh: 0,
    ca_state: 'Open',
    is_cwnd_limited: true,
    mss_cache: MSS,
    srtt_ms: 0,
    min_rtt_ms: Infinity,
    now: 0,
    packets_in_flight: 0,
    priv: null,
  };
}

describe('Linux helpers (segment units)', () => {
  it('tcp_slow_start grows by the acked segments up to ssthresh and returns the rest', () => {
    const tp = sock(10, 12);
    expect(tcp_slow_start(tp, 1)).toBe(0);
    expect(tp.snd_cwnd).toBe(11);
    expect(tcp_slow_start(tp, 3)).toBe(2);
    expect(tp.snd_cwnd).toBe(12);
  });

  it('tcp_cong_avoid_ai adds one segment per w acked segments', () => {
    const tp = sock(10, 5);
    for (let i = 0; i < 9; i++) tcp_cong_avoid_ai(tp, 10, 1);
    expect(tp.snd_cwnd).toBe(10);
    tcp_cong_avoid_ai(tp, 10, 1);
    expect(tp.snd_cwnd).toBe(11);
    tcp_cong_avoid_ai(tp, 11, 25); // a stretch ACK: two increments, remainder kept
    expect(tp.snd_cwnd).toBe(13);
    expect(tp.snd_cwnd_cnt).toBe(3);
  });

  it('tcp_reno_ssthresh halves with a floor of 2; tcp_reno_undo_cwnd takes the larger window', () => {
    expect(tcp_reno_ssthresh(sock(21))).toBe(10);
    expect(tcp_reno_ssthresh(sock(3))).toBe(2);
    const tp = sock(5);
    tp.prior_cwnd = 20;
    expect(tcp_reno_undo_cwnd(tp)).toBe(20);
  });

  it('tcp_reno_cong_avoid does nothing unless cwnd-limited', () => {
    const tp = sock(10);
    tp.is_cwnd_limited = false;
    tcp_reno_cong_avoid(tp, 5);
    expect(tp.snd_cwnd).toBe(10);
  });
});

describe('LinuxCongestionAdapter', () => {
  function recording() {
    const calls: string[] = [];
    const ops: TcpCongestionOps<{ acked: number }> = {
      name: 'rec',
      createPriv: () => ({ acked: 0 }),
      init: () => calls.push('init'),
      ssthresh: (tp) => {
        calls.push('ssthresh');
        return tcp_reno_ssthresh(tp);
      },
      cong_avoid: (tp, acked) => {
        tp.priv.acked += acked;
        tcp_reno_cong_avoid(tp, acked);
      },
      pkts_acked: (_tp, s) => calls.push(`pkts_acked:${s.pkts_acked}:${s.rtt_ms}`),
      set_state: (_tp, st: TcpCaState) => calls.push(`set_state:${st}`),
      cwnd_event: (_tp, ev: TcpCaEvent) => calls.push(`event:${ev}`),
    };
    return { calls, ops };
  }

  it('converts bytes to segments and calls the hooks like tcp_input.c', () => {
    const { calls, ops } = recording();
    const { cc } = make(linuxCongestionFactory(ops));
    const a = cc as LinuxCongestionAdapter<{ acked: number }>;
    expect(cc.cwnd).toBe(10 * MSS);
    cc.onPacketSent({ now: 0, bytes: MSS, bytesInFlight: 0, retransmission: false, appLimited: false });
    ack(cc, { now: 10, bytes: 2 * MSS, rtt: 10 });
    expect(cc.cwnd).toBe(12 * MSS);
    expect(a.sock.priv.acked).toBe(2);
    lose(cc, { now: 20, flight: 12 * MSS, largestLostSentAt: 15 });
    expect(cc.cwnd).toBe(6 * MSS);
    expect(cc.phase).toBe('recovery');
    ack(cc, { now: 60, sentAt: 30 });
    expect(cc.phase).toBe('avoidance');
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 6 * MSS });
    expect(cc.cwnd).toBe(MSS);
    expect(cc.phase).toBe('loss');
    cc.onSpuriousCongestion?.(1001);
    expect(cc.cwnd).toBe(6 * MSS);
    cc.onIdleRestart?.(9000);
    expect(calls).toEqual([
      'init',
      'event:TX_START',
      'pkts_acked:2:10',
      'ssthresh',
      'set_state:Recovery',
      'pkts_acked:1:undefined'.replace('undefined', '-1'),
      'set_state:Open',
      'ssthresh',
      'event:LOSS',
      'set_state:Loss',
      'set_state:Open',
      'event:CWND_RESTART',
    ]);
  });

  it('keeps partial segments across ACKs', () => {
    const { cc } = make(linuxCongestionFactory(tcpRenoOps));
    ack(cc, { now: 1, bytes: MSS / 2 });
    expect(cc.cwnd).toBe(10 * MSS);
    ack(cc, { now: 2, bytes: MSS / 2 });
    expect(cc.cwnd).toBe(11 * MSS);
  });

  it('honours params.minSsthresh and params.minCwnd', () => {
    const { cc } = make(linuxCongestionFactory(tcpRenoOps), { minSsthresh: 4 * MSS, minCwnd: 3 * MSS, initialWindow: 4 * MSS });
    lose(cc, { now: 1, flight: 2 * MSS, largestLostSentAt: 0 });
    expect(cc.ssthresh).toBe(4 * MSS);
    cc.onRetransmissionTimeout({ now: 5, bytesInFlight: MSS });
    expect(cc.cwnd).toBe(3 * MSS);
  });

  it('is packaged as the reno-linux plugin', async () => {
    expect(renoLinuxPlugin.name).toBe('reno-linux');
    const f = await renoLinuxPlugin.create({}, undefined as never);
    expect(make(f).cc).toBeInstanceOf(LinuxCongestionAdapter);
  });
});
