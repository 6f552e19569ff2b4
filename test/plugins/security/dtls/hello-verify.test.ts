/**
 * The client's handling of HelloVerifyRequests (RFC 6347 §4.2.1): every one
 * that answers its latest ClientHello before the ServerHello is answered
 * with a new ClientHello carrying its cookie, up to a limit; stale, damaged,
 * late and excess ones are dropped and counted, never fatal.
 */
import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../core/testing/security.js';
import type { SecurityPairOptions } from '../../../../core/testing/security.js';
import { MAX_HELLO_VERIFY_REQUESTS } from '../../../../plugins/security/dtls/client.js';
import { ContentType, DTLS10, HandshakeType } from '../../../../plugins/security/dtls/constants.js';
import { encodeHandshake, parseHandshakeFragments } from '../../../../plugins/security/dtls/handshake/header.js';
import { encodeHelloVerifyRequest, parseClientHello } from '../../../../plugins/security/dtls/handshake/messages.js';
import { RecordCursor, plaintextRecord } from '../../../../plugins/security/dtls/record/codec.js';
import { PSK, dtls, pki } from './fixtures.js';

/** An epoch-0 handshake message found in a datagram. */
interface WireMessage {
  readonly recordSeq: number;
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

function messages(d: Uint8Array): WireMessage[] {
  const c = new RecordCursor(d);
  const out: WireMessage[] = [];
  while (c.next()) {
    if (c.type !== ContentType.handshake || c.epoch !== 0) continue;
    for (const f of parseHandshakeFragments(c.fragment())) out.push({ recordSeq: c.seq, msgType: f.msgType, messageSeq: f.messageSeq, body: f.body.slice() });
  }
  return out;
}

const isHvr = (d: Uint8Array): boolean => messages(d).some((m) => m.msgType === HandshakeType.hello_verify_request);

/** Every ClientHello the client sent (retransmissions included), in order. */
function clientHellos(pair: SecurityPair): { messageSeq: number; cookie: Uint8Array }[] {
  return pair.clientLog.sent
    .flatMap((s) => messages(s.data))
    .filter((m) => m.msgType === HandshakeType.client_hello)
    .map((m) => ({ messageSeq: m.messageSeq, cookie: parseClientHello(m.body).cookie.slice() }));
}

/** message_seq of the ServerHello the server sent. */
function serverHelloSeq(pair: SecurityPair): number | undefined {
  return pair.serverLog.sent.flatMap((s) => messages(s.data)).find((m) => m.msgType === HandshakeType.server_hello)?.messageSeq;
}

/** A HelloVerifyRequest as an off-path attacker (or a stateless server) builds it. */
function hvrDatagram(messageSeq: number, cookie: Uint8Array, recordSeq = 0): Uint8Array {
  const body = encodeHelloVerifyRequest({ version: DTLS10, cookie });
  return plaintextRecord(ContentType.handshake, DTLS10, 0, recordSeq, encodeHandshake(HandshakeType.hello_verify_request, messageSeq, body));
}

const wrongCookie = (): Uint8Array => new Uint8Array(32).fill(0xa5);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** PSK, and ECDHE-ECDSA with a client certificate (CertificateVerify signs the transcript too). */
const CONFIGS = {
  psk: () => [dtls({ cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], psk: PSK }, 1), dtls({ cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], psk: PSK }, 2)] as const,
  'ecdsa with a client certificate': () => {
    const p = pki();
    const suite = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] as const;
    return [
      dtls({ cipherSuites: [...suite], ca: p.ca.certificate, serverName: 'localhost', certificate: p.client.certificate, privateKey: p.client.privateKey }, 1),
      dtls({ cipherSuites: [...suite], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: p.ca.certificate, requestClientCertificate: 'require' }, 2),
    ] as const;
  },
};

function makePair(config: keyof typeof CONFIGS, options: SecurityPairOptions): SecurityPair {
  const [client, server] = CONFIGS[config]();
  return new SecurityPair(client, server, options);
}

/** Both sides established with the same master secret, and data flows both ways. */
async function expectWorkingSession(pair: SecurityPair): Promise<void> {
  const kc = pair.clientLog.events.find((e) => e.name === 'keylog')?.args[0];
  const ks = pair.serverLog.events.find((e) => e.name === 'keylog')?.args[0];
  expect(kc).toBeDefined();
  expect(kc).toBe(ks);
  pair.client.send([enc('ping')]);
  pair.server!.send([enc('pong')]);
  await pair.runUntil(() => pair.serverLog.delivered.length === 1 && pair.clientLog.delivered.length === 1);
  expect(new TextDecoder().decode(pair.serverLog.delivered[0])).toBe('ping');
  expect(new TextDecoder().decode(pair.clientLog.delivered[0])).toBe('pong');
}

describe('client: HelloVerifyRequests (RFC 6347 §4.2.1)', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])(
    'a damaged first HelloVerifyRequest does not block the handshake: the next valid one completes it (%s)',
    async (config) => {
      let damaged = 0;
      const pair = makePair(config, {
        filter: (dir, d) => {
          if (dir !== 'toClient' || damaged > 0 || !isHvr(d)) return d;
          damaged++;
          const copy = d.slice();
          copy[copy.length - 1] ^= 0x01; // the cookie's last byte
          return copy;
        },
      });
      expect(await pair.handshake()).toBe(true);
      expect(damaged).toBe(1);
      const hellos = clientHellos(pair);
      // No cookie (0), the damaged cookie (1), the cookie of the server's second HelloVerifyRequest (2).
      expect(hellos.map((h) => h.messageSeq)).toEqual([0, 1, 2]);
      expect(hellos[0].cookie).toHaveLength(0);
      expect(hellos[2].cookie).toHaveLength(32);
      expect(hellos[2].cookie).not.toEqual(hellos[1].cookie);
      expect(pair.acceptReplies).toBe(2); // the server answered the damaged cookie with a new HelloVerifyRequest
      expect(serverHelloSeq(pair)).toBe(2); // it answers the ClientHello with message_seq 2
      expect(pair.clientLog.drops).toEqual({});
      // Both Finished messages (and the CertificateVerify) verified: the transcripts agree, starting at that ClientHello.
      await expectWorkingSession(pair);
    },
  );

  it("a spoofed HelloVerifyRequest with a wrong cookie, arriving first, is replaced by the server's next one; the late genuine one is dropped as stale", async () => {
    let spoofed = 0;
    const pair: SecurityPair = makePair('psk', {
      filter: (dir, d) => {
        if (dir === 'toServer' && spoofed === 0) {
          // An attacker who sees (or guesses) the first ClientHello answers it before the server does.
          spoofed++;
          pair.time.at(pair.time.now() + 1, () => pair.client.handleDatagram(hvrDatagram(0, wrongCookie())));
        }
        return d;
      },
    });
    expect(await pair.handshake()).toBe(true);
    const hellos = clientHellos(pair);
    expect(hellos.map((h) => h.messageSeq)).toEqual([0, 1, 2]);
    expect(hellos[1].cookie).toEqual(wrongCookie());
    // The genuine answer to ClientHello 0 came after ClientHello 1 was sent: answering it could repeat a
    // ClientHello the server has already answered with its ServerHello.
    expect(pair.clientLog.drops).toEqual({ dtls_stale_hello_verify: 1 });
    expect(serverHelloSeq(pair)).toBe(2);
    await expectWorkingSession(pair);
  });

  it('HelloVerifyRequests beyond the limit are dropped and counted: a flood of spoofed ones cannot keep the client sending ClientHellos', async () => {
    let forged = 0;
    const pair: SecurityPair = new SecurityPair(dtls({ psk: PSK, handshakeTimeout: 10_000 }, 1), dtls({ psk: PSK }, 2), {
      filter: (dir, d) => {
        if (dir !== 'toServer') return d;
        // The attacker wins every race: each ClientHello (retransmissions too) gets a matching forged answer first.
        for (const m of messages(d)) {
          if (m.msgType !== HandshakeType.client_hello) continue;
          forged++;
          pair.time.at(pair.time.now() + 1, () => pair.client.handleDatagram(hvrDatagram(m.messageSeq, wrongCookie(), m.recordSeq)));
        }
        return d;
      },
    });
    pair.start();
    await pair.runUntil(() => pair.clientLog.failed !== undefined, 60_000);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
    const seqs = clientHellos(pair).map((h) => h.messageSeq);
    // One ClientHello per accepted HelloVerifyRequest, never more: message_seq stops at the limit.
    expect(new Set(seqs)).toEqual(new Set(Array.from({ length: MAX_HELLO_VERIFY_REQUESTS + 1 }, (_, i) => i)));
    expect(Math.max(...seqs)).toBe(MAX_HELLO_VERIFY_REQUESTS);
    // After the limit only the retransmission timer (1, 2, 4 s…) sends the last ClientHello again.
    const afterLimit = seqs.filter((s) => s === MAX_HELLO_VERIFY_REQUESTS).length;
    expect(afterLimit).toBeLessThanOrEqual(5);
    const drops = pair.clientLog.drops;
    // Forged ones past the limit, and the server's genuine answers to the last ClientHello, are counted;
    // the server's answers to earlier ClientHellos arrive stale.
    expect(drops.dtls_hello_verify_limit).toBe(forged - MAX_HELLO_VERIFY_REQUESTS + afterLimit);
    expect(drops.dtls_stale_hello_verify).toBe(seqs.length - afterLimit);
    expect(Object.keys(drops).sort()).toEqual(['dtls_hello_verify_limit', 'dtls_stale_hello_verify']);
    expect(pair.server).toBeUndefined();
  });

  it('up to the limit, HelloVerifyRequests are answered: the server completes the handshake after the last one', async () => {
    let forged = 0;
    const pair: SecurityPair = makePair('psk', {
      filter: (dir, d) => {
        if (dir !== 'toServer') return d;
        for (const m of messages(d)) {
          if (m.msgType !== HandshakeType.client_hello || forged >= MAX_HELLO_VERIFY_REQUESTS - 1) continue;
          forged++;
          pair.time.at(pair.time.now() + 1, () => pair.client.handleDatagram(hvrDatagram(m.messageSeq, wrongCookie(), m.recordSeq)));
        }
        return d;
      },
    });
    expect(await pair.handshake()).toBe(true);
    // MAX - 1 forged ones, then the server's answer to the last forged cookie: MAX accepted in all.
    expect(Math.max(...clientHellos(pair).map((h) => h.messageSeq))).toBe(MAX_HELLO_VERIFY_REQUESTS);
    expect(serverHelloSeq(pair)).toBe(MAX_HELLO_VERIFY_REQUESTS);
    expect(pair.clientLog.drops.dtls_hello_verify_limit).toBeUndefined();
    await expectWorkingSession(pair);
  });

  it('a HelloVerifyRequest after the ServerHello is dropped and counted, during and after the handshake', async () => {
    let injected = 0;
    const pair = makePair('psk', {
      filter: (dir, d) => {
        if (dir !== 'toClient' || injected > 0 || !messages(d).some((m) => m.msgType === HandshakeType.server_hello)) return d;
        injected++;
        // Right behind the ServerHello, one answering the ClientHello it answers (message_seq 1).
        return [d, hvrDatagram(1, wrongCookie())];
      },
    });
    expect(await pair.handshake()).toBe(true);
    expect(injected).toBe(1);
    expect(pair.clientLog.drops).toEqual({ dtls_unexpected_hello_verify: 1 });
    pair.client.handleDatagram(hvrDatagram(1, wrongCookie(), 9));
    expect(pair.clientLog.drops).toEqual({ dtls_unexpected_hello_verify: 2 });
    expect(clientHellos(pair).map((h) => h.messageSeq)).toEqual([0, 1]);
    expect(pair.client.established).toBe(true);
    await expectWorkingSession(pair);
  });

  it('a duplicated HelloVerifyRequest is answered once; the copy is dropped as stale', async () => {
    const pair = makePair('psk', { filter: (dir, d) => (dir === 'toClient' && isHvr(d) ? [d, d] : d) });
    expect(await pair.handshake()).toBe(true);
    expect(clientHellos(pair).map((h) => h.messageSeq)).toEqual([0, 1]);
    expect(pair.clientLog.drops).toEqual({ dtls_stale_hello_verify: 1 });
    expect(pair.client.stats().retransmissions).toBe(0);
  });

  const damages: readonly (readonly [string, (hvr: Uint8Array) => void, string])[] = [
    // Record header 13 bytes, handshake header 12 (message_seq at 4-5), then server_version (2), cookie length (1), cookie (32).
    [
      'a cookie length past the end of the body',
      (hvr) => {
        hvr[hvr.length - 33] = 200;
      },
      'dtls_bad_hello_verify',
    ],
    [
      'a damaged message_seq',
      (hvr) => {
        hvr[13 + 4] ^= 0x40;
      },
      'dtls_stale_hello_verify',
    ],
  ];
  it.each(damages)('a HelloVerifyRequest with %s is dropped, not fatal: the retransmitted ClientHello gets a good one', async (_what, damage, reason) => {
    let damaged = 0;
    const pair = makePair('psk', {
      filter: (dir, d) => {
        if (dir !== 'toClient' || damaged > 0 || !isHvr(d)) return d;
        damaged++;
        const copy = d.slice();
        damage(copy);
        return copy;
      },
    });
    expect(await pair.handshake()).toBe(true);
    expect(pair.clientLog.drops).toEqual({ [reason]: 1 });
    expect(clientHellos(pair).map((h) => h.messageSeq)).toEqual([0, 0, 1]); // the timer resent ClientHello 0
    expect(pair.client.stats().retransmissions).toBe(1);
  });
});
