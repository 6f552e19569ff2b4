/**
 * Closure alerts (RFC 5246 §7.2.1, which RFC 6347 §4.1 keeps for DTLS 1.2):
 * a received close_notify is answered with one close_notify of our own and
 * the session closes at once; an answer is never answered.
 */
import { describe, it, expect } from 'vitest';
import type { SecurityPair } from '../../../../core/testing/security.js';
import { createStack } from '../../../../core/index.js';
import type { Connection } from '../../../../core/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import { StateError } from '../../../../core/errors.js';
import { AlertDescription, AlertLevel, ContentType, DTLS12 } from '../../../../plugins/security/dtls/constants.js';
import { RecordCursor, plaintextRecord } from '../../../../plugins/security/dtls/record/codec.js';
import type { RecordLayer } from '../../../../plugins/security/dtls/record/layer.js';
import type { SecuritySession } from '../../../../core/contracts/security.js';
import { PSK, suitePair } from './fixtures.js';

/** The records of a datagram: content type, epoch and the record itself. */
function records(d: Uint8Array): { type: number; epoch: number; record: Uint8Array }[] {
  const c = new RecordCursor(d);
  const out: { type: number; epoch: number; record: Uint8Array }[] = [];
  while (c.next()) out.push({ type: c.type, epoch: c.epoch, record: c.record().slice() });
  return out;
}

/** Alert records among the datagrams a side sent from index `from` on. */
function alertsSent(sent: { data: Uint8Array }[], from: number): { type: number; epoch: number; record: Uint8Array }[] {
  return sent.slice(from).flatMap((s) => records(s.data)).filter((r) => r.type === ContentType.alert);
}

/** Open an epoch-1 record with `session`'s read keys (still held after it closed). */
function openWith(session: SecuritySession, record: Uint8Array): Uint8Array | string | null {
  const layer = (session as unknown as { records: RecordLayer }).records;
  const cur = new RecordCursor(record);
  cur.next();
  return layer.open(cur, true);
}

async function established(pair: SecurityPair): Promise<void> {
  expect(await pair.handshake()).toBe(true);
}

const CLOSE_NOTIFY = [AlertLevel.warning, AlertDescription.close_notify];

describe('RFC 5246 §7.2.1 (RFC 6347 §4.1): a received close_notify', () => {
  it.each(['TLS_PSK_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'] as const)(
    'is answered with one close_notify of our own, protected in epoch 1, and the session closes (%s)',
    async (suite) => {
      const pair = suitePair(suite);
      await established(pair);
      const clientBefore = pair.clientLog.sent.length;
      pair.server!.close();
      await pair.runUntil(() => pair.clientLog.closed > 0);
      const answer = alertsSent(pair.clientLog.sent, clientBefore);
      expect(pair.clientLog.sent.length - clientBefore).toBe(1);
      expect(answer).toHaveLength(1);
      expect(answer[0].epoch).toBe(1);
      expect(openWith(pair.server!, answer[0].record)).toEqual(Uint8Array.from(CLOSE_NOTIFY));
      // The session ended as before: closed (not failed), reported once, no more application data.
      expect(pair.clientLog.closed).toBe(1);
      expect(pair.clientLog.failed).toBeUndefined();
      expect(pair.client.stats().state).toBe('closed');
      expect(() => pair.client.send([Uint8Array.of(1)])).toThrow(StateError);
    },
  );

  it('is answered by the server too when the client closes first', async () => {
    const pair = suitePair('TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256');
    await established(pair);
    const serverBefore = pair.serverLog.sent.length;
    pair.client.close();
    await pair.runUntil(() => pair.serverLog.closed > 0);
    const answer = alertsSent(pair.serverLog.sent, serverBefore);
    expect(answer).toHaveLength(1);
    expect(openWith(pair.client, answer[0].record)).toEqual(Uint8Array.from(CLOSE_NOTIFY));
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.serverLog.failed).toBeUndefined();
  });

  it('the side that sent close_notify first does not answer the answer: one alert each way, then silence', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    const [clientBefore, serverBefore] = [pair.clientLog.sent.length, pair.serverLog.sent.length];
    pair.server!.close();
    await pair.runUntil(() => false, 1000);
    expect(pair.time.idle).toBe(true);
    expect(pair.serverLog.sent.length - serverBefore).toBe(1);
    expect(pair.clientLog.sent.length - clientBefore).toBe(1);
    // The answer reached the server, which had closed: discarded, not answered, and closed() is not reported again.
    expect(pair.serverLog.drops.dtls_session_ended).toBe(1);
    expect(pair.serverLog.closed).toBe(0);
    expect(pair.server!.stats().state).toBe('closed');
  });

  it('is answered once: a duplicate close_notify after our answer gets nothing', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    pair.server!.close();
    const notify = pair.serverLog.sent[pair.serverLog.sent.length - 1].data;
    await pair.runUntil(() => pair.clientLog.closed > 0);
    const clientBefore = pair.clientLog.sent.length;
    pair.client.handleDatagram(notify);
    expect(pair.clientLog.sent.length).toBe(clientBefore);
    expect(pair.clientLog.drops.dtls_session_ended).toBe(1);
    expect(pair.clientLog.closed).toBe(1);
  });

  it('simultaneous close: each close_notify is the answer to the other, neither side answers', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256');
    await established(pair);
    const [clientBefore, serverBefore] = [pair.clientLog.sent.length, pair.serverLog.sent.length];
    pair.client.close();
    pair.server!.close();
    await pair.runUntil(() => false, 1000);
    expect(pair.clientLog.sent.length - clientBefore).toBe(1);
    expect(pair.serverLog.sent.length - serverBefore).toBe(1);
    expect(pair.clientLog.drops.dtls_session_ended).toBe(1);
    expect(pair.serverLog.drops.dtls_session_ended).toBe(1);
  });

  it('during the handshake it ends the handshake unanswered: no close_notify is sent before the session is established (as close())', async () => {
    const pair = suitePair('TLS_PSK_WITH_AES_128_GCM_SHA256', { filter: (dir, d) => (dir === 'toClient' ? null : d) });
    pair.start();
    await pair.runUntil(() => pair.clientLog.sent.length > 0, 10);
    const before = pair.clientLog.sent.length;
    pair.client.handleDatagram(plaintextRecord(ContentType.alert, DTLS12, 0, 0, Uint8Array.from(CLOSE_NOTIFY)));
    expect(pair.clientLog.sent.length).toBe(before);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.client.stats().state).toBe('closed');
    await pair.runUntil(() => false, 5000);
    expect(pair.clientLog.sent.length).toBe(before); // no retransmission either
  });
});

describe('RFC 5246 §7.2.1 in a stack: what the connection sees when the peer closes', () => {
  it('the connection ends without an error as before; our answer is the one datagram it sends after the close_notify', async () => {
    const net = new SimNetwork({ seed: 4 });
    net.link('10.0.0.1', '10.0.0.2', { delay: '10ms' });
    const cfg = { security: { use: 'dtls', options: { psk: PSK } }, transport: 'datagram' } as const;
    const server = await createStack(cfg, { substrate: net.host('10.0.0.2') });
    const client = await createStack(cfg, { substrate: net.host('10.0.0.1') });
    try {
      const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
      let accepted: Connection | undefined;
      srv.on('connection', (c: Connection) => (accepted = c));
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
      const seen: string[] = [];
      conn.on('end', () => seen.push('end'));
      conn.on('error', (err: Error) => seen.push(`error ${err.message}`));
      conn.on('close', () => seen.push('close'));
      conn.resume();
      conn.write('hello');
      await net.run({ for: '100ms' });
      expect(accepted).toBeDefined();
      const sentBefore = (client.stats() as { datagramsSent: number }).datagramsSent;
      const serverDropsBefore = (server.stats() as { drops: Record<string, number> }).drops.after_close ?? 0;
      accepted!.destroy(); // its last connection gone, the server's secure session closes: close_notify
      await net.run({ for: '1s' });
      expect(seen).toEqual(['end', 'close']);
      expect((client.stats() as { peers: number }).peers).toBe(0);
      expect((client.stats() as { datagramsSent: number }).datagramsSent - sentBefore).toBe(1);
      // The server stack forgot the peer when it closed: the answer is counted as arriving after the close,
      // not as a datagram without a session.
      const drops = (server.stats() as { drops: Record<string, number> }).drops;
      expect(drops.after_close).toBe(serverDropsBefore + 1);
      expect(drops.dtls_no_session ?? 0).toBe(0);
    } finally {
      await client.close();
      await server.close();
      await net.runUntilIdle({ limit: '10s' });
    }
  });
});
