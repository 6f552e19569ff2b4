/**
 * Sessions fed corrupted, truncated, duplicated and random datagrams during
 * and after the handshake: nothing ever throws out of handleDatagram, and a
 * session either completes or fails with a typed ToukitError.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SecurityPair } from '../../../../core/testing/security.js';
import { ToukitError } from '../../../../core/errors.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { CIPHER_SUITE_NAMES } from '../../../../plugins/security/dtls/suites.js';
import { suitePair } from './fixtures.js';

describe('fuzzed datagrams', () => {
  it('corrupting handshake datagrams in flight never throws; the outcome is success or a typed failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CIPHER_SUITE_NAMES),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        async (suite, seed, rate) => {
          const rng = new SeededRandom(seed);
          const pair: SecurityPair = suitePair(suite, {
            seed,
            filter: (_dir, d) => {
              if (rng.float() >= rate) return d;
              const m = d.slice(0, Math.max(1, d.length - (rng.uint32() % 4 === 0 ? rng.uint32() % d.length : 0)));
              const flips = 1 + (rng.uint32() % 3);
              for (let i = 0; i < flips; i++) m[rng.uint32() % m.length] ^= 1 << rng.uint32() % 8;
              return rng.uint32() % 5 === 0 ? [m, d] : m;
            },
          });
          let ok = false;
          try {
            ok = await pair.handshake(60_000);
          } catch (err) {
            throw new Error(`exception escaped the session: ${(err as Error).stack}`);
          }
          for (const f of [pair.clientLog.failed, pair.serverLog.failed]) {
            if (f !== undefined) {
              expect(f).toBeInstanceOf(ToukitError);
              expect((f as ToukitError).code).toMatch(/^ERR_DTLS_/);
            }
          }
          if (!ok) expect(pair.clientLog.failed ?? pair.serverLog.failed).toBeDefined();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('random datagrams thrown at established sessions are dropped and counted, never delivered', async () => {
    const pair = suitePair('TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256');
    expect(await pair.handshake()).toBe(true);
    const rng = new SeededRandom(42);
    for (let i = 0; i < 3000; i++) {
      const d = new Uint8Array(rng.uint32() % 200);
      rng.fill(d);
      if (i % 2 === 0 && d.length >= 13) d.set([20 + (i % 4), 0xfe, 0xfd, 0, i % 3], 0);
      if (i % 4 === 0 && d.length >= 13) {
        d[11] = 0;
        d[12] = d.length - 13;
      }
      expect(() => pair.client.handleDatagram(d)).not.toThrow();
      expect(() => pair.server!.handleDatagram(d)).not.toThrow();
    }
    expect(pair.clientLog.delivered).toHaveLength(0);
    expect(pair.serverLog.delivered).toHaveLength(0);
    expect(pair.client.established && pair.server!.established).toBe(true);
    const drops = Object.values(pair.serverLog.drops).reduce((a, b) => a + b, 0);
    expect(drops).toBeGreaterThan(2000);
  });
});
