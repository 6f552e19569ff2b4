import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { SctpInvalidStreamError } from '../../../../plugins/transport/sctp/errors.js';
import { PayloadTooLargeError } from '../../../../core/errors.js';

/** Drop the first `n` transmissions of DATA whose payload starts with `marker`. */
function dropMarked(marker: number, n = 1) {
  let left = n;
  return (dir: 'c2s' | 's2c', _i: number, p: Uint8Array) => {
    if (dir === 'c2s' && left > 0 && chunksOf(p).some((c) => c.type === ChunkType.DATA && c.first === marker)) {
      left--;
      return 'drop' as const;
    }
    return 'pass' as const;
  };
}

describe('stream negotiation (RFC 9260 §5.1.1)', () => {
  it('uses min(own OS, peer MIS) outbound streams and refuses sends beyond them', () => {
    const pair = new SctpPair({ client: { outboundStreams: 100 }, server: { maxInboundStreams: 4, outboundStreams: 3 } }).connect();
    expect(pair.client.stats()).toMatchObject({ outboundStreams: 4, inboundStreams: 3 });
    expect(pair.server!.stats()).toMatchObject({ outboundStreams: 3, inboundStreams: 4 });
    expect(() => pair.client.sendMessage!(Uint8Array.of(1), { stream: 4 })).toThrow(SctpInvalidStreamError);
    expect(() => pair.client.sendMessage!(new Uint8Array(300 * 1024), { stream: 0 })).toThrow(PayloadTooLargeError);
    expect(() => pair.client.sendMessage!(new Uint8Array(0), { stream: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SCTP_EMPTY_MESSAGE' }));
  });

  it('supports 65535 streams each way', () => {
    const pair = new SctpPair({ client: { outboundStreams: 65535, maxInboundStreams: 65535 }, server: { outboundStreams: 65535, maxInboundStreams: 65535 } }).connect();
    pair.client.sendMessage!(Uint8Array.of(7), { stream: 65534 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages[0].info.stream).toBe(65534);
  });
});

describe('ordering across and within streams (RFC 9260 §6.5, §6.6)', () => {
  it('a loss on stream 1 does not delay delivery on stream 2 (no head-of-line blocking across streams)', () => {
    const pair = new SctpPair({ delay: 20, script: dropMarked(0xa1) }).connect();
    const t0 = pair.time.now();
    pair.client.sendMessage!(Uint8Array.of(0xa1, 1), { stream: 1 });
    pair.client.sendMessage!(Uint8Array.of(0xa1 + 1, 2), { stream: 1 });
    pair.client.sendMessage!(Uint8Array.of(0xb2, 3), { stream: 2 });
    pair.time.run(t0 + 5000);
    const at = (b: number): number => pair.serverLog.messages.find((m) => m.data[1] === b)!.at - t0;
    expect(at(3)).toBe(20); // stream 2: one one-way delay
    expect(at(1)).toBeGreaterThan(200); // stream 1: after a retransmission
    expect(at(2)).toBe(at(1)); // held behind the lost message on its own stream, released with it
  });

  it('delivers unordered messages as they arrive, before an earlier lost ordered message', () => {
    const pair = new SctpPair({ script: dropMarked(0xc1) }).connect();
    pair.client.sendMessage!(Uint8Array.of(0xc1), { stream: 0 });
    pair.client.sendMessage!(Uint8Array.of(0xc2), { stream: 0, unordered: true });
    pair.client.sendMessage!(Uint8Array.of(0xc3), { stream: 0 });
    pair.time.run(pair.time.now() + 5000);
    expect(pair.serverLog.messages.map((m) => [m.data[0], m.info.unordered])).toEqual([
      [0xc2, true],
      [0xc1, false],
      [0xc3, false],
    ]);
  });

  it('reassembles interleaved fragmented messages of several streams under loss', () => {
    let n = 0;
    const pair = new SctpPair({ seed: 5, jitter: 5, script: () => (++n % 7 === 0 ? 'drop' : 'pass') }).connect();
    const msgs = Array.from({ length: 12 }, (_, i) => pattern(3000 + i * 997, i));
    msgs.forEach((m, i) => pair.client.sendMessage!(m, { stream: i % 3, unordered: i % 4 === 3 }));
    pair.time.runUntil(() => pair.serverLog.messages.length === 12, 600_000);
    for (let s = 0; s < 3; s++) {
      const got = pair.serverLog.messages.filter((m) => m.info.stream === s && !m.info.unordered).map((m) => m.data.length);
      const want = msgs.filter((_, i) => i % 3 === s && i % 4 !== 3).map((m) => m.length);
      expect(got).toEqual(want);
    }
    for (const m of pair.serverLog.messages) expect(msgs.some((x) => x.length === m.data.length && Buffer.compare(Buffer.from(x), Buffer.from(m.data)) === 0)).toBe(true);
  });
});

describe('receive window and backpressure (RFC 9260 §6.2)', () => {
  it('stops the sender at the advertised window while the application does not read, then resumes', () => {
    const pair = new SctpPair({ server: { receiveWindow: 16_000, maxMessageSize: 16_000 } }).connect();
    pair.serverLog.accept = false;
    for (let i = 0; i < 100; i++) pair.client.sendMessage!(new Uint8Array(1000).fill(i), { stream: 0 });
    pair.time.run(pair.time.now() + 5000);
    const held = pair.serverLog.messages.length;
    expect(held).toBe(1); // the first message was delivered, deliver() returned false
    const rwnd = pair.server!.stats().rwnd as number;
    expect(rwnd).toBeLessThan(1000);
    expect(pair.client.bufferedAmount).toBeGreaterThan(80_000);
    pair.serverLog.accept = true;
    pair.server!.resume();
    pair.time.run(pair.time.now() + 20_000);
    expect(pair.serverLog.messages.length).toBe(100);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(pair.client.bufferedAmount).toBe(0);
  });

  it('write() returns false once sendBufferSize bytes wait to be sent, and ctx.writable() fires once half went out', () => {
    const pair = new SctpPair({ client: { sendBufferSize: 50_000 } }).connect();
    let ok = true;
    let i = 0;
    while (ok) {
      const before = pair.client.stats().unsentAmount as number;
      ok = pair.client.write(new Uint8Array(10_000).fill(i++));
      expect(before).toBeLessThan(50_000);
      expect(ok).toBe((pair.client.stats().unsentAmount as number) < 50_000);
    }
    // The first write went out up to the initial cwnd at once (RFC 9260 §7.2.1), so a sixth write fits.
    expect(i).toBe(6);
    expect(pair.client.bufferedAmount).toBe(60_000);
    pair.time.run(pair.time.now() + 5000);
    expect(pair.clientLog.writable).toBe(1);
    expect(pair.serverLog.totalBytes).toBe(60_000);
  });

  it('data in flight does not count against sendBufferSize: a full window in flight still accepts writes', () => {
    // After setup every DATA packet is lost, so what was sent stays in flight, unacknowledged.
    let lose = false;
    const pair = new SctpPair({ client: { sendBufferSize: 8_000 }, script: (dir) => (lose && dir === 'c2s' ? 'drop' : 'pass') }).connect();
    lose = true;
    expect(pair.client.write(new Uint8Array(6_000))).toBe(true);
    expect(pair.client.stats().bytesInFlight as number).toBeGreaterThan(2_000); // the initial cwnd went out
    // 10,000 bytes unacknowledged is above sendBufferSize, but fewer than 8,000 wait to be sent.
    expect(pair.client.write(new Uint8Array(4_000))).toBe(true);
    expect(pair.client.bufferedAmount).toBe(10_000);
    expect(pair.client.stats().unsentAmount as number).toBeLessThan(8_000);
    expect(pair.client.write(new Uint8Array(4_000))).toBe(false);
  });
});

describe('partial reliability (RFC 3758)', () => {
  it('abandons a message after maxRetransmits and skips it with FORWARD TSN; later messages flow', () => {
    const pair = new SctpPair({ script: dropMarked(0xd1, 10) }).connect();
    pair.client.sendMessage!(Uint8Array.of(0xd1), { stream: 1, maxRetransmits: 1 });
    pair.client.sendMessage!(Uint8Array.of(0xd2), { stream: 1 });
    pair.client.sendMessage!(Uint8Array.of(0xd3), { stream: 2 });
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.messages.map((m) => m.data[0]).sort()).toEqual([0xd2, 0xd3]);
    const c = pair.client.stats();
    expect(c.abandonedMessages).toBe(1);
    expect(c.forwardTsnSent as number).toBeGreaterThanOrEqual(1);
    expect(pair.server!.stats().forwardTsnReceived as number).toBeGreaterThanOrEqual(1);
    expect(pair.wire.c2s.some((p) => chunksOf(p).some((ch) => ch.type === ChunkType.FORWARD_TSN))).toBe(true);
    expect(pair.client.bufferedAmount).toBe(0);
  });

  it('abandons a message whose lifetime expired, including its unacknowledged fragments', () => {
    const pair = new SctpPair({ script: dropMarked(0x10, 2) }).connect();
    const big = new Uint8Array(5000).fill(0x11);
    big[0] = 0x10; // the first fragment carries the marker: it and its fast retransmission are lost, T3 then finds the lifetime over
    pair.client.sendMessage!(big, { stream: 3, lifetime: 100 });
    pair.client.sendMessage!(Uint8Array.of(0xe1), { stream: 3 });
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.messages.map((m) => m.data.length)).toEqual([1]);
    expect(pair.client.stats().abandonedMessages).toBe(1);
    expect(pair.server!.stats().rwnd).toBe(pair.serverOptions.receiveWindow);
  });

  it('never abandons reliable messages and delivers unordered PR messages that arrive', () => {
    const pair = new SctpPair().connect();
    for (let i = 0; i < 10; i++) pair.client.sendMessage!(Uint8Array.of(i), { stream: 0, unordered: true, maxRetransmits: 0 });
    pair.time.run(pair.time.now() + 5000);
    expect(pair.serverLog.messages.length).toBe(10);
    expect(pair.client.stats().abandonedMessages).toBe(0);
  });

  it('sends PR messages reliably when the peer did not offer FORWARD TSN', () => {
    const pair = new SctpPair({ server: { partialReliability: false }, script: dropMarked(0xf1, 2) }).connect();
    expect(pair.client.stats().partialReliability).toBe(false);
    pair.client.sendMessage!(Uint8Array.of(0xf1), { stream: 0, maxRetransmits: 0 });
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([0xf1]);
  });
});

describe('FORWARD TSN validation (RFC 3758 §3.6)', () => {
  it('ignores a FORWARD TSN that jumps beyond the receive map, and one behind the cumulative TSN', async () => {
    const { buildPacket } = await import('../../../../plugins/transport/sctp/packet.js');
    const { encodeForwardTsn } = await import('../../../../plugins/transport/sctp/chunks/forward-tsn.js');
    const pair = new SctpPair().connect();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 0 });
    pair.time.run(pair.time.now() + 1000);
    const s = pair.server!;
    const cum = s.rx!.map.cumTsn;
    s.handleDatagram(buildPacket(5000, 7, s.localTag, [encodeForwardTsn((cum + 1_000_000) >>> 0, [])]));
    expect(s.rx!.map.cumTsn).toBe(cum);
    expect(pair.serverLog.drops.sctp_forward_tsn_beyond_window).toBe(1);
    s.handleDatagram(buildPacket(5000, 7, s.localTag, [encodeForwardTsn((cum - 5) >>> 0, [0, 0])]));
    expect(s.rx!.map.cumTsn).toBe(cum);
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 0 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([1, 2]);
  });
});

describe('zero window (RFC 9260 §6.1)', () => {
  it('keeps probing a closed window for minutes without declaring the answering peer dead', () => {
    const pair = new SctpPair({ server: { receiveWindow: 4000, maxMessageSize: 4000 }, client: { heartbeatInterval: 0 } }).connect();
    pair.serverLog.accept = false;
    for (let i = 0; i < 20; i++) pair.client.sendMessage!(new Uint8Array(1000).fill(i), { stream: 0 });
    pair.time.run(pair.time.now() + 300_000);
    expect(pair.clientLog.closed).toBe(0);
    expect(pair.client.stats().t3Expirations as number).toBeGreaterThan(5);
    pair.serverLog.accept = true;
    pair.server!.resume();
    pair.time.run(pair.time.now() + 120_000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
