import { describe, it, expect } from 'vitest';
import { Outbound, type OutMessage } from '../../../../plugins/transport/sctp/outbound.js';
import { FLAG_B, FLAG_E, FLAG_U } from '../../../../plugins/transport/sctp/chunk-types.js';

function msg(len: number, o: Partial<OutMessage> = {}): OutMessage {
  return { stream: 0, ppid: 0, unordered: false, data: new Uint8Array(len), maxRetransmits: -1, expiresAt: Infinity, ssn: 0, offset: 0, abandoned: false, ...o };
}

/** Send everything queued as chunks of at most `max` bytes; returns their TSNs. */
function sendAll(out: Outbound, max = 100, now = 0): number[] {
  const tsns: number[] = [];
  while (out.peekSize(max, now) > 0) tsns.push(out.take(max, now).tsn);
  return tsns;
}

const sack = (cum: number, gaps: number[] = [], arwnd = 1 << 20) => ({ cumTsnAck: cum, arwnd, gaps, duplicates: [] });

describe('fragmentation and TSN assignment (RFC 9260 §6.9)', () => {
  it('splits a message into B … E fragments with consecutive TSNs and one SSN per ordered message', () => {
    const out = new Outbound(1000, 4, 65536);
    out.enqueue(msg(250));
    out.enqueue(msg(10));
    out.enqueue(msg(10, { unordered: true }));
    const chunks = [];
    while (out.peekSize(100, 0) > 0) chunks.push(out.take(100, 0));
    expect(chunks.map((c) => [c.tsn, c.flags, c.data.length, c.msg.ssn])).toEqual([
      [1000, FLAG_B, 100, 0],
      [1001, 0, 100, 0],
      [1002, FLAG_E, 50, 0],
      [1003, FLAG_B | FLAG_E, 10, 1],
      [1004, FLAG_U | FLAG_B | FLAG_E, 10, 0],
    ]);
    expect(out.bytesInFlight).toBe(250 + 20 + 5 * 16);
  });
});

describe('SACK processing (RFC 9260 §6.2.1)', () => {
  it('releases cumulatively acked chunks, marks gap-acked ones, and ignores an older cumulative ack', () => {
    const out = new Outbound(1, 1, 65536);
    out.enqueue(msg(500));
    sendAll(out);
    let o = out.onSack(sack(2, [2, 3]), 10);
    expect(o.cumAdvanced).toBe(true);
    expect(o.acked.map((c) => c.tsn)).toEqual([1, 2, 4, 5]);
    expect(out.outstanding).toBe(3);
    expect(out.bytesInFlight).toBe(116);
    o = out.onSack(sack(1), 11);
    expect(o.stale).toBe(true);
    o = out.onSack(sack(9), 12);
    expect(o.invalid).toBe(true);
  });

  it('fast-retransmits a TSN after three miss indications, counting only below the highest newly acked TSN (HTNA)', () => {
    const out = new Outbound(1, 1, 65536);
    for (let i = 0; i < 6; i++) out.enqueue(msg(100));
    sendAll(out);
    expect(out.onSack(sack(1, [2, 2]), 1).fastRetransmits).toBe(0); // TSN 2 missing: 1
    expect(out.onSack(sack(1, [2, 2]), 2).fastRetransmits).toBe(0); // nothing newly acked: no count
    expect(out.onSack(sack(1, [2, 3]), 3).fastRetransmits).toBe(0); // 2
    const o = out.onSack(sack(1, [2, 4]), 4); // 3
    expect(o.fastRetransmits).toBe(1);
    expect(out.hasRetransmissions).toBe(true);
    const c = out.take(100, 5);
    expect([c.tsn, c.transmissions]).toEqual([2, 2]);
    // A chunk is fast-retransmitted only once.
    out.onSack(sack(1, [2, 5]), 6);
    out.onSack(sack(1, [2, 5]), 7);
    expect(out.hasRetransmissions).toBe(false);
  });

  it('takes an RTT sample only from a chunk sent once (Karn)', () => {
    const out = new Outbound(1, 1, 65536);
    out.enqueue(msg(10));
    out.take(100, 100);
    expect(out.onSack(sack(1), 130).rttSample).toBe(30);
    out.enqueue(msg(10));
    out.take(100, 200);
    out.onT3(1200);
    out.take(100, 1200);
    expect(out.onSack(sack(2), 1230).rttSample).toBe(-1);
  });

  it('on T3 marks every outstanding unacked chunk for retransmission and empties the flight', () => {
    const out = new Outbound(1, 1, 65536);
    out.enqueue(msg(300));
    sendAll(out);
    out.onSack(sack(0, [2, 2]), 1);
    out.onT3(1000);
    expect(out.bytesInFlight).toBe(0);
    expect(sendAll(out)).toEqual([1, 3]);
  });
});

describe('PR-SCTP sender side (RFC 3758 §3.5)', () => {
  it('abandons a message past maxRetransmits and moves the Advanced.Peer.Ack.Point over it', () => {
    const out = new Outbound(1, 2, 65536);
    out.enqueue(msg(150, { stream: 1, maxRetransmits: 0 }));
    out.enqueue(msg(10, { stream: 0 }));
    sendAll(out);
    out.onT3(1000);
    expect(out.abandonedMessages).toBe(1);
    expect(out.advancedPeerAckPoint).toBe(2);
    expect(out.forwardTsnPending).toBe(true);
    expect(out.forwardTsn()).toMatchObject({ newCumTsn: 2, streams: [1, 0] });
    expect(sendAll(out)).toEqual([3]); // only the reliable message is retransmitted
    expect(out.bufferedAmount).toBe(10);
    out.onSack(sack(3), 1100);
    expect(out.forwardTsnPending).toBe(false);
    expect(out.idle).toBe(true);
  });

  it('drops a message whose lifetime ended before it was ever sent, without consuming an SSN', () => {
    const out = new Outbound(1, 1, 65536);
    out.enqueue(msg(10, { expiresAt: 50 }));
    out.enqueue(msg(10));
    const c = out.take(100, 0);
    expect(c.msg.ssn).toBe(0);
    expect(out.peekSize(100, 0)).toBe(26);
    const out2 = new Outbound(1, 1, 65536);
    out2.enqueue(msg(10, { expiresAt: 50 }));
    out2.enqueue(msg(10));
    expect(out2.peekSize(100, 60)).toBe(26);
    const d = out2.take(100, 60);
    expect([d.tsn, d.msg.ssn, d.msg.expiresAt]).toEqual([1, 0, Infinity]);
    expect(out2.abandonedMessages).toBe(1);
  });
});
