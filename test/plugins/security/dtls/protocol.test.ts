import { describe, it, expect } from 'vitest';
import type { SecurityAcceptContext } from '../../../../core/contracts/security.js';
import type { PeerAddress } from '../../../../core/contracts/address.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { DtlsProtocol } from '../../../../plugins/security/dtls/protocol.js';
import { dtlsOptionsSchema } from '../../../../plugins/security/dtls/options.js';
import { CookieJar } from '../../../../plugins/security/dtls/cookie.js';
import { nodeCrypto } from '../../../../plugins/security/dtls/crypto/node.js';
import { encodeClientHello, parseHelloVerifyRequest } from '../../../../plugins/security/dtls/handshake/messages.js';
import type { ClientHello } from '../../../../plugins/security/dtls/handshake/messages.js';
import { encodeHandshake, parseHandshakeFragments } from '../../../../plugins/security/dtls/handshake/header.js';
import { RecordCursor, plaintextRecord } from '../../../../plugins/security/dtls/record/codec.js';
import { PSK, dtls } from './fixtures.js';

function helloFrom(random: SeededRandom, cookie = new Uint8Array(0)): ClientHello {
  const r = new Uint8Array(32);
  random.fill(r);
  return { version: 0xfefd, random: r, sessionId: new Uint8Array(0), cookie, cipherSuites: [0x00a8], compressionMethods: Uint8Array.of(0), extensions: new Map() };
}

function datagram(h: ClientHello, seq = 0, messageSeq = 0): Uint8Array {
  return plaintextRecord(22, 0xfeff, 0, seq, encodeHandshake(1, messageSeq, encodeClientHello(h)));
}

function acceptCtx(peer: PeerAddress, replies: Uint8Array[], drops: string[]): SecurityAcceptContext {
  return {
    peer,
    reply: (parts) => replies.push(new Uint8Array(Buffer.concat(parts))),
    drop: (r) => drops.push(r),
    clock: { now: () => 0 },
    random: new SeededRandom(5),
  };
}

const peer: PeerAddress = { address: '198.51.100.7', family: 'IPv4', port: 5555 };

describe('stateless cookie exchange (RFC 6347 §4.2.1)', () => {
  it('answers a ClientHello without a cookie with a HelloVerifyRequest echoing its record sequence number, version 0xFEFF', () => {
    const p = dtls({ psk: PSK });
    const replies: Uint8Array[] = [];
    expect(p.accept(datagram(helloFrom(new SeededRandom(1)), 7), acceptCtx(peer, replies, []))).toBe(false);
    expect(replies).toHaveLength(1);
    const c = new RecordCursor(replies[0]);
    expect(c.next()).toBe(true);
    expect([c.type, c.version, c.epoch, c.seq]).toEqual([22, 0xfeff, 0, 7]);
    const [f] = parseHandshakeFragments(c.fragment());
    expect(f.msgType).toBe(3);
    const hvr = parseHelloVerifyRequest(f.body);
    expect(hvr.version).toBe(0xfeff);
    expect(hvr.cookie).toHaveLength(32);
  });

  it('accepts the same hello with the cookie, only from the same address and port', () => {
    const p = dtls({ psk: PSK });
    const rnd = new SeededRandom(2);
    const h = helloFrom(rnd);
    const replies: Uint8Array[] = [];
    p.accept(datagram(h), acceptCtx(peer, replies, []));
    const c = new RecordCursor(replies[0]);
    c.next();
    const cookie = parseHelloVerifyRequest(parseHandshakeFragments(c.fragment())[0].body).cookie.slice();
    const second = datagram({ ...h, cookie }, 1, 1);
    expect(p.accept(second, acceptCtx(peer, [], []))).toBe(true);
    expect(p.accept(second, acceptCtx({ ...peer, port: 5556 }, [], []))).toBe(false);
    expect(p.accept(second, acceptCtx({ ...peer, address: '198.51.100.8' }, [], []))).toBe(false);
    expect(p.accept(datagram({ ...h, cookie, random: new Uint8Array(32) }, 1, 1), acceptCtx(peer, [], []))).toBe(false);
  });

  it('a flood of 2000 spoofed ClientHellos (random cookies, random sources) creates no session and only stateless replies', () => {
    const p = dtls({ psk: PSK });
    const before = JSON.stringify(Object.keys(p));
    const rnd = new SeededRandom(3);
    let accepted = 0;
    const replies: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const cookie = new Uint8Array(i % 2 === 0 ? 0 : 32);
      rnd.fill(cookie);
      const from: PeerAddress = { address: `10.${(i >> 8) & 255}.${i & 255}.1`, family: 'IPv4', port: 1024 + (rnd.uint32() % 60000) };
      if (p.accept(datagram(helloFrom(rnd, cookie)), acceptCtx(from, replies, []))) accepted++;
    }
    expect(accepted).toBe(0);
    expect(replies).toHaveLength(2000);
    expect(replies.every((r) => r.length < 13 + 12 + 3 + 32 + 1)).toBe(true); // HVR is small: no amplification
    expect(JSON.stringify(Object.keys(p))).toBe(before);
  });

  it('drops non-hello datagrams and garbage with a reason, never throwing', () => {
    const p = dtls({ psk: PSK });
    const drops: string[] = [];
    const rnd = new SeededRandom(4);
    for (let i = 0; i < 2000; i++) {
      const g = new Uint8Array(rnd.uint32() % 120);
      rnd.fill(g);
      if (i % 3 === 0 && g.length > 13) g.set([22, 0xfe, 0xfd, 0, 0], 0);
      expect(p.accept(g, acceptCtx(peer, [], drops))).toBe(false);
    }
    expect(drops.length).toBeGreaterThan(1500);
    expect(p.accept(plaintextRecord(23, 0xfefd, 1, 0, new Uint8Array(30)), acceptCtx(peer, [], drops))).toBe(false);
    expect(drops[drops.length - 1]).toBe('dtls_no_session');
  });
});

describe('cookie secret rotation', () => {
  it('keeps accepting cookies of the previous secret for one period, then rejects them', () => {
    let now = 0;
    const jar = new CookieJar(nodeCrypto, { now: () => now }, new SeededRandom(9), 1000);
    const h = helloFrom(new SeededRandom(10));
    const cookie = jar.make(peer, h);
    expect(jar.verify(peer, { ...h, cookie })).toBe(true);
    now = 1500;
    expect(jar.verify(peer, { ...h, cookie })).toBe(true);
    expect(jar.make(peer, h)).not.toEqual(cookie);
    now = 2600;
    expect(jar.verify(peer, { ...h, cookie })).toBe(false);
  });
});

describe('the DtlsProtocol object', () => {
  it('reports GUE transform type 1, confidentiality and the largest overhead of its suites', () => {
    const all = new DtlsProtocol(dtlsOptionsSchema.parse({ psk: PSK }), { now: () => 0 }, new SeededRandom(1));
    expect([all.name, all.transformType, all.confidential, all.overhead]).toEqual(['dtls', 1, true, 13 + 8 + 16]);
    const chacha = dtls({ psk: PSK, cipherSuites: ['TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'] });
    expect(chacha.overhead).toBe(13 + 16);
  });
});
