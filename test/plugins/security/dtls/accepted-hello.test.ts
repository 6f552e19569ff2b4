import { afterEach, describe, it, expect, vi } from 'vitest';
import type { SecurityAcceptContext, SecurityContext } from '../../../../core/contracts/security.js';
import type { PeerAddress } from '../../../../core/contracts/address.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { VirtualTime } from '../../../../core/testing/security.js';
import { nullTracer } from '../../../../core/trace/tracer.js';
import { nodeCrypto } from '../../../../plugins/security/dtls/crypto/node.js';
import { encodeClientHello, parseHelloVerifyRequest } from '../../../../plugins/security/dtls/handshake/messages.js';
import type { ClientHello } from '../../../../plugins/security/dtls/handshake/messages.js';
import { encodeHandshake, parseHandshakeFragments } from '../../../../plugins/security/dtls/handshake/header.js';
import { RecordCursor, plaintextRecord } from '../../../../plugins/security/dtls/record/codec.js';
import type { DtlsProtocol } from '../../../../plugins/security/dtls/protocol.js';
import { PSK, dtls } from './fixtures.js';

const A: PeerAddress = { address: '198.51.100.7', family: 'IPv4', port: 5555 };
const B: PeerAddress = { address: '198.51.100.7', family: 'IPv4', port: 5556 };

function hello(seed: number, cookie = new Uint8Array(0)): ClientHello {
  const random = new Uint8Array(32);
  new SeededRandom(seed).fill(random);
  return { version: 0xfefd, random, sessionId: new Uint8Array(0), cookie, cipherSuites: [0x00a8], compressionMethods: Uint8Array.of(0), extensions: new Map() };
}

function datagram(h: ClientHello, seq: number, messageSeq: number): Uint8Array {
  return plaintextRecord(22, 0xfeff, 0, seq, encodeHandshake(1, messageSeq, encodeClientHello(h)));
}

function acceptCtx(peer: PeerAddress, replies: Uint8Array[] = []): SecurityAcceptContext {
  return { peer, reply: (parts) => replies.push(new Uint8Array(Buffer.concat(parts))), drop: () => {}, clock: { now: () => 0 }, random: new SeededRandom(5) };
}

/** A server session context that records what the session sends and drops. */
function serverCtx(peer: PeerAddress): { ctx: SecurityContext; sent: Uint8Array[]; drops: string[] } {
  const time = new VirtualTime();
  const sent: Uint8Array[] = [];
  const drops: string[] = [];
  const ctx: SecurityContext = {
    role: 'server',
    peer,
    maxDatagramSize: 1400,
    sendDown: (parts) => sent.push(new Uint8Array(Buffer.concat(parts))),
    deliver: () => {},
    established: () => {},
    failed: () => {},
    closed: () => {},
    emitEvent: () => {},
    drop: (r) => drops.push(r),
    clock: time,
    timers: time,
    random: new SeededRandom(6),
    tracer: nullTracer,
  };
  return { ctx, sent, drops };
}

/** The ClientHello datagram with the cookie `p` hands out to `peer`. */
function withCookie(p: DtlsProtocol, peer: PeerAddress, seed: number): Uint8Array {
  const h = hello(seed);
  const replies: Uint8Array[] = [];
  expect(p.accept(datagram(h, 0, 0), acceptCtx(peer, replies))).toBe(false);
  const c = new RecordCursor(replies[0]);
  c.next();
  const cookie = parseHelloVerifyRequest(parseHandshakeFragments(c.fragment())[0].body).cookie.slice();
  return datagram({ ...h, cookie }, 1, 1);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the server session takes the ClientHello that accept() verified', () => {
  it('answers the accepted hello without computing its cookie a second time', () => {
    const p = dtls({ psk: PSK });
    const d = withCookie(p, A, 1);
    const hmac = vi.spyOn(nodeCrypto, 'hmacSha256');
    expect(p.accept(d, acceptCtx(A))).toBe(true);
    expect(hmac).toHaveBeenCalledTimes(1); // accept's verification
    const s = serverCtx(A);
    const session = p.createServer(s.ctx);
    session.start();
    session.handleDatagram(d);
    expect(s.drops).toEqual([]);
    expect(s.sent).toHaveLength(1); // ServerHello … ServerHelloDone
    expect(hmac).toHaveBeenCalledTimes(1);
  });

  it('a session for another peer gets nothing from it: the cookie is checked and fails', () => {
    const p = dtls({ psk: PSK });
    const d = withCookie(p, A, 2);
    expect(p.accept(d, acceptCtx(A))).toBe(true);
    const s = serverCtx(B);
    const session = p.createServer(s.ctx);
    session.start();
    session.handleDatagram(d);
    expect(s.drops).toEqual(['dtls_bad_cookie']);
    expect(s.sent).toHaveLength(0);
  });

  it('only the next session, only for the exact bytes: any later accept() call clears it', () => {
    const p = dtls({ psk: PSK });
    const d = withCookie(p, A, 3);
    expect(p.accept(d, acceptCtx(A))).toBe(true);
    expect(p.accept(new Uint8Array(5), acceptCtx(A))).toBe(false); // garbage in between clears the verified hello
    const hmac = vi.spyOn(nodeCrypto, 'hmacSha256');
    const s = serverCtx(A);
    const session = p.createServer(s.ctx);
    session.start();
    session.handleDatagram(d);
    expect(hmac).toHaveBeenCalledTimes(1); // verified by the session itself
    expect(s.sent).toHaveLength(1);

    // A different hello with the same cookie (another random) than the one accepted: the session checks it and drops it.
    const other = withCookie(p, A, 4);
    expect(p.accept(other, acceptCtx(A))).toBe(true);
    const s2 = serverCtx(A);
    const session2 = p.createServer(s2.ctx);
    session2.start();
    const tampered = other.slice();
    tampered[tampered.length - 3] ^= 1; // inside the cipher suites / compression, after the cookie
    session2.handleDatagram(tampered);
    expect(s2.sent).toHaveLength(0);
    expect(s2.drops.length).toBeGreaterThan(0);
  });
});
