import { describe, it, expect } from 'vitest';
import { RecordProtection } from '../../../../../plugins/security/dtls/record/protection.js';
import { RecordCursor } from '../../../../../plugins/security/dtls/record/codec.js';
import { CIPHER_SUITES, CIPHER_SUITE_NAMES } from '../../../../../plugins/security/dtls/suites.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { nobleCrypto } from '../../../../../plugins/security/dtls/crypto/noble.js';

const join = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe.each(CIPHER_SUITE_NAMES)('record protection, %s', (name) => {
  const suite = CIPHER_SUITES[name];
  const key = new Uint8Array(suite.keyLength).fill(7);
  const iv = new Uint8Array(suite.ivLength).fill(9);

  it('seals parts into header ‖ [explicit nonce] ‖ ciphertext ‖ tag that the other provider opens', () => {
    const tx = new RecordProtection(nodeCrypto, suite, key, iv);
    const rx = new RecordProtection(nobleCrypto, suite, key, iv);
    const parts = [Uint8Array.of(1, 2, 3), new Uint8Array(100).fill(4)];
    const wire = join(tx.seal(23, 0xfefd, 1, 42, parts));
    expect(wire.length).toBe(103 + suite.overhead);
    const c = new RecordCursor(wire);
    expect(c.next()).toBe(true);
    expect([c.type, c.epoch, c.seq, c.length]).toEqual([23, 1, 42, 103 + suite.overhead - 13]);
    if (suite.explicitNonceLength === 8) expect(Array.from(wire.subarray(13, 21))).toEqual([0, 1, 0, 0, 0, 0, 0, 42]);
    expect(Array.from(rx.open(23, 0xfefd, 1, 42, c.fragment())!)).toEqual(Array.from(join(parts)));
  });

  it('fails to open with another sequence number, type or epoch (they are in the AAD / nonce)', () => {
    const p = new RecordProtection(nodeCrypto, suite, key, iv);
    const frag = join(p.seal(23, 0xfefd, 1, 5, [Uint8Array.of(1)])).subarray(13);
    expect(p.open(23, 0xfefd, 1, 6, frag)).toBeNull();
    expect(p.open(22, 0xfefd, 1, 5, frag)).toBeNull();
    expect(p.open(23, 0xfefd, 2, 5, frag)).toBeNull();
    expect(p.open(23, 0xfefd, 1, 5, frag.subarray(0, 10))).toBeNull();
    expect(p.open(23, 0xfefd, 1, 5, frag)).not.toBeNull();
  });
});
