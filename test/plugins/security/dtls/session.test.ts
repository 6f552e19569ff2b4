import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../core/testing/security.js';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';
import { RecordCursor } from '../../../../plugins/security/dtls/record/codec.js';
import { joinBytes } from '../../../../core/bytes.js';
import { DtlsAlertError, DtlsHandshakeError, DtlsHandshakeTimeoutError } from '../../../../plugins/security/dtls/errors.js';
import { StateError } from '../../../../core/errors.js';
import { PSK, dtls, suitePair } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Content types of the records in a datagram. */
function types(d: Uint8Array): number[] {
  const c = new RecordCursor(d);
  const out: number[] = [];
  while (c.next()) out.push(c.type);
  return out;
}

async function established(pair: SecurityPair): Promise<void> {
  expect(await pair.handshake()).toBe(true);
}

describe('record layer of an established session', () => {
  it('drops tampered, replayed, truncated and unknown-epoch records, counts them, and keeps the session', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    for (const k of Object.keys(pair.serverLog.drops)) delete pair.serverLog.drops[k];
    pair.client.send([enc('one')]);
    const wire = pair.clientLog.sent[pair.clientLog.sent.length - 1].data;
    const tampered = wire.slice();
    tampered[20] ^= 0x80;
    pair.toServer(tampered); // arrives before the authentic copy: fails authentication
    await pair.runUntil(() => pair.serverLog.delivered.length === 1);
    pair.toServer(wire); // replay
    pair.toServer(wire.subarray(0, wire.length - 3)); // truncated
    const otherEpoch = wire.slice();
    otherEpoch[4] = 7; // epoch 7
    pair.toServer(otherEpoch);
    pair.toServer(new Uint8Array(5)); // garbage
    expect(pair.serverLog.delivered).toHaveLength(1);
    expect(pair.serverLog.drops).toMatchObject({ dtls_bad_record_mac: 1, dtls_replay: 1, dtls_bad_length: 1, dtls_bad_epoch: 1, dtls_truncated: 1 });
    expect(pair.server!.established).toBe(true);
    expect(pair.serverLog.failed).toBeUndefined();
    expect((pair.server!.stats().drops as Record<string, number>).dtls_replay).toBe(1);
    pair.client.send([enc('two')]);
    await pair.runUntil(() => pair.serverLog.delivered.length === 2);
    expect(dec(pair.serverLog.delivered[1])).toBe('two');
  });

  it('delivers reordered records once each (inside the replay window)', async () => {
    const held: Uint8Array[] = [];
    let hold = false;
    const pair = suitePair('TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', {
      filter: (dir, d) => {
        if (hold && dir === 'toServer') {
          held.push(d);
          return null;
        }
        return d;
      },
    });
    await established(pair);
    hold = true;
    for (let i = 0; i < 20; i++) pair.client.send([enc(`m${i}`)]);
    hold = false;
    for (const d of held.reverse()) pair.toServer(d);
    for (const d of held) pair.toServer(d);
    expect(pair.serverLog.delivered.map(dec)).toEqual(Array.from({ length: 20 }, (_, i) => `m${19 - i}`));
    expect(pair.serverLog.drops.dtls_replay).toBe(20);
  });

  it('refuses to send before the handshake and enforces the 2^14 plaintext limit', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    expect(() => pair.client.send([enc('early')])).toThrow(StateError);
    await established(pair);
    expect(() => pair.client.send([new Uint8Array(16385)])).toThrowError(expect.objectContaining({ code: 'ERR_PAYLOAD_TOO_LARGE' }));
    expect(pair.client.overhead).toBe(37);
  });
});

describe('handshake robustness', () => {
  // A flight keeps the backed-off timer of a lossy one (RFC 6347 §4.2.4.1): at 30 % loss seed 2 needs 123 s (8 s, then up to 60 s between copies).
  const LOSSY_DEADLINE = 300_000;

  it.each([1, 2, 3, 4, 5, 6])('completes under 30 percent random loss through flight retransmission (seed %i)', async (seed) => {
    const pair = suitePair('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', { loss: 0.3, seed }, { handshakeTimeout: LOSSY_DEADLINE });
    expect(await pair.handshake(LOSSY_DEADLINE)).toBe(true);
    const retransmissions = (pair.client.stats().retransmissions as number) + (pair.server!.stats().retransmissions as number);
    expect(retransmissions + pair.acceptReplies).toBeGreaterThan(0);
  });

  it('retransmits with a doubling timer from retransmitTimeout, capped by handshakeTimeout (typed timeout error)', async () => {
    const times: number[] = [];
    const client = dtls({ psk: PSK, retransmitTimeout: 100, handshakeTimeout: 3000 });
    const pair: SecurityPair = new SecurityPair(client, dtls({ psk: PSK }), {
      filter: () => {
        times.push(pair.time.now());
        return null;
      },
    });
    pair.start();
    await pair.runUntil(() => pair.clientLog.failed !== undefined, 10_000);
    expect(times).toEqual([0, 100, 300, 700, 1500]); // the next (3100) is past the 3000 ms deadline
    expect(pair.clientLog.failed).toBeInstanceOf(DtlsHandshakeTimeoutError);
    expect((pair.clientLog.failed as DtlsHandshakeTimeoutError).code).toBe('ERR_DTLS_HANDSHAKE_TIMEOUT');
    expect(pair.time.now()).toBe(3000);
  });

  it('caps the retransmission timer at 60 s (RFC 6347 §4.2.4.1)', async () => {
    const times: number[] = [];
    const pair: SecurityPair = new SecurityPair(dtls({ psk: PSK, retransmitTimeout: 1000, handshakeTimeout: 400_000 }), dtls({ psk: PSK }), {
      filter: () => {
        times.push(pair.time.now());
        return null;
      },
    });
    pair.start();
    await pair.runUntil(() => pair.clientLog.failed !== undefined, 500_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    expect(Math.max(...gaps)).toBe(60000);
  });

  it('fragments flights to the mtu and reassembles them from reordered datagrams', async () => {
    const seen: number[] = [];
    let flip = 0;
    const pair = suitePair('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', {
      maxDatagramSize: 200,
      filter: (_dir, d) => {
        seen.push(d.length);
        flip++;
        return flip % 3 === 0 ? [d, d] : d; // duplicate every third datagram
      },
    });
    // Reverse the server's multi-datagram flights by delaying every other datagram.
    expect(await pair.handshake()).toBe(true);
    expect(Math.max(...seen)).toBeLessThanOrEqual(200);
    expect(seen.length).toBeGreaterThan(6);
  });

  it('answers a retransmitted client flight with its last flight once established (server keeps flight 6)', async () => {
    let dropFinished = true;
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', {
      filter: (dir, d) => {
        // Lose the server's CCS+Finished once: the client retransmits its flight, the server resends.
        if (dir === 'toClient' && dropFinished && types(d).includes(20)) {
          dropFinished = false;
          return null;
        }
        return d;
      },
    });
    expect(await pair.handshake()).toBe(true);
    expect(pair.server!.stats().retransmissions).toBe(1);
    expect(pair.client.stats().retransmissions).toBe(1);
  });

  it('a partially lost peer flight is recovered by the peer timer without spurious retransmissions', async () => {
    let dropped = 0;
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', {
      maxDatagramSize: 90, // ServerHello and ServerHelloDone travel in separate datagrams
      filter: (dir, d) => {
        const c = new RecordCursor(d);
        c.next();
        if (dir === 'toClient' && dropped === 0 && c.type === 22 && d[c.fragmentStart] === 14) {
          dropped++;
          return null; // lose the first ServerHelloDone
        }
        return d;
      },
    });
    const ok = await pair.handshake();
    expect(pair.clientLog.failed ?? pair.serverLog.failed).toBeUndefined();
    expect(ok).toBe(true);
    expect(dropped).toBe(1);
    expect(pair.server!.stats().retransmissions).toBe(1); // the server's timer resent flight 4
    expect(pair.client.stats().retransmissions).toBe(0); // the duplicate ServerHello did not trigger a resend
  });

  it('applies an early ChangeCipherSpec and buffers next-epoch records until the keys exist', async () => {
    let reordered = 0;
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', {
      filter: (dir, d) => {
        if (dir !== 'toServer') return d;
        const c = new RecordCursor(d);
        const recs: Uint8Array[] = [];
        let cke: Uint8Array | undefined;
        while (c.next()) {
          const r = c.record().slice();
          if (c.type === 22 && c.epoch === 0 && d[c.fragmentStart] === 16) cke = r;
          else recs.push(r);
        }
        if (cke === undefined) return d;
        reordered++;
        return [...recs, cke]; // CCS and Finished (epoch 1) arrive before the ClientKeyExchange
      },
    });
    expect(await pair.handshake(2000)).toBe(true);
    expect(reordered).toBe(1);
    expect(pair.client.stats().retransmissions).toBe(0);
  });

  it('keeps reading a datagram after the records buffered for epoch 1 were replayed in the middle of it', async () => {
    let split = 0;
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', {
      filter: (dir, d) => {
        if (dir !== 'toServer') return d;
        const c = new RecordCursor(d);
        const rest: Uint8Array[] = [];
        let cke: Uint8Array | undefined;
        let ccs: Uint8Array | undefined;
        while (c.next()) {
          const r = c.record().slice();
          if (c.type === 22 && c.epoch === 0 && d[c.fragmentStart] === 16) cke = r;
          else rest.push(r);
          if (c.type === 20) ccs = r;
        }
        if (cke === undefined || ccs === undefined || split > 0) return d;
        split++;
        // First CCS and Finished (buffered: no keys yet), then one datagram holding the ClientKeyExchange,
        // whose keys replay the buffered Finished, followed by a stray epoch-0 CCS that must still be read.
        return [joinBytes(rest), joinBytes([cke, ccs])];
      },
    });
    expect(await pair.handshake(2000)).toBe(true);
    expect(split).toBe(1);
    expect(pair.serverLog.drops.dtls_bad_epoch).toBe(1);
  });

  it("an epoch-0 record with a damaged or forged sequence number does not make the peer's ChangeCipherSpec a replay", async () => {
    let damaged = 0;
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', {
      filter: (dir, d) => {
        const c = new RecordCursor(d);
        c.next();
        if (dir !== 'toClient' || damaged > 0 || c.type !== 22 || d[c.fragmentStart] !== 2) return d;
        damaged++;
        const copy = d.slice();
        copy[5] = 0x80; // the ServerHello record's sequence number: 2^47 + n (unauthenticated, still processed)
        return copy;
      },
    });
    expect(await pair.handshake()).toBe(true);
    expect(damaged).toBe(1);
    expect(pair.clientLog.drops).toEqual({});
    expect(pair.client.stats().retransmissions).toBe(0);
  });
});

describe('alerts and failures', () => {
  it('an unknown PSK identity: server sends unknown_psk_identity (115), the client fails with ERR_DTLS_ALERT', async () => {
    const pair = new SecurityPair(dtls({ psk: { identity: 'nobody', key: PSK.key } }), dtls({ psk: PSK }));
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toBeInstanceOf(DtlsHandshakeError);
    expect((pair.serverLog.failed as DtlsHandshakeError).code).toBe('ERR_DTLS_UNKNOWN_PSK_IDENTITY');
    expect(pair.clientLog.failed).toBeInstanceOf(DtlsAlertError);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 115, remote: true });
  });

  it('a wrong PSK key: Finished records fail authentication silently, both sides time out', async () => {
    const pair = new SecurityPair(
      dtls({ psk: { identity: PSK.identity, key: 'ff'.repeat(16) }, handshakeTimeout: 5000 }),
      dtls({ psk: PSK, handshakeTimeout: 5000 }),
    );
    await pair.handshake();
    await pair.runUntil(() => pair.clientLog.failed !== undefined && pair.serverLog.failed !== undefined);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
    expect(pair.serverLog.drops.dtls_bad_record_mac).toBeGreaterThan(0);
  });

  it('no suite in common: the server answers handshake_failure (40)', async () => {
    const pair = new SecurityPair(
      dtls({ psk: PSK, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'] }),
      dtls({ psk: PSK, cipherSuites: ['TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'] }),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_NO_SHARED_CIPHER' });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 40 });
  });

  it('close_notify: the peer is told and stops; data after close is dropped', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    pair.server!.close();
    await pair.runUntil(() => pair.clientLog.closed > 0);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.client.established).toBe(false);
    expect(pair.clientLog.failed).toBeUndefined();
    expect(pair.server!.stats().state).toBe('closed');
  });

  it('refuses renegotiation: a HelloRequest in epoch 1 gets a no_renegotiation warning, the session continues', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    // Make the server send an encrypted HelloRequest (type 0) through its own flight machinery.
    const server = pair.server as unknown as { sendFlight(e: unknown[], r: boolean): void; handshakeMessage(t: number, b: Uint8Array, tr?: boolean): Uint8Array };
    server.sendFlight([{ type: 22, epoch: 1, payload: server.handshakeMessage(0, new Uint8Array(0), false) }], false);
    await pair.runUntil(() => pair.serverLog.sent.length > 0 && pair.clientLog.sent.some((s) => s.kind === 'handshake' && s.data[0] === 21));
    const alert = pair.clientLog.sent.filter((s) => s.data[0] === 21);
    expect(alert).toHaveLength(1);
    expect(pair.client.established).toBe(true);
    expect(pair.server!.established).toBe(true);
    pair.client.send([enc('after')]);
    await pair.runUntil(() => pair.serverLog.delivered.length === 1);
  });
});

describe('renegotiation initiated by the client', () => {
  it('a ClientHello in epoch 1 gets a no_renegotiation warning from the server; the session continues', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    const client = pair.client as unknown as { sendFlight(e: unknown[], r: boolean): void; handshakeMessage(t: number, b: Uint8Array, tr?: boolean): Uint8Array };
    client.sendFlight([{ type: 22, epoch: 1, payload: client.handshakeMessage(1, new Uint8Array(40), false) }], false);
    await pair.runUntil(() => pair.serverLog.sent.some((s) => s.data[0] === 21));
    expect(pair.serverLog.sent.filter((s) => s.data[0] === 21)).toHaveLength(1);
    expect(pair.server!.established).toBe(true);
    expect(pair.client.established).toBe(true);
    pair.server!.send([enc('still here')]);
    await pair.runUntil(() => pair.clientLog.delivered.length === 1);
    expect(dec(pair.clientLog.delivered[0])).toBe('still here');
  });
});

describe('observability', () => {
  it('emits NSS keylog lines (same master secret on both sides), handshake events and handshake_step traces', async () => {
    const sink = new MemorySink();
    let now = 0;
    const pair = suitePair('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', { tracer: new SinkTracer(() => now, [sink]) });
    await established(pair);
    now = 1;
    const kc = pair.clientLog.events.find((e) => e.name === 'keylog')!.args[0] as string;
    const ks = pair.serverLog.events.find((e) => e.name === 'keylog')!.args[0] as string;
    expect(kc).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    expect(kc).toBe(ks);
    expect(pair.clientLog.events.some((e) => e.name === 'handshake')).toBe(true);
    const steps = sink.named('handshake_step').map((e) => `${e.data.role}:${e.data.step}`);
    expect(steps).toContain('client:HelloVerifyRequest received');
    expect(steps).toContain('server:established');
    expect(pair.clientLog.established?.durationMs).toBeGreaterThan(0);
    expect(pair.clientLog.established?.peerCertificates?.length).toBe(1);
  });

  it('numbers the server records after the cookie-bearing ClientHello (the HVR echoed an earlier number)', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    const seqOf = (d: Uint8Array) => {
      const c = new RecordCursor(d);
      c.next();
      return c.seq;
    };
    expect(seqOf(pair.clientLog.sent[1].data)).toBe(1); // ClientHello with cookie
    expect(seqOf(pair.serverLog.sent[0].data)).toBe(1); // ServerHello
  });

  it('marks handshake datagrams as `handshake` and data as `application`', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    expect(pair.clientLog.sent.every((s) => s.kind === 'handshake')).toBe(true);
    pair.client.send([enc('x')]);
    expect(pair.clientLog.sent[pair.clientLog.sent.length - 1].kind).toBe('application');
  });
});

describe('client restart from the same address (RFC 6347 §4.2.8)', () => {
  it('an established server session answers a new ClientHello statelessly, then ends when the cookie comes back', async () => {
    const clientProto = dtls({ psk: PSK }, 31);
    const pair = new SecurityPair(clientProto, dtls({ psk: PSK }, 32));
    await established(pair);
    const oldServer = pair.server!;
    // A fresh client (lost state) on the same address: wire it by hand to the old server session.
    const toServer: Uint8Array[] = [];
    const fresh = clientProto.createClient({
      ...(pair as unknown as { context: never }),
      role: 'client',
      peer: { address: '192.0.2.2', family: 'IPv4', port: 4433 },
      maxDatagramSize: 1400,
      sendDown: (parts) => toServer.push(new Uint8Array(Buffer.concat(parts))),
      deliver: () => {},
      established: () => {},
      failed: () => {},
      closed: () => {},
      emitEvent: () => {},
      drop: () => {},
      clock: pair.time,
      timers: pair.time,
      random: pair.random,
      tracer: { enabled: false, emit() {}, child() { return this; } },
    });
    fresh.start();
    const sentBefore = pair.serverLog.sent.length;
    oldServer.handleDatagram(toServer[0]);
    expect(oldServer.established).toBe(true); // a hello without cookie changes nothing
    const hvr = pair.serverLog.sent[sentBefore].data;
    expect(hvr[13]).toBe(3); // HelloVerifyRequest
    fresh.handleDatagram(hvr);
    oldServer.handleDatagram(toServer[1]); // ClientHello with a valid cookie
    expect(oldServer.established).toBe(false);
    expect(pair.serverLog.closed).toBe(1);
    // The stack would now forget the peer; the next hello goes through accept() to a new session.
    pair.server = undefined;
    pair.toServer(toServer[1]);
    expect(pair.server).toBeDefined();
    expect(pair.server).not.toBe(oldServer);
  });
});
