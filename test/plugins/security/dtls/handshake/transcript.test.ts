import { describe, it, expect } from 'vitest';
import { Transcript } from '../../../../../plugins/security/dtls/handshake/transcript.js';
import { encodeHandshake } from '../../../../../plugins/security/dtls/handshake/header.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { nobleCrypto } from '../../../../../plugins/security/dtls/crypto/noble.js';
import { wasmCrypto } from '../../../../../plugins/security/dtls/crypto/wasm.js';
import { toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { joinBytes } from '../../../../../core/bytes.js';

describe.each([nodeCrypto, nobleCrypto, wasmCrypto])('handshake transcript ($name)', (crypto) => {
  const body = (n: number, fill: number) => new Uint8Array(n).fill(fill);

  it('hashes incrementally: every digest equals SHA-256 of the whole messages so far, and hashing continues after it', () => {
    const t = new Transcript(crypto);
    const whole: Uint8Array[] = [];
    expect(toHex(t.digest())).toBe(toHex(crypto.sha256(new Uint8Array(0))));
    const sent = encodeHandshake(1, 0, body(77, 1));
    t.add(sent);
    whole.push(sent);
    expect(toHex(t.digest())).toBe(toHex(crypto.sha256(joinBytes(whole))));
    t.addMessage(2, 0, body(300, 2));
    whole.push(encodeHandshake(2, 0, body(300, 2)));
    t.addMessage(14, 3, new Uint8Array(0)); // ServerHelloDone: empty body
    whole.push(encodeHandshake(14, 3, new Uint8Array(0)));
    expect(toHex(t.digest())).toBe(toHex(crypto.sha256(joinBytes(whole))));
    expect(toHex(t.digest())).toBe(toHex(crypto.sha256(joinBytes(whole)))); // digest does not end the hash
    expect(toHex(t.bytes())).toBe(toHex(joinBytes(whole)));
  });

  it('reset forgets earlier messages (a ClientHello answered by a HelloVerifyRequest)', () => {
    const t = new Transcript(crypto);
    t.add(encodeHandshake(1, 0, body(50, 9)));
    t.reset();
    const again = encodeHandshake(1, 1, body(82, 3));
    t.add(again);
    expect(toHex(t.digest())).toBe(toHex(crypto.sha256(again)));
    expect(toHex(t.bytes())).toBe(toHex(again));
  });
});

describe('handshake transcript: lazy hashing', () => {
  it('returns the same digest while nothing is added, hashes what was added since in one go, and resets cleanly', () => {
    const t = new Transcript(nodeCrypto);
    const a = encodeHandshake(1, 0, new Uint8Array(40).fill(4));
    t.add(a);
    t.addMessage(2, 1, new Uint8Array(90).fill(5));
    const d1 = t.digest();
    expect(t.digest()).toBe(d1);
    expect(toHex(d1)).toBe(toHex(nodeCrypto.sha256(joinBytes([a, encodeHandshake(2, 1, new Uint8Array(90).fill(5))]))));
    const c = encodeHandshake(20, 2, new Uint8Array(12).fill(6));
    t.add(c);
    const d2 = t.digest();
    expect(d2).not.toBe(d1);
    expect(toHex(d2)).toBe(toHex(nodeCrypto.sha256(joinBytes([a, encodeHandshake(2, 1, new Uint8Array(90).fill(5)), c]))));
    t.reset();
    expect(toHex(t.digest())).toBe(toHex(nodeCrypto.sha256(new Uint8Array(0))));
  });
});
