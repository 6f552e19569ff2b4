/**
 * The JavaScript SHA-256 and HMAC-SHA256 the `node` provider uses for short
 * messages: FIPS 180-2 and RFC 4231 vectors, agreement with node:crypto at
 * every padding boundary and for random keys and messages, and the provider
 * taking this path below the threshold and OpenSSL's above it.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hmacSha256, JS_HMAC_MAX_INPUT, sha256 } from '../../../../../plugins/security/dtls/crypto/hmac-sha256.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { fromHex, toHex } from '../../../../../plugins/security/dtls/bytes.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const fill = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);

describe('SHA-256 in JavaScript (FIPS 180-4)', () => {
  it('hashes the FIPS 180-2 examples', () => {
    expect(toHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto for every length from 0 to 300 bytes (one- and two-block padding)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha256(data)), `length ${n}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});

describe('HMAC-SHA256 in JavaScript (RFC 2104)', () => {
  it('matches the RFC 4231 test cases 1, 2, 3, 4, 6 and 7', () => {
    expect(toHex(hmacSha256(fill(20, 0x0b), ascii('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(toHex(hmacSha256(ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(toHex(hmacSha256(fill(20, 0xaa), fill(50, 0xdd)))).toBe('773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe');
    expect(toHex(hmacSha256(fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'), fill(50, 0xcd)))).toBe(
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    );
    expect(toHex(hmacSha256(fill(131, 0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
    expect(
      toHex(
        hmacSha256(
          fill(131, 0xaa),
          ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
        ),
      ),
    ).toBe('9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2');
  });

  it('agrees with node:crypto for random keys (including longer than a block) and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.uint8Array({ maxLength: 400 }), (key, data) => {
        expect(toHex(hmacSha256(key, data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result when called again (no state carried between calls)', () => {
    const key = fill(32, 7);
    const first = toHex(hmacSha256(key, ascii('one')));
    hmacSha256(fill(100, 1), fill(200, 2));
    expect(toHex(hmacSha256(key, ascii('one')))).toBe(first);
  });

  it('returns a new buffer each time (callers may keep it)', () => {
    const a = hmacSha256(fill(32, 1), ascii('x'));
    const b = hmacSha256(fill(32, 1), ascii('x'));
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
  });
});

describe('the node provider', () => {
  it('computes the same HMAC on both sides of the JavaScript threshold', () => {
    const key = fill(48, 0x42);
    for (const n of [0, 12, 77, JS_HMAC_MAX_INPUT, JS_HMAC_MAX_INPUT + 1, 4096]) {
      const data = fill(n, n & 0xff);
      expect(toHex(nodeCrypto.hmacSha256(key, data)), `length ${n}`).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });
});
