import { describe, it, expect } from 'vitest';
import type { CongestionControllerFactory } from '../../../../core/contracts/congestion.js';
import { TimeoutError } from '../../../../core/errors.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { TcpResetError } from '../../../../plugins/transport/tcp/session.js';
import { established, F, PEER_ISN, Script } from './script.js';

describe('scripted: handshake (RFC 9293 §3.5, RFC 7323, RFC 2018)', () => {
  it('sends a SYN with MSS, SACK-permitted, timestamps and window scale, then ACKs the SYN-ACK', () => {
    const s = new Script('client');
    s.session.start();
    const syn = s.next();
    expect(syn.header.flags).toBe(F.SYN);
    expect(syn.length).toBe(0);
    expect(syn.header.options).toMatchObject({ mss: 1452 - 20, sackPermitted: true, hasTimestamps: true, tsEcr: 0, wscale: 5 });
    expect(syn.header.window).toBe(65535);
    expect(s.session.state).toBe('SYN-SENT');
    s.advance(30);
    s.inject({
      flags: F.SYN | F.ACK,
      seq: 9999,
      ack: syn.header.seq + 1,
      window: 4000,
      options: { mss: 1200, sackPermitted: true, hasTimestamps: true, tsVal: 42, tsEcr: syn.header.options.tsVal, wscale: 3 },
    });
    const ack = s.next();
    expect(ack.header.flags).toBe(F.ACK);
    expect(ack.header.seq).toBe(syn.header.seq + 1);
    expect(ack.header.ack).toBe(10000);
    expect(ack.header.options.tsEcr).toBe(42);
    expect(ack.header.window).toBe((1 << 20) >> 5);
    expect(s.session.state).toBe('ESTABLISHED');
    expect(s.ep.openedAt).toBe(30);
    const st = s.session.stats();
    expect(st).toMatchObject({ mss: 1200 - 12, sndWnd: 4000, sack: true, timestamps: true, srtt: 30 });
    s.none();
  });

  it('retransmits the SYN with exponential backoff and gives up after synRetries', () => {
    const s = new Script('client', { synRetries: 2 });
    s.session.start();
    s.advance(20_000);
    const times = s.all.map((x) => x.time);
    expect(times).toEqual([0, 1000, 3000]);
    expect(s.all.every((x) => x.header.flags === F.SYN && x.header.seq === s.all[0].header.seq)).toBe(true);
    expect(s.ep.closedAt).toBe(7000);
    expect(s.ep.closeError).toBeInstanceOf(TimeoutError);
  });

  it('treats an RST acknowledging the SYN as connection refused', () => {
    const s = new Script('client');
    s.session.start();
    const syn = s.next();
    s.inject({ flags: F.RST | F.ACK, seq: 0, ack: syn.header.seq + 1 });
    expect(s.ep.closeError).toBeInstanceOf(TcpResetError);
    expect((s.ep.closeError as TcpResetError).code).toBe('ERR_TCP_CONNECTION_REFUSED');
  });

  it('answers a SYN-ACK with a bad ACK with RST and keeps waiting', () => {
    const s = new Script('client');
    s.session.start();
    const syn = s.next();
    s.inject({ flags: F.SYN | F.ACK, seq: 1, ack: syn.header.seq + 77 });
    const rst = s.next();
    expect(rst.header.flags).toBe(F.RST);
    expect(rst.header.seq).toBe(syn.header.seq + 77);
    expect(s.session.state).toBe('SYN-SENT');
  });

  it('drops a segment with a bad checksum and counts it', () => {
    const { s, data } = established();
    s.inject({ flags: F.ACK | F.PSH, seq: PEER_ISN + 1, ack: data, payload: 10, badChecksum: true });
    expect(s.ep.drops.tcp_bad_checksum).toBe(1);
    expect((s.session.stats().drops as Record<string, number>).tcp_bad_checksum).toBe(1);
    expect(s.ep.receivedBytes).toBe(0);
  });
});

describe('scripted: retransmission (RFC 6298, RFC 5681, RFC 6582, RFC 6675)', () => {
  it('backs off the RTO exponentially and retransmits the first unacknowledged segment', () => {
    const { s, data } = established({ ts: false });
    s.session.write(new Uint8Array(500));
    const first = s.next();
    expect(first.header.seq).toBe(data);
    s.advance(8000);
    const rex = s.sent.splice(0);
    expect(rex.map((x) => x.time - first.time)).toEqual([1000, 3000, 7000]);
    expect(rex.every((x) => x.header.seq === data && x.length === 500)).toBe(true);
    expect(s.session.stats().timeouts).toBe(3);
  });

  it('honours minRto (200 ms allowed)', () => {
    const { s, data } = established({ ts: false }, { minRto: 200 });
    s.session.write(new Uint8Array(500));
    const first = s.next();
    s.advance(350);
    expect(s.next().time - first.time).toBeCloseTo(300, 0); // SRTT 100 + 4·RTTVAR 200 = 300 ms > 200 ms floor
  });

  it('fast-retransmits after three duplicate ACKs (NewReno without SACK) and retransmits the next hole on a partial ACK', () => {
    const { s, data, peerAck } = established({ ts: false, sack: false });
    s.session.write(new Uint8Array(10_000));
    const segs = s.sent.splice(0);
    expect(segs.map((x) => x.length)).toEqual(new Array(10).fill(1000));
    peerAck(data + 1000);
    s.sent.splice(0);
    peerAck(data + 1000);
    peerAck(data + 1000);
    expect(s.sent.filter((x) => x.header.seq === data + 1000)).toEqual([]);
    peerAck(data + 1000);
    const rex = s.sent.filter((x) => x.header.seq === data + 1000);
    expect(rex.length).toBe(1);
    expect(s.session.stats().fastRecoveries).toBe(1);
    s.clear();
    peerAck(data + 4000); // partial ACK: segment at data+4000 is the next hole
    expect(s.sent.some((x) => x.header.seq === data + 4000 && x.length === 1000)).toBe(true);
  });

  it('recovers two holes from SACK information (RFC 6675)', () => {
    const { s, data, peerAck } = established({ ts: false, sack: true });
    s.session.write(new Uint8Array(10_000));
    s.clear();
    // Segments 1 and 4 (0-based) lost: SACK 2..3 and 5..9 arrive.
    const blocks = (r: number[]) => ({ options: { sackCount: r.length / 2, sack: r.map((v) => v >>> 0) } });
    peerAck(data + 1000, blocks([data + 2000, data + 3000]));
    peerAck(data + 1000, blocks([data + 2000, data + 4000]));
    peerAck(data + 1000, blocks([data + 5000, data + 6000, data + 2000, data + 4000]));
    peerAck(data + 1000, blocks([data + 5000, data + 10_000, data + 2000, data + 4000]));
    const rex = s.sent.filter((x) => x.length > 0).map((x) => x.header.seq - data);
    expect(rex).toContain(1000);
    expect(rex).toContain(4000);
    expect(rex).not.toContain(2000);
    expect(s.session.stats().sackBlocksReceived).toBeGreaterThan(0);
  });

  it('retransmits a lost retransmission once data sent after it is SACKed, without waiting for the RTO', () => {
    const { s, data, peerAck } = established({ ts: false, sack: true });
    s.session.write(new Uint8Array(30_000));
    s.clear();
    const blocks = (r: number[]) => ({ options: { sackCount: r.length / 2, sack: r.map((v) => v >>> 0) } });
    const rexOf = (seq: number) => s.all.filter((x) => x.header.seq === seq && x.length === 1000).length - 1;
    // Segment 1 lost: three SACKs start recovery and retransmit it.
    peerAck(data + 1000);
    peerAck(data + 1000, blocks([data + 2000, data + 3000]));
    peerAck(data + 1000, blocks([data + 2000, data + 4000]));
    peerAck(data + 1000, blocks([data + 2000, data + 5000]));
    expect(rexOf(data + 1000)).toBe(1);
    const rex = s.all.findIndex((x) => x.header.seq === data + 1000 && x.length === 1000 && x !== s.all.find((y) => y.header.seq === data + 1000));
    const nxtAtRex = Math.max(...s.all.slice(0, rex).map((x) => x.header.seq - data + x.length));
    // The rest of the window arrives; new data goes out behind the retransmission.
    peerAck(data + 1000, blocks([data + 2000, data + nxtAtRex]));
    expect(s.sent.some((x) => x.header.seq === data + nxtAtRex)).toBe(true);
    // Data sent after the retransmission is SACKed: two segments past it say nothing yet …
    peerAck(data + 1000, blocks([data + 2000, data + nxtAtRex + 2000]));
    expect(rexOf(data + 1000)).toBe(1);
    // … three say it was lost, and it goes out again at once.
    peerAck(data + 1000, blocks([data + 2000, data + nxtAtRex + 3000]));
    expect(rexOf(data + 1000)).toBe(2);
    expect(s.session.stats()).toMatchObject({ timeouts: 0, lostRetransmissions: 1 });
  });

  it('takes no RTT sample from the sequence numbers of an ACK that also covers a retransmission (Karn)', () => {
    const { s, data, peerAck } = established({ ts: false, sack: true });
    const srtt = s.session.stats().srtt;
    s.session.write(new Uint8Array(3000));
    s.advance(1000); // RTO: the first segment is retransmitted
    expect(s.session.stats().timeouts).toBe(1);
    s.advance(10);
    // The ACK covers the retransmission and two segments sent 1010 ms ago: no sample.
    peerAck(data + 3000);
    expect(s.session.stats().srtt).toBe(srtt);
  });

  it('detects a spurious RTO with timestamps (Eifel) and undoes the reduction', () => {
    const undone: number[] = [];
    const base = renoFactory();
    const cc: CongestionControllerFactory = {
      create: (ctx) => {
        const c = base.create(ctx);
        const orig = c.onSpuriousCongestion?.bind(c);
        c.onSpuriousCongestion = (now: number) => {
          undone.push(now);
          orig?.(now);
        };
        return c;
      },
    };
    const { s, data } = established({ ts: true }, {}, cc);
    s.session.write(new Uint8Array(500));
    const orig = s.next();
    s.advance(1000);
    const rex = s.next();
    expect(rex.header.seq).toBe(data);
    expect(rex.header.options.tsVal).toBeGreaterThan(orig.header.options.tsVal);
    // The original's ACK arrives late, echoing the original TSval.
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data + 500, options: { hasTimestamps: true, tsVal: 900, tsEcr: orig.header.options.tsVal } });
    expect(s.session.stats().spuriousRetransmissions).toBe(1);
    expect(undone).toEqual([s.vt.now()]);
  });

  it('detects a spurious fast retransmit from a D-SACK without timestamps (RFC 3708)', () => {
    const undone: number[] = [];
    const base = renoFactory();
    const cc: CongestionControllerFactory = {
      create: (ctx) => {
        const c = base.create(ctx);
        const orig = c.onSpuriousCongestion?.bind(c);
        c.onSpuriousCongestion = (now: number) => {
          undone.push(now);
          orig?.(now);
        };
        return c;
      },
    };
    const { s, data, peerAck } = established({ ts: false, sack: true }, {}, cc);
    s.session.write(new Uint8Array(10_000));
    s.clear();
    const blocks = (r: number[]) => ({ options: { sackCount: r.length / 2, sack: r.map((v) => v >>> 0) } });
    peerAck(data + 1000);
    peerAck(data + 1000, blocks([data + 2000, data + 3000]));
    peerAck(data + 1000, blocks([data + 2000, data + 4000]));
    peerAck(data + 1000, blocks([data + 2000, data + 5000]));
    expect(s.sent.some((x) => x.header.seq === data + 1000 && x.length === 1000)).toBe(true);
    expect(undone).toEqual([]);
    // The original was only delayed: everything is acknowledged, then the retransmission is reported as a duplicate.
    peerAck(data + 10_000);
    expect(s.session.stats().spuriousRetransmissions).toBe(0);
    peerAck(data + 10_000, blocks([data + 1000, data + 2000]));
    expect(s.session.stats()).toMatchObject({ spuriousRetransmissions: 1, dsacksReceived: 1 });
    expect(undone.length).toBe(1);
  });

  it('does not call a genuine loss spurious', () => {
    const { s, data } = established({ ts: true });
    s.session.write(new Uint8Array(500));
    s.next();
    s.advance(1000);
    const rex = s.next();
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data + 500, options: { hasTimestamps: true, tsVal: 900, tsEcr: rex.header.options.tsVal } });
    expect(s.session.stats().spuriousRetransmissions).toBe(0);
  });
});

describe('scripted: flow control (RFC 9293 §3.8.6, RFC 7323)', () => {
  it('stops at a zero window, probes with backoff, and resumes on a window update', () => {
    const { s, data, peerAck } = established({ ts: false }, { minRto: 200 });
    s.session.write(new Uint8Array(2000));
    s.clear();
    peerAck(data + 2000, { window: 0 });
    s.session.write(new Uint8Array(3000));
    expect(s.sent.filter((x) => x.length > 0)).toEqual([]);
    s.advance(5000);
    const probes = s.sent.splice(0);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.every((p) => p.length === 0 && p.header.seq === ((data + 2000 - 1) >>> 0))).toBe(true);
    const gaps = probes.slice(1).map((p, i) => p.time - probes[i].time);
    expect(gaps[1]).toBeCloseTo(2 * gaps[0], 5);
    peerAck(data + 2000, { window: 65535 });
    expect(s.sent.filter((x) => x.length > 0).reduce((a, x) => a + x.length, 0)).toBe(3000);
  });

  it("applies Nagle's algorithm by default and not after setNoDelay(true)", () => {
    const { s, data, peerAck } = established({ ts: false });
    s.session.write(new Uint8Array(1));
    s.session.write(new Uint8Array(1));
    s.session.write(new Uint8Array(1));
    expect(s.sent.splice(0).map((x) => x.length)).toEqual([1]);
    peerAck(data + 1);
    expect(s.sent.splice(0).map((x) => x.length)).toEqual([2]);
    s.session.setNoDelay(true);
    s.session.write(new Uint8Array(1));
    s.session.write(new Uint8Array(1));
    expect(s.sent.splice(0).map((x) => x.length)).toEqual([1, 1]);
  });

  it('scales windows both ways once negotiated', () => {
    const { s, data, peerAck } = established({ ts: false, wscale: 4, window: 65535 });
    peerAck(data, { window: 1000 }); // 1000 << 4 = 16000 bytes
    expect(s.session.stats().sndWnd).toBe(16_000);
    s.session.write(new Uint8Array(20_000));
    const bytes = s.sent.reduce((a, x) => a + x.length, 0);
    expect(bytes).toBe(10_000); // min(initial window 10·MSS, 16000) in full segments
  });

  it('returns false from write() once sendBuffer bytes wait to be sent, and signals writable() when half went out', () => {
    // The peer's 1000-byte window lets one segment out per ACK.
    const { s, data, peerAck } = established({ ts: false, window: 1000 }, { sendBuffer: 4096 });
    expect(s.session.write(new Uint8Array(3000))).toBe(true); // 1000 sent, 2000 wait
    expect(s.session.write(new Uint8Array(3000))).toBe(false); // 5000 wait
    expect(s.session.bufferedAmount).toBe(6000);
    peerAck(data + 1000);
    peerAck(data + 2000);
    expect(s.ep.writableCount).toBe(0); // 3000 still wait to be sent
    peerAck(data + 3000);
    expect(s.ep.writableCount).toBe(1); // 2000 ≤ half of sendBuffer
    expect(s.session.bufferedAmount).toBe(3000);
  });

  it('does not count data in flight against sendBuffer: a full window in flight still accepts writes', () => {
    const { s } = established({ ts: false }, { sendBuffer: 4096 });
    expect(s.session.write(new Uint8Array(3000))).toBe(true); // the initial window goes out at once
    expect(s.session.write(new Uint8Array(3000))).toBe(true); // 6000 unacknowledged, none waiting
    expect(s.session.bufferedAmount).toBe(6000);
    expect(s.ep.writableCount).toBe(0);
  });

  it('delays ACKs for one segment, ACKs every second full segment once the batch of input is handled', () => {
    const { s, data } = established({ ts: false });
    s.clear();
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1000 });
    expect(s.sent).toEqual([]);
    s.advance(39);
    expect(s.sent).toEqual([]);
    s.advance(2);
    expect(s.next().header.ack).toBe(PEER_ISN + 1001);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1001, ack: data, payload: 1432 });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 2433, ack: data, payload: 1432 });
    expect(s.sent).toEqual([]); // owed, but not inside the arrival of the second segment
    s.advance(0);
    expect(s.next().header.ack).toBe(PEER_ISN + 3865);
    expect(s.sent).toEqual([]);
  });

  it('with ackCoalescing, one ACK covers every in-order segment of a batch', () => {
    const { s, data } = established({ ts: false });
    s.clear();
    for (let i = 0; i < 6; i++) s.inject({ flags: F.ACK, seq: PEER_ISN + 1 + 1432 * i, ack: data, payload: 1432 });
    expect(s.sent).toEqual([]);
    s.advance(0);
    expect(s.next().header.ack).toBe(PEER_ISN + 1 + 6 * 1432);
    expect(s.sent).toEqual([]);
  });

  it('with ackCoalescing false, ACKs every second full segment at once (RFC 9293 §3.8.6.3)', () => {
    const { s, data } = established({ ts: false }, { ackCoalescing: false });
    s.clear();
    for (let i = 0; i < 6; i++) s.inject({ flags: F.ACK, seq: PEER_ISN + 1 + 1432 * i, ack: data, payload: 1432 });
    expect(s.sent.map((w) => w.header.ack)).toEqual([PEER_ISN + 1 + 2 * 1432, PEER_ISN + 1 + 4 * 1432, PEER_ISN + 1 + 6 * 1432]);
  });

  it('with ackCoalescing, still ACKs an out-of-order segment at once', () => {
    const { s, data } = established({ ts: false });
    s.clear();
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1000 });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1001, ack: data, payload: 1000 });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 3001, ack: data, payload: 1000 }); // a hole at 2001
    expect(s.next().header.ack).toBe(PEER_ISN + 2001);
    expect(s.sent).toEqual([]);
  });

  it('ACKs out-of-order data at once with SACK blocks and a D-SACK for duplicates', () => {
    const { s, data } = established({ ts: false });
    s.clear();
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1001, ack: data, payload: 500 });
    const a1 = s.next();
    expect(a1.header.ack).toBe(PEER_ISN + 1);
    expect(a1.header.options.sack.slice(0, 2)).toEqual([PEER_ISN + 1001, PEER_ISN + 1501]);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1000 });
    expect(s.next().header.ack).toBe(PEER_ISN + 1501);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1000 });
    const dup = s.next();
    expect(dup.header.options.sackCount).toBe(1);
    expect(dup.header.options.sack.slice(0, 2)).toEqual([PEER_ISN + 1, PEER_ISN + 1001]);
    expect(s.ep.receivedBytes).toBe(1500);
  });

  it('takes an out-of-order FIN only once the data before it arrives, and nothing beyond it', () => {
    const { s, data } = established({ ts: false });
    s.inject({ flags: F.ACK | F.FIN, seq: PEER_ISN + 1001, ack: data });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1001, ack: data, payload: 500 }); // bogus bytes past the FIN
    expect(s.session.state).toBe('ESTABLISHED');
    expect(s.ep.remoteEndedAt).toBe(-1);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1000 });
    expect(s.ep.receivedBytes).toBe(1000);
    expect(s.ep.remoteEndedAt).toBeGreaterThanOrEqual(0);
    expect(s.session.state).toBe('CLOSE-WAIT');
    expect(s.sent[s.sent.length - 1].header.ack).toBe(PEER_ISN + 1002);
  });

  it('closes its window while the application is full and reopens it on resume()', () => {
    const { s, data } = established({ ts: false }, { receiveBuffer: 8192, delayedAck: 0 });
    s.ep.accepting = false;
    let seq = PEER_ISN + 1;
    let last = 0;
    for (let i = 0; i < 12; i++) {
      s.inject({ flags: F.ACK, seq, ack: data, payload: 1000 });
      const a = s.sent.pop();
      if (a !== undefined) last = a.header.window;
      seq += 1000;
    }
    expect(last).toBe(0);
    expect(s.ep.receivedBytes).toBe(1000); // only the first chunk reached the full application
    s.clear();
    s.ep.accepting = true;
    s.session.resume();
    const upd = s.next();
    expect(upd.header.window).toBeGreaterThan(0);
    expect(s.ep.receivedBytes).toBe(8192);
  });
});

describe('scripted: RST and injection protections (RFC 5961)', () => {
  it('resets on an RST exactly at RCV.NXT', () => {
    const { s, data } = established();
    s.inject({ flags: F.RST, seq: PEER_ISN + 1 });
    expect((s.ep.closeError as TcpResetError).code).toBe('ERR_TCP_CONNECTION_RESET');
    expect(s.session.state).toBe('CLOSED');
  });

  it('answers an in-window but inexact RST with a challenge ACK', () => {
    const { s, data } = established();
    s.clear();
    s.inject({ flags: F.RST, seq: PEER_ISN + 100 });
    expect(s.session.state).toBe('ESTABLISHED');
    const c = s.next();
    expect(c.header.flags).toBe(F.ACK);
    expect(c.header.ack).toBe(PEER_ISN + 1);
    expect(s.session.stats().challengeAcks).toBe(1);
  });

  it('ignores an RST outside the window', () => {
    const { s, data } = established();
    s.clear();
    s.inject({ flags: F.RST, seq: PEER_ISN + 10_000_000 });
    expect(s.session.state).toBe('ESTABLISHED');
    s.none();
  });

  it('answers a SYN in ESTABLISHED with a challenge ACK and stays', () => {
    const { s, data } = established();
    s.clear();
    s.inject({ flags: F.SYN, seq: 123 });
    expect(s.session.state).toBe('ESTABLISHED');
    expect(s.next().header.ack).toBe(PEER_ISN + 1);
  });

  it('drops blind data whose ACK acknowledges unsent data or is older than the window', () => {
    const { s, data } = established({ ts: false });
    s.clear();
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data + 50_000, payload: 100 });
    expect(s.ep.receivedBytes).toBe(0);
    expect(s.next().header.flags).toBe(F.ACK);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data - 1_000_000, payload: 100 });
    expect(s.ep.receivedBytes).toBe(0);
    expect(s.ep.drops.tcp_ack_unsent).toBe(1);
    expect(s.ep.drops.tcp_ack_too_old).toBe(1);
  });

  it('rate-limits challenge ACKs', () => {
    const { s, data } = established({}, { challengeAckLimit: 3 });
    s.clear();
    for (let i = 0; i < 10; i++) s.inject({ flags: F.RST, seq: PEER_ISN + 100 + i });
    expect(s.sent.length).toBe(3);
    s.advance(1001);
    s.inject({ flags: F.RST, seq: PEER_ISN + 100 });
    expect(s.sent.length).toBe(4);
  });

  it('drops segments that fail PAWS (RFC 7323 §5)', () => {
    const { s, data } = established({ ts: true });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 10, options: { hasTimestamps: true, tsVal: 5000, tsEcr: 0 } });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 11, ack: data, payload: 10, options: { hasTimestamps: true, tsVal: 4000, tsEcr: 0 } });
    expect(s.ep.drops.tcp_paws).toBe(1);
    expect(s.ep.receivedBytes).toBe(10);
  });
});

describe('scripted: keepalive and idle timeout', () => {
  it('probes after the keepalive delay and fails after unanswered probes', () => {
    const { s, data } = established({ ts: false }, { keepAliveInterval: 1000, keepAliveProbes: 3 });
    s.clear();
    s.session.setKeepAlive(true, 5000);
    s.advance(4900);
    expect(s.sent).toEqual([]);
    s.advance(200);
    expect(s.next().length).toBe(0);
    s.advance(10_000);
    expect(s.ep.closeError).toBeInstanceOf(TimeoutError);
    expect((s.ep.closeError as TimeoutError).code).toBe('ERR_TCP_KEEPALIVE_TIMEOUT');
  });

  it('closes after idleTimeout without traffic', () => {
    const { s, data } = established({ ts: false }, { idleTimeout: 3000 });
    s.advance(2000);
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data, payload: 1 });
    s.advance(2500);
    expect(s.ep.closedAt).toBe(-1);
    s.advance(1000);
    expect((s.ep.closeError as TimeoutError).code).toBe('ERR_TCP_IDLE_TIMEOUT');
  });
});
