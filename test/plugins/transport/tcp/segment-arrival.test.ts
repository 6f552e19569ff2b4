/**
 * Segment arrival checks of RFC 9293 §3.10.7 not covered by the handshake
 * and flow-control scripts: text carried by a SYN-ACK, and which ACKs may
 * update the send window.
 */
import { describe, it, expect } from 'vitest';
import { established, F, PEER_ISN, Script } from './script.js';

describe('tcp: a SYN-ACK that carries text or a FIN (RFC 9293 §3.10.7.3)', () => {
  it('accepts the text and acknowledges it with the SYN-ACK at once', () => {
    const s = new Script('client');
    s.session.start();
    const syn = s.next();
    s.advance(10);
    const text = new Uint8Array(100).fill(0x41);
    s.inject({ flags: F.SYN | F.ACK, seq: PEER_ISN, ack: syn.header.seq + 1, payload: text, options: { mss: 1000 } });
    const ack = s.next();
    expect(ack.header.flags).toBe(F.ACK);
    expect(ack.header.ack).toBe(PEER_ISN + 1 + 100);
    expect(s.sent).toEqual([]);
    expect(s.session.state).toBe('ESTABLISHED');
    expect(Buffer.concat(s.ep.received)).toEqual(Buffer.from(text));
  });

  it('takes a FIN in the SYN-ACK: CLOSE-WAIT, end of stream, the FIN acknowledged', () => {
    const s = new Script('client');
    s.session.start();
    const syn = s.next();
    s.advance(10);
    s.inject({ flags: F.SYN | F.ACK | F.FIN, seq: PEER_ISN, ack: syn.header.seq + 1, payload: 10, options: { mss: 1000 } });
    expect(s.next().header.ack).toBe(PEER_ISN + 1 + 10 + 1);
    expect(s.session.state).toBe('CLOSE-WAIT');
    expect(s.ep.remoteEndedAt).toBeGreaterThanOrEqual(0);
  });
});

describe('tcp: send window updates (RFC 9293 §3.10.7.4 fifth check)', () => {
  it('ignores the window of a segment whose ACK is below SND.UNA, even with a newer SEG.SEQ', () => {
    const { s, data, peerAck } = established({ ts: false });
    s.session.write(new Uint8Array(3000));
    peerAck(data + 3000, { window: 65535 });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data + 3000, window: 65535, payload: 100 });
    // New peer data with an old ACK (still within MAX.SND.WND, so RFC 5961 lets it through).
    s.inject({ flags: F.ACK, seq: PEER_ISN + 101, ack: data, window: 10, payload: 100 });
    expect(s.session.stats().sndWnd).toBe(65535);
  });

  it('takes the window of a newer segment whose ACK equals SND.UNA', () => {
    const { s, data, peerAck } = established({ ts: false });
    s.session.write(new Uint8Array(3000));
    peerAck(data + 3000, { window: 65535 });
    s.inject({ flags: F.ACK, seq: PEER_ISN + 1, ack: data + 3000, window: 20_000, payload: 100 });
    expect(s.session.stats().sndWnd).toBe(20_000);
  });
});
