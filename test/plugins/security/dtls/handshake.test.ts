import { describe, it, expect } from 'vitest';
import { CIPHER_SUITE_NAMES } from '../../../../plugins/security/dtls/suites.js';
import { suitePair } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('DTLS 1.2 handshake between our client and server (virtual time)', () => {
  for (const crypto of ['node', 'noble', 'wasm'] as const) {
    for (const suite of CIPHER_SUITE_NAMES) {
      it(`completes ${suite} with the ${crypto} provider and carries data both ways`, async () => {
        const pair = suitePair(suite, {}, { crypto });
        const ok = await pair.handshake();
        expect(pair.clientLog.failed).toBeUndefined();
        expect(pair.serverLog.failed).toBeUndefined();
        expect(ok).toBe(true);
        expect(pair.clientLog.established?.cipherSuite).toBe(suite);
        expect(pair.serverLog.established?.cipherSuite).toBe(suite);
        pair.client.send([enc('hello '), enc('server')]);
        pair.server!.send([enc('hello client')]);
        await pair.runUntil(() => pair.serverLog.delivered.length === 1 && pair.clientLog.delivered.length === 1);
        expect(dec(pair.serverLog.delivered[0])).toBe('hello server');
        expect(dec(pair.clientLog.delivered[0])).toBe('hello client');
      });
    }
  }
});
