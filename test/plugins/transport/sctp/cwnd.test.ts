/**
 * Congestion window growth on SACKs (RFC 9260 §7.2.1, §7.2.2), with the
 * shared NewReno controller: at most one MTU per SACK in slow start, and in
 * congestion avoidance partial_bytes_acked counting what Gap Ack Blocks
 * newly acknowledge too. (RFC 4960 also required a SACK to advance the
 * Cumulative TSN Ack Point before slow start grew cwnd; RFC 9260 keeps only
 * the two conditions of a fully used cwnd and no Fast Recovery.)
 *
 * The client's DATA never reaches the server here: the tests answer it
 * with SACKs of their own, so each one acknowledges exactly the chunks
 * named. mtu 1200 gives full packets of one 1188-byte DATA chunk (1172
 * bytes of user data), and the controller counts cwnd in those: one MTU is
 * 1188 bytes (the SCTP packet less its common header), and the initial
 * cwnd min(4·MTU, max(2·MTU, 4380)) = 4380 bytes (§7.2.1): four packets.
 */
import { describe, it, expect } from 'vitest';
import type { CongestionController } from '../../../../core/contracts/congestion.js';
import { nullTracer } from '../../../../core/trace/tracer.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { encodeSack } from '../../../../plugins/transport/sctp/chunks/sack.js';
import { buildPacket } from '../../../../plugins/transport/sctp/packet.js';
import { SctpPair, chunksOf, pattern, type PairOptions } from './harness.js';

/** One MTU as the controller counts it: the 1200-byte packet less the 12-byte common header. */
const MTU = 1188;
/** The initial cwnd (§7.2.1). */
const IW = 4380;
const isData = (p: Uint8Array): boolean => chunksOf(p).some((c) => c.type === ChunkType.DATA);

/** A pair whose client DATA is lost on the way (the test acknowledges it), with the client's controller and the TSNs sent. */
function blackHole(congestion?: PairOptions['congestion']): { pair: SctpPair; cc: () => CongestionController; tsns: () => number[] } {
  let cc: CongestionController | undefined;
  const sent: number[] = [];
  const pair = new SctpPair({
    mtu: 1200,
    script: (dir, _i, p) => {
      if (dir !== 'c2s' || !isData(p)) return 'pass';
      for (const c of chunksOf(p)) if (c.type === ChunkType.DATA) sent.push(c.tsn as number);
      return 'drop';
    },
    congestion: (mss, rtt, params, clock) => {
      const c = congestion?.(mss, rtt, params, clock) ?? renoFactory().create({ mss, rtt, clock, tracer: nullTracer, params: params ?? {} });
      // The client's controller is created last (at COOKIE ACK).
      cc = c;
      return c;
    },
  }).connect();
  return { pair, cc: () => cc as CongestionController, tsns: () => sent.slice() };
}

/** Hand the client a SACK: cumulative TSN ack `cum`, gap blocks as TSN ranges `[from, to]`. */
function sack(pair: SctpPair, cum: number, blocks: [number, number][] = []): void {
  const gaps = blocks.flatMap(([from, to]) => [from - cum, to - cum]);
  pair.client.handleDatagram(buildPacket(7, 5000, pair.client.localTag, [encodeSack(cum, 1 << 20, gaps, [])]));
}

const cwnd = (pair: SctpPair): number => pair.client.stats().cwnd as number;
const flight = (pair: SctpPair): number => pair.client.stats().bytesInFlight as number;

describe('slow start (RFC 9260 §7.2.1)', () => {
  it('starts with four full packets in flight, filling the initial cwnd', () => {
    const { pair, tsns } = blackHole();
    pair.client.sendMessage!(pattern(50_000), { stream: 0 });
    expect(cwnd(pair)).toBe(IW);
    expect(tsns()).toHaveLength(4);
    expect(flight(pair)).toBe(4 * MTU);
  });

  it('grows cwnd by one MTU for a SACK that acknowledges four packets, not by more', () => {
    const { pair, tsns } = blackHole();
    pair.client.sendMessage!(pattern(50_000), { stream: 0 });
    const [, , , last] = tsns();
    sack(pair, last);
    // "at most the lesser of the bytes acknowledged (4 MTU here) and the path MTU".
    expect(cwnd(pair)).toBe(IW + MTU);
  });

  it('grows cwnd by the bytes acknowledged when they are fewer than one MTU', () => {
    const { pair, tsns } = blackHole();
    // 500-byte messages: chunks of 516 bytes (16-byte header), two to a packet.
    for (let i = 0; i < 20; i++) pair.client.sendMessage!(pattern(500, i), { stream: 0 });
    expect(flight(pair)).toBeGreaterThanOrEqual(IW); // cwnd fully used
    sack(pair, tsns()[0]); // one chunk
    expect(cwnd(pair)).toBe(IW + 516);
  });

  it('grows cwnd by at most one MTU on a SACK whose Gap Ack Blocks alone acknowledge chunks, which leave the flight', () => {
    const { pair, tsns } = blackHole();
    pair.client.sendMessage!(pattern(50_000), { stream: 0 });
    const [first, second, third] = tsns();
    sack(pair, first - 1, [[second, third]]);
    expect(cwnd(pair)).toBe(IW + MTU);
    // The two gap-acked packets are out of the flight; with one more MTU of cwnd, three new ones went out.
    expect(tsns()).toHaveLength(7);
    expect(flight(pair)).toBe(5 * MTU);
    expect(pair.client.stats().fastRetransmits).toBe(0);
  });

  it('over a whole transfer with a loss, never grows cwnd by more than one MTU per SACK', () => {
    let dataPackets = 0;
    const growth: { by: number; advanced: boolean; slowStart: boolean }[] = [];
    const pair = new SctpPair({
      mtu: 1200,
      // Lose the 41st DATA packet: the SACKs after it carry gap blocks and keep the cumulative ack.
      script: (dir, _i, p) => (dir === 'c2s' && isData(p) && dataPackets++ === 40 ? 'drop' : 'pass'),
      congestion: (mss, rtt, params, clock) => {
        const cc = renoFactory().create({ mss, rtt, clock, tracer: nullTracer, params: params ?? {} });
        const begin = cc.onAckBegin.bind(cc);
        const end = cc.onAckEnd.bind(cc);
        let before = 0;
        let cum = 0;
        let slowStart = false;
        cc.onAckBegin = (now) => {
          before = cc.cwnd;
          slowStart = cc.cwnd < cc.ssthresh;
          begin(now);
        };
        cc.onAckEnd = (s) => {
          end(s);
          const ack = pair.client.tx!.out.cumAck;
          growth.push({ by: cc.cwnd - before, advanced: ack !== cum, slowStart });
          cum = ack;
        };
        return cc;
      },
    }).connect();
    pair.client.sendMessage!(pattern(200_000), { stream: 0 });
    pair.time.run(pair.time.now() + 2000);
    expect(pair.serverLog.totalBytes).toBe(200_000);
    const inSlowStart = growth.filter((g) => g.slowStart);
    expect(inSlowStart.filter((g) => g.by > 0).length).toBeGreaterThan(10);
    expect(Math.max(...inSlowStart.map((g) => g.by))).toBe(MTU);
    // The loss happened in slow start: SACKs that kept the cumulative ack were seen there too.
    expect(inSlowStart.filter((g) => !g.advanced).length).toBeGreaterThan(0);
  });
});

describe('congestion avoidance (RFC 9260 §7.2.2)', () => {
  /** NewReno already out of slow start: ssthresh = cwnd = 4 MTU (as after a first loss). */
  const avoiding: PairOptions['congestion'] = (mss, rtt, params, clock) => {
    const cc = renoFactory().create({ mss, rtt, clock, tracer: nullTracer, params: params ?? {} });
    cc.onCongestionEvent({ now: -1, cause: 'loss', lostBytes: mss, bytesInFlight: 8 * mss, largestLostSentAt: -1, persistent: false });
    cc.onRecoveryEnd?.(-1);
    return cc;
  };

  it('counts chunks newly acknowledged by Gap Ack Blocks in partial_bytes_acked, and adds one MTU per cwnd acknowledged', () => {
    const { pair, cc, tsns } = blackHole(avoiding);
    expect(cc().phase).toBe('avoidance');
    pair.client.sendMessage!(pattern(50_000), { stream: 0 });
    const [first, second, third, fourth] = tsns();
    sack(pair, first - 1, [[second, third]]);
    expect(cc().snapshot().bytesAcked).toBe(2 * MTU);
    expect(cwnd(pair)).toBe(4 * MTU);
    // The new cumulative ack covers the other two: a cwnd's worth in all, so cwnd grows by one MTU.
    sack(pair, fourth);
    expect(cwnd(pair)).toBe(5 * MTU);
    expect(cc().snapshot().bytesAcked).toBe(0);
  });
});
