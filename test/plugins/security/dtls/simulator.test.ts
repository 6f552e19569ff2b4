/**
 * The dtls plugin inside full stacks on the deterministic simulator:
 * GUE + DTLS + datagram, virtual time, seeded loss.
 */
import { describe, it, expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { simPair } from '../../../../core/testing/transport.js';
import type { Connection } from '../../../../core/connection/connection.js';
import type { StackConfig } from '../../../../core/composition/config.js';
import dtlsPlugin from '../../../../plugins/security/dtls/index.js';
import tcp from '../../../../plugins/transport/tcp/index.js';
import { MemorySink } from '../../../../core/trace/tracer.js';
import { PSK, pki } from './fixtures.js';

function config(options: Record<string, unknown>): StackConfig {
  return { encapsulation: 'gue', security: { use: dtlsPlugin, options }, transport: 'datagram' };
}

describe('dtls in a GUE stack on the simulator', () => {
  // At 30 % loss a handshake can outlast the default 30 s deadline: a flight keeps the backed-off
  // timer of a lossy one (RFC 6347 §4.2.4.1), up to 60 s between copies.
  it.each([1, 2, 3])('completes the handshake under 30 percent loss each way (seed %i) and then carries data', async (seed) => {
    const p = pki();
    const pair = await simPair(
      config({
        cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: p.ca.certificate, serverName: 'localhost',
        handshakeTimeout: 300_000,
      }),
      { seed, link: { bandwidth: '10Mbit', delay: '10ms', loss: { type: 'bernoulli', p: 0.3 } } },
    );
    try {
      const srv = await pair.server.listen({ host: '10.0.0.2', port: 6080 });
      const received: Buffer[] = [];
      srv.on('connection', (c: Connection) => c.on('data', (d: Buffer) => received.push(d)));
      const handshakes: string[] = [];
      pair.client.on('handshake', (info) => handshakes.push(info.cipherSuite));
      const conn = await pair.net.runUntil(pair.client.connect({ host: '10.0.0.2', port: 6080 }));
      expect(handshakes).toEqual(['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256']);
      for (let i = 0; i < 50; i++) conn.write(`datagram ${i}`);
      await pair.net.run({ for: '2s' });
      // Datagrams are unreliable: with 30 % loss some are missing, but what arrives is intact and unique.
      const texts = received.map((b) => b.toString());
      expect(texts.length).toBeGreaterThan(20);
      expect(new Set(texts).size).toBe(texts.length);
      for (const t of texts) expect(t).toMatch(/^datagram \d+$/);
    } finally {
      await pair.close();
    }
  });

  it('keylog lines reach the stack, the overhead is reported, a payload arrives intact', async () => {
    const pair = await simPair(config({ cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], psk: PSK }), { seed: 5 });
    try {
      const srv = await pair.server.listen({ host: '10.0.0.2', port: 6080 });
      const received: Buffer[] = [];
      srv.on('connection', (c: Connection) => c.on('data', (d: Buffer) => received.push(d)));
      const lines: string[] = [];
      pair.client.on('keylog', (l) => lines.push(l));
      const conn = await pair.net.runUntil(pair.client.connect({ host: '10.0.0.2', port: 6080 }));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^CLIENT_RANDOM /);
      expect(pair.client.describe().layers.security.overhead).toBe(37);
      const payload = Buffer.alloc(1000, 7);
      conn.write(payload);
      await pair.net.run({ for: '1s' });
      expect(received).toHaveLength(1);
      expect(createHash('sha256').update(received[0]).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    } finally {
      await pair.close();
    }
  });

  it.each(['TLS_PSK_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'] as const)(
    'tcp over %s over GUE: 1 MB arrives intact (SHA-256) through 2 percent loss and 1 percent bit corruption',
    async (suite) => {
      const pair = await simPair(
        { encapsulation: 'gue', security: { use: dtlsPlugin, options: { psk: PSK, cipherSuites: [suite] } }, transport: { use: tcp } },
        { seed: 3, link: { bandwidth: '20Mbit', delay: '10ms', loss: { type: 'bernoulli', p: 0.02 }, corrupt: 0.01 } },
      );
      try {
        const srv = await pair.server.listen({ host: '10.0.0.2', port: 6080 });
        const got: Buffer[] = [];
        srv.on('connection', (c: Connection) => c.on('data', (d: Buffer) => got.push(d)));
        const conn = await pair.net.runUntil(pair.client.connect({ host: '10.0.0.2', port: 6080 }));
        const data = randomBytes(1 << 20);
        conn.write(data);
        await pair.net.run({ for: '30s' });
        const all = Buffer.concat(got);
        expect(all.length).toBe(data.length);
        expect(createHash('sha256').update(all).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
        const drops = JSON.stringify(pair.server.stats());
        expect(drops).toMatch(/dtls_bad_record_mac|bad_record_mac/); // corrupted records were dropped by DTLS
      } finally {
        await pair.close();
      }
    },
  );
});

describe('dtls handshakes through bit corruption on the simulator (10 percent of datagrams, one flipped bit, no loss)', () => {
  /**
   * Seeds 1-12 with the default PSK suites (ECDHE_PSK negotiated). Before the
   * client answered every HelloVerifyRequest, 6 of them failed, 4 of those
   * (6, 9, 10, 12) through a damaged HelloVerifyRequest or ClientHello. Two
   * still fail, for a reason the cookie exchange cannot help with: a flipped
   * bit in a plaintext key-exchange flight that still parses, so the two
   * sides derive different keys and the server drops the client's Finished
   * as `dtls_bad_record_mac` until the deadline (seed 7: the client's
   * ClientKeyExchange, seed 11: the server's ServerHello/ServerKeyExchange
   * flight). A real UDP checksum discards any datagram with one flipped bit;
   * the simulator delivers it.
   */
  const KEYS_POISONED = [7, 11];

  it('handshakes recover from damaged HelloVerifyRequests and ClientHellos; only seeds 7 and 11 (damaged key exchange) fail', async () => {
    const failed: number[] = [];
    const recovered: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const sink = new MemorySink();
      const pair = await simPair(config({ psk: PSK }), { seed, link: { delay: '10ms', corrupt: 0.1 }, stackOptions: { trace: sink } });
      try {
        await pair.server.listen({ host: '10.0.0.2', port: 6080 });
        const hvrs = () => sink.named('handshake_step').filter((e) => e.data.role === 'client' && e.data.step === 'HelloVerifyRequest received').length;
        try {
          await pair.net.runUntil(pair.client.connect({ host: '10.0.0.2', port: 6080 }));
          // Answered a second HelloVerifyRequest, or dropped a damaged one and got a good one by retransmission.
          if (hvrs() > 1 || JSON.stringify(pair.client.stats()).includes('hello_verify')) recovered.push(seed);
        } catch (err) {
          failed.push(seed);
          expect(err).toMatchObject({ code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
          expect(hvrs()).toBe(1); // the cookie exchange went through
          const drops = JSON.stringify([pair.client.stats(), pair.server.stats()]);
          expect(drops).toContain('"dtls_bad_record_mac":5'); // the client's Finished and its 4 retransmissions
          expect(drops).not.toMatch(/hello_verify/);
        }
      } finally {
        await pair.close();
      }
    }
    expect(failed).toEqual(KEYS_POISONED);
    expect(recovered).toEqual([6, 9, 10, 12]); // exactly the seeds that used to fail on a damaged cookie exchange
  });
});
