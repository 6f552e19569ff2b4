import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { SctpAbortedError, SctpPeerUnreachableError } from '../../../../plugins/transport/sctp/errors.js';
import { sealPacket } from '../../../../plugins/transport/sctp/packet.js';

const types = (ps: Uint8Array[]): number[] => ps.flatMap((p) => chunksOf(p).map((c) => c.type));

describe('graceful shutdown (RFC 9260 §9.2)', () => {
  it('delivers all data, then SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE closes both sides cleanly', () => {
    const pair = new SctpPair().connect();
    for (let i = 0; i < 50; i++) pair.client.sendMessage!(new Uint8Array(1000).fill(i), { stream: i % 4 });
    pair.client.end();
    expect(() => pair.client.write(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'ERR_SCTP_SHUTDOWN' }));
    pair.time.run(pair.time.now() + 10_000);
    expect(pair.serverLog.messages.length).toBe(50);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
    expect(pair.serverLog.closeError).toBeUndefined();
    expect(pair.serverLog.remoteEnded).toBe(1);
    expect(pair.clientLog.remoteEnded).toBe(1);
    const c2s = types(pair.wire.c2s);
    const s2c = types(pair.wire.s2c);
    expect(c2s.indexOf(ChunkType.SHUTDOWN)).toBeGreaterThan(c2s.lastIndexOf(ChunkType.DATA));
    expect(s2c).toContain(ChunkType.SHUTDOWN_ACK);
    expect(c2s[c2s.length - 1]).toBe(ChunkType.SHUTDOWN_COMPLETE);
    expect(pair.client.stats().state).toBe('CLOSED');
  });

  it('finishes the peer’s queued data before SHUTDOWN ACK when the peer still had data to send', () => {
    const pair = new SctpPair().connect();
    for (let i = 0; i < 20; i++) pair.server!.sendMessage!(new Uint8Array(1200).fill(i), { stream: 0 });
    pair.client.end();
    pair.time.run(pair.time.now() + 10_000);
    expect(pair.clientLog.messages.length).toBe(20);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.serverLog.closed).toBe(1);
  });

  it('retransmits SHUTDOWN on T2 expiry when it is lost', () => {
    let dropped = 0;
    const pair = new SctpPair({
      script: (dir, _i, p) => {
        if (dir === 'c2s' && chunksOf(p)[0]?.type === ChunkType.SHUTDOWN && dropped < 2) {
          dropped++;
          return 'drop';
        }
        return 'pass';
      },
    }).connect();
    pair.client.end();
    pair.time.run(pair.time.now() + 20_000);
    expect(dropped).toBe(2);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
  });
});

describe('abort (RFC 9260 §9.1)', () => {
  it('sends ABORT with User-Initiated Abort; the peer closes with SctpAbortedError', () => {
    const pair = new SctpPair().connect();
    pair.client.abort();
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.serverLog.closeError).toBeInstanceOf(SctpAbortedError);
    expect((pair.serverLog.closeError as SctpAbortedError).causes).toEqual([12]);
    expect(() => pair.client.write(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'ERR_SCTP_CLOSED' }));
  });

  it('ignores an ABORT whose verification tag is not ours', () => {
    const pair = new SctpPair().connect();
    // A well-formed ABORT (valid CRC32c, T bit clear) carrying a tag that is not the server's.
    const forged = new Uint8Array(16);
    forged.set([0x13, 0x88, 0x00, 0x07, 1, 2, 3, 4], 0);
    forged.set([6, 0, 0, 4], 12);
    sealPacket(forged);
    pair.server!.handleDatagram(forged);
    expect(pair.serverLog.closed).toBe(0);
    expect(pair.serverLog.drops.sctp_bad_vtag).toBe(1);
  });
});

describe('liveness (RFC 9260 §8)', () => {
  it('sends HEARTBEATs on an idle association, measures RTT from their ACKs', () => {
    const pair = new SctpPair({ client: { heartbeatInterval: 1000 }, delay: 25 }).connect();
    pair.time.run(pair.time.now() + 10_000);
    const st = pair.client.stats();
    expect(st.heartbeatsSent as number).toBeGreaterThanOrEqual(4);
    expect(types(pair.wire.s2c)).toContain(ChunkType.HEARTBEAT_ACK);
    expect(st.srtt).toBeCloseTo(50, 0);
    expect(pair.clientLog.closed).toBe(0);
  });

  it('declares an idle peer unreachable after Path.Max.Retrans unanswered HEARTBEATs', () => {
    let cut = false;
    const pair = new SctpPair({ client: { heartbeatInterval: 1000, pathMaxRetrans: 3 }, script: () => (cut ? 'drop' : 'pass') }).connect();
    cut = true;
    pair.time.run(pair.time.now() + 120_000);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeInstanceOf(SctpPeerUnreachableError);
    expect((pair.clientLog.closeError as SctpPeerUnreachableError).code).toBe('ERR_SCTP_PEER_UNREACHABLE');
  });

  it('declares the peer unreachable after Association.Max.Retrans T3-rtx expiries with data outstanding', () => {
    let cut = false;
    const pair = new SctpPair({ client: { heartbeatInterval: 0, associationMaxRetrans: 4 }, script: () => (cut ? 'drop' : 'pass') }).connect();
    cut = true;
    const t0 = pair.time.now();
    pair.client.write(new Uint8Array(3000));
    pair.time.run(t0 + 600_000);
    expect(pair.clientLog.closeError).toBeInstanceOf(SctpPeerUnreachableError);
    expect(pair.client.stats().t3Expirations).toBe(5);
    // RTO doubles each time: 1 + 2 + 4 + 8 + 16 s.
    expect(pair.clientLog.closedAt - t0).toBeGreaterThanOrEqual(31_000);
    expect(pair.clientLog.closedAt - t0).toBeLessThan(40_000);
  });
});

describe('shutdown under loss', () => {
  it('loses nothing in either direction when one side ends while both still have data in flight at 5 % loss', () => {
    let n = 0;
    const pair = new SctpPair({ seed: 17, jitter: 3, script: () => (++n * 2654435761) % 100 < 5 ? 'drop' : 'pass' }).connect();
    const c2s = Array.from({ length: 150 }, (_, i) => new Uint8Array(1500).fill(i & 0xff));
    const s2c = Array.from({ length: 150 }, (_, i) => new Uint8Array(1300).fill((i * 7) & 0xff));
    c2s.forEach((m, i) => pair.client.sendMessage!(m, { stream: i % 5 }));
    s2c.forEach((m, i) => pair.server!.sendMessage!(m, { stream: i % 3 }));
    pair.client.end();
    pair.time.run(pair.time.now() + 600_000);
    expect(pair.serverLog.messages.length).toBe(150);
    expect(pair.clientLog.messages.length).toBe(150);
    for (let st = 0; st < 5; st++) {
      expect(pair.serverLog.messages.filter((m) => m.info.stream === st).map((m) => m.data[0])).toEqual(
        c2s.map((m, i) => [m[0], i] as const).filter(([, i]) => i % 5 === st).map(([b]) => b),
      );
    }
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
    expect(pair.serverLog.closeError).toBeUndefined();
  });

  it('the server can end first; both sides SHUTDOWN at once also completes', () => {
    const pair = new SctpPair().connect();
    pair.server!.sendMessage!(Uint8Array.of(1), { stream: 0 });
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 0 });
    pair.server!.end();
    pair.client.end();
    pair.time.run(pair.time.now() + 10_000);
    expect(pair.clientLog.messages.map((m) => m.data[0])).toEqual([1]);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([2]);
    expect([pair.clientLog.closed, pair.serverLog.closed]).toEqual([1, 1]);
    expect([pair.clientLog.closeError, pair.serverLog.closeError]).toEqual([undefined, undefined]);
  });
});

describe('lost SHUTDOWN COMPLETE (RFC 9260 §8.4 rule 5, §8.5.1 C)', () => {
  it('the closed side answers the retransmitted SHUTDOWN ACK out of the blue with a T-bit SHUTDOWN COMPLETE, which the peer accepts', () => {
    let dropped = 0;
    const pair = new SctpPair({
      script: (dir, _i, p) => (dir === 'c2s' && chunksOf(p)[0]?.type === ChunkType.SHUTDOWN_COMPLETE && dropped++ === 0 ? 'drop' : 'pass'),
    }).connect();
    pair.client.end();
    pair.time.run(pair.time.now() + 10_000);
    expect(dropped).toBe(2);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.serverLog.closeError).toBeUndefined();
    const last = pair.wire.c2s[pair.wire.c2s.length - 1];
    expect(chunksOf(last)[0]).toMatchObject({ type: ChunkType.SHUTDOWN_COMPLETE, flags: 1 });
  });
});
