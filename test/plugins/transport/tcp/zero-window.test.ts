/**
 * A peer that keeps its window closed: the sender probes it for as long as
 * the peer answers (RFC 1122 §4.2.2.17, RFC 9293 §3.8.6.1), holds its FIN
 * until the window has room for it (a receiver with RCV.WND = 0 accepts no
 * FIN, §3.10.7.4), and gives up only on a peer that stops answering
 * (RFC 6429).
 */
import { describe, it, expect } from 'vitest';
import { TimeoutError } from '../../../../core/errors.js';
import { makePair, randomBytes, sha256hex } from './harness.js';
import { established, F } from './script.js';

const MINUTE = 60_000;

describe('tcp: a FIN and a closed window (RFC 1122 §4.2.2.17, RFC 9293 §3.8.6.1)', () => {
  it('holds a FIN while the window is zero, probes it, and sends the FIN once the window opens', () => {
    const { s, data, peerAck } = established({ ts: false });
    s.session.write(new Uint8Array(2000));
    peerAck(data + 2000, { window: 0 });
    s.clear();
    s.session.end();
    expect(s.sent.filter((x) => x.header.flags & F.FIN)).toEqual([]);
    // The peer answers every probe, window still closed, for 30 minutes.
    for (let t = 0; t < 30 * MINUTE; t += 100) {
      s.advance(100);
      for (const seg of s.sent.splice(0)) {
        expect(seg.header.flags & F.FIN).toBe(0);
        expect(seg.length).toBe(0);
        expect(seg.header.seq).toBe((data + 2000 - 1) >>> 0); // a probe: SEG.SEQ = SND.UNA − 1
        peerAck(data + 2000, { window: 0 });
      }
    }
    expect(s.ep.closedAt).toBe(-1);
    expect(s.session.state).toBe('FIN-WAIT-1');
    peerAck(data + 2000, { window: 1000 });
    const fin = s.sent.find((x) => x.header.flags & F.FIN);
    expect(fin?.header.seq).toBe((data + 2000) >>> 0);
  });

  it('sends data that exactly fills the window without the FIN, which follows when there is room', () => {
    const { s, data, peerAck } = established({ ts: false });
    peerAck(data, { window: 500 });
    s.clear();
    s.session.write(new Uint8Array(500));
    s.session.end();
    const first = s.sent.splice(0);
    expect(first.map((x) => [x.length, x.header.flags & F.FIN])).toEqual([[500, 0]]);
    peerAck(data + 500, { window: 0 });
    expect(s.sent.filter((x) => x.header.flags & F.FIN)).toEqual([]);
    peerAck(data + 500, { window: 500 });
    expect(s.sent.some((x) => x.header.flags & F.FIN && x.header.seq === ((data + 500) >>> 0))).toBe(true);
  });

  it('fails after maxRetransmits zero-window probes in a row go unanswered', () => {
    const { s, data, peerAck } = established({ ts: false }, { maxRetransmits: 4, maxRto: 1000 });
    s.session.write(new Uint8Array(100));
    peerAck(data + 100, { window: 0 });
    s.session.write(new Uint8Array(100));
    s.advance(4500);
    expect(s.ep.closedAt).toBe(-1);
    s.advance(2000);
    expect(s.ep.closeError).toBeInstanceOf(TimeoutError);
    expect(String(s.ep.closeError)).toMatch(/4 zero-window probes/);
  });

  it('does not time out while a peer that shrank its window to zero acknowledges every retransmission', () => {
    const { s, data, peerAck } = established({ ts: false }, { maxRetransmits: 3 });
    s.session.write(new Uint8Array(1000));
    s.clear();
    // The segment is in flight; the peer's application stopped reading and it now offers no room.
    peerAck(data, { window: 0 });
    for (let t = 0; t < 20 * MINUTE; t += 100) {
      s.advance(100);
      for (const seg of s.sent.splice(0)) if (seg.length > 0) peerAck(data, { window: 0 });
    }
    expect(s.ep.closedAt).toBe(-1);
    peerAck(data + 1000, { window: 65535 });
    expect(s.session.state).toBe('ESTABLISHED');
  });

  it('still times out a peer that shrank its window and then went silent', () => {
    const { s, data, peerAck } = established({ ts: false }, { maxRetransmits: 3, maxRto: 2000 });
    s.session.write(new Uint8Array(1000));
    peerAck(data, { window: 0 });
    s.advance(20_000);
    expect(s.ep.closeError).toBeInstanceOf(TimeoutError);
  });

  it('toukit to toukit: a FIN written while the reader is paused for 20 minutes arrives after every byte', () => {
    const p = makePair({ tcp: { receiveBuffer: 64 * 1024 } });
    p.c.start();
    p.vt.advance(100);
    p.server.accepting = false; // the server application does not read for now
    const data = randomBytes(64 * 1024);
    p.c.write(data);
    p.vt.advance(5000);
    expect(p.s.stats().rcvWnd).toBe(0);
    p.c.end();
    p.vt.advance(20 * MINUTE);
    expect(p.client.closedAt).toBe(-1);
    expect(p.server.remoteEndedAt).toBe(-1);
    p.server.accepting = true;
    p.s.resume();
    p.vt.advance(10_000);
    expect(p.client.closeError).toBeUndefined();
    expect(p.server.remoteEndedAt).toBeGreaterThanOrEqual(0);
    expect(p.server.digest()).toBe(sha256hex(data));
  });
});
