import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { SessionInit } from '../../../../core/contracts/transport.js';
import { DecodeError } from '../../../../core/errors.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { verifyTcpChecksum, writeTcpChecksum } from '../../../../plugins/transport/tcp/checksum.js';
import { TcpTruncatedError } from '../../../../plugins/transport/tcp/errors.js';
import { emptyTcpHeader, parseTcpHeader, serializeTcpHeader, TcpFlags as F } from '../../../../plugins/transport/tcp/header.js';
import type { TcpOptionsInit } from '../../../../plugins/transport/tcp/options.js';
import type { TcpSession } from '../../../../plugins/transport/tcp/session.js';
import { Endpoint, makeAcceptContext, makeProtocol, VirtualTime } from './harness.js';
import type { WireLike } from './harness.js';
import { Script } from './script.js';

const PEER = new Uint8Array([10, 0, 0, 1]);
const LOCAL = new Uint8Array([10, 0, 0, 2]);

/** A segment from the peer 10.0.0.1:srcPort to 10.0.0.2:6080. */
function seg(flags: number, seq: number, ack = 0, srcPort = 40000, options?: Partial<TcpOptionsInit>, payload = 0): Uint8Array {
  const o =
    options === undefined
      ? undefined
      : { mss: -1, wscale: -1, sackPermitted: false, hasTimestamps: false, tsVal: 0, tsEcr: 0, sackCount: 0, sack: [], ...options };
  const h = serializeTcpHeader({ srcPort, dstPort: 6080, seq, ack, flags, window: 65535, options: o });
  const p = new Uint8Array(payload);
  writeTcpChecksum(PEER, LOCAL, [h, p]);
  const b = new Uint8Array(h.length + payload);
  b.set(h);
  b.set(p, h.length);
  return b;
}

const parse = (b: Uint8Array) => parseTcpHeader(b, emptyTcpHeader());

/** Server-side plumbing: accepted sessions get endpoints whose output is captured. */
function server(cfg = {}) {
  const vt = new VirtualTime();
  const proto = makeProtocol(vt, cfg);
  const out: Uint8Array[] = [];
  const wire: WireLike = { ccFactory: renoFactory(), transmit: (_f, b) => out.push(b) };
  const sessions: TcpSession[] = [];
  const eps: Endpoint[] = [];
  const accept = (init: SessionInit): TcpSession => {
    const ep = new Endpoint(
      `s${sessions.length}`,
      'server',
      { address: '10.0.0.2', family: 'IPv4', port: 6080 },
      { address: '10.0.0.1', family: 'IPv4', port: 40000 },
      1452,
      vt,
      vt,
      new SeededRandom(sessions.length + 1),
      wire,
    );
    const s = proto.createSession(ep, init) as TcpSession;
    ep.session = s;
    sessions.push(s);
    eps.push(ep);
    return s;
  };
  const actx = makeAcceptContext(vt, (port) => port === 6080, accept);
  return { vt, proto, out, sessions, eps, actx };
}

describe('tcp protocol: demux and unmatched segments (RFC 9293 §3.10.7.1)', () => {
  it('computes the demux key as remote·65536 + local port from the incoming segment', () => {
    const { proto } = server();
    expect(proto.demuxKey(seg(F.SYN, 1, 0, 1234))).toBe(1234 * 65536 + 6080);
    expect(() => proto.demuxKey(new Uint8Array(10))).toThrow(TcpTruncatedError);
    expect(proto.proto).toBe(6);
  });

  it('answers a SYN to a closed port with RST|ACK acknowledging the SYN', () => {
    const { proto, actx } = server();
    actx.listening = () => false;
    proto.handleUnmatched(seg(F.SYN, 1000), actx);
    expect(actx.replies.length).toBe(1);
    const r = parse(actx.replies[0]);
    expect(r).toMatchObject({ flags: F.RST | F.ACK, seq: 0, ack: 1001, srcPort: 6080, dstPort: 40000 });
    expect(verifyTcpChecksum(LOCAL, PEER, actx.replies[0])).toBe(true);
    expect(proto.counters.resetsSent).toBe(1);
  });

  it('answers an unmatched ACK with RST whose sequence number is the ACK field', () => {
    const { proto, actx } = server();
    proto.handleUnmatched(seg(F.ACK, 5, 777_777), actx);
    expect(parse(actx.replies[0])).toMatchObject({ flags: F.RST, seq: 777_777 });
  });

  it('never answers an RST, and drops bad checksums without replying', () => {
    const { proto, actx } = server();
    proto.handleUnmatched(seg(F.RST, 5), actx);
    const bad = seg(F.SYN, 5);
    bad[17] ^= 0xff;
    proto.handleUnmatched(bad, actx);
    expect(actx.replies).toEqual([]);
    expect(actx.drops).toEqual({ tcp_unmatched_rst: 1, tcp_bad_checksum: 1 });
  });

  it('never throws on arbitrary bytes (property)', () => {
    const { proto, actx } = server();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        try {
          proto.demuxKey(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
        expect(() => proto.handleUnmatched(b, actx)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('tcp protocol: listening, half-open limit and SYN cookies (RFC 4987 §3.6)', () => {
  it('accepts a SYN to a listening port and answers with SYN-ACK', () => {
    const { proto, actx, sessions, out } = server();
    proto.handleUnmatched(seg(F.SYN, 1000, 0, 40000, { mss: 1400, sackPermitted: true }), actx);
    expect(sessions.length).toBe(1);
    expect(sessions[0].state).toBe('SYN-RECEIVED');
    expect(proto.halfOpen).toBe(1);
    const sa = parse(out[0]);
    expect(sa.flags).toBe(F.SYN | F.ACK);
    expect(sa.ack).toBe(1001);
    expect(sa.options.sackPermitted).toBe(true);
    sessions[0].handleDatagram(seg(F.ACK, 1001, sa.seq + 1));
    expect(sessions[0].state).toBe('ESTABLISHED');
    expect(proto.halfOpen).toBe(0);
  });

  it('switches to SYN cookies when the half-open table is full and completes the handshake statelessly', () => {
    const { proto, actx, sessions, eps } = server({ maxHalfOpen: 2 });
    proto.handleUnmatched(seg(F.SYN, 100, 0, 1001), actx);
    proto.handleUnmatched(seg(F.SYN, 200, 0, 1002), actx);
    expect(sessions.length).toBe(2);
    proto.handleUnmatched(seg(F.SYN, 300, 0, 1003, { mss: 1400, hasTimestamps: true, tsVal: 55, wscale: 7, sackPermitted: true }), actx);
    expect(sessions.length).toBe(2);
    expect(proto.counters.synCookiesSent).toBe(1);
    const cookie = parse(actx.replies[0]);
    expect(cookie.flags).toBe(F.SYN | F.ACK);
    expect(cookie.ack).toBe(301);
    expect(cookie.options).toMatchObject({ mss: 1432, hasTimestamps: true, tsEcr: 55, sackPermitted: true });
    // The final ACK carries the cookie back.
    proto.handleUnmatched(seg(F.ACK, 301, cookie.seq + 1, 1003, { hasTimestamps: true, tsVal: 56, tsEcr: cookie.options.tsVal }), actx);
    expect(proto.counters.synCookiesValidated).toBe(1);
    expect(sessions.length).toBe(3);
    expect(sessions[2].state).toBe('ESTABLISHED');
    expect(eps[2].openedAt).toBeGreaterThanOrEqual(0);
    expect(sessions[2].stats()).toMatchObject({ sack: true, timestamps: true });
    expect(proto.halfOpen).toBe(2);
  });

  it('rejects a forged cookie with RST', () => {
    const { proto, actx, sessions } = server({ maxHalfOpen: 1 });
    proto.handleUnmatched(seg(F.ACK, 301, 123_456_789, 1003), actx);
    expect(sessions.length).toBe(0);
    expect(parse(actx.replies[0]).flags).toBe(F.RST);
  });

  it('drops SYNs beyond the limit when cookies are off, and counts them', () => {
    const { proto, actx, sessions } = server({ maxHalfOpen: 1, synCookies: false });
    proto.handleUnmatched(seg(F.SYN, 100, 0, 1001), actx);
    proto.handleUnmatched(seg(F.SYN, 100, 0, 1002), actx);
    expect(sessions.length).toBe(1);
    expect(proto.counters.synDropped).toBe(1);
    expect(actx.drops.tcp_syn_overflow).toBe(1);
  });

  it('frees the half-open slot when a SYN-RECEIVED connection times out', () => {
    const { proto, actx, vt, eps } = server({ synRetries: 1 });
    proto.handleUnmatched(seg(F.SYN, 100, 0, 1001), actx);
    expect(proto.halfOpen).toBe(1);
    vt.advance(10_000);
    expect(proto.halfOpen).toBe(0);
    expect(eps[0].closeError).toBeDefined();
  });
});

describe('tcp protocol: TIME-WAIT table (RFC 9293 §3.6)', () => {
  it('ACKs a retransmitted FIN after the connection is gone, then forgets it after timeWait', () => {
    let proto!: ReturnType<typeof makeProtocol>;
    // Route the session's TIME-WAIT hook into the protocol's table.
    const t: Script = new Script('client', { timeWait: 5000, timestamps: false }, renoFactory(), {
      timeWait: (info) => proto.recordTimeWait(t.ep.peer, info),
    });
    proto = makeProtocol(t.vt, { timeWait: 5000 });
    t.session.start();
    const syn = t.next();
    t.inject({ flags: F.SYN | F.ACK, seq: 9000, ack: syn.header.seq + 1 });
    t.next();
    t.session.end();
    const fin = t.next();
    expect(fin.header.flags & F.FIN).toBe(F.FIN);
    t.inject({ flags: F.ACK | F.FIN, seq: 9001, ack: fin.header.seq + 1 });
    expect(t.session.state).toBe('TIME-WAIT');
    expect(t.ep.closedAt).toBeGreaterThanOrEqual(0);
    expect(proto.timeWaitCount).toBe(1);
    // The peer did not get our ACK and retransmits its FIN: the table answers.
    const actx = makeAcceptContext(t.vt, () => false, () => {
      throw new Error('no accept expected');
    }, { address: '10.0.0.2', family: 'IPv4', port: 6080 }, { address: '10.0.0.1', family: 'IPv4', port: 40000 });
    t.vt.advance(1000);
    proto.handleUnmatched(t.build({ flags: F.ACK | F.FIN, seq: 9001, ack: fin.header.seq + 1 }), actx);
    const a = parse(actx.replies[0]);
    expect(a).toMatchObject({ flags: F.ACK, seq: fin.header.seq + 1, ack: 9002 });
    expect(proto.counters.timeWaitAcks).toBe(1);
    t.vt.advance(5001);
    expect(proto.timeWaitCount).toBe(0);
    proto.handleUnmatched(t.build({ flags: F.ACK | F.FIN, seq: 9001, ack: fin.header.seq + 1 }), actx);
    expect(parse(actx.replies[1]).flags).toBe(F.RST);
    proto.close();
  });
});
