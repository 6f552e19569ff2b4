import { describe, it, expect } from 'vitest';
import { nodeCrypto } from '../../../../plugins/security/dtls/crypto/node.js';
import { nobleCrypto } from '../../../../plugins/security/dtls/crypto/noble.js';
import { wasmCrypto } from '../../../../plugins/security/dtls/crypto/wasm.js';
import { fromHex, toHex } from '../../../../plugins/security/dtls/bytes.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { extendedMasterSecret, masterSecret, prf, verifyData } from '../../../../plugins/security/dtls/prf.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe.each([nodeCrypto, nobleCrypto, wasmCrypto])('crypto provider $name', (crypto) => {
  it('HMAC-SHA256 matches RFC 4231 test case 2', () => {
    expect(toHex(crypto.hmacSha256(enc('Jefe'), enc('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('SHA-256 of "abc" matches FIPS 180-2', () => {
    expect(toHex(crypto.sha256(enc('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the TLS 1.2 PRF (P_SHA256) matches the published 100-byte test vector (also what `openssl kdf TLS1-PRF` gives)', () => {
    const out = prf(crypto, fromHex('9bbe436ba940f017b17652849a71db35'), 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('AES-128-GCM matches the GCM spec test case 4 (with AAD), and rejects a modified tag', () => {
    const key = crypto.aead('aes-128-gcm', fromHex('feffe9928665731c6d6a8f9467308308'));
    const iv = fromHex('cafebabefacedbaddecaf888');
    const aad = fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const pt = fromHex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    const out = key.seal(iv, aad, [pt.subarray(0, 17), pt.subarray(17)]);
    const tag = out[out.length - 1];
    const ct = Buffer.concat(out.slice(0, -1));
    expect(toHex(ct)).toBe(
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    );
    expect(toHex(tag)).toBe('5bc94fbc3221a5db94fae95ae7121a47');
    expect(toHex(key.open(iv, aad, ct, tag)!)).toBe(toHex(pt));
    const bad = tag.slice();
    bad[0] ^= 1;
    expect(key.open(iv, aad, ct, bad)).toBeNull();
  });

  it('ChaCha20-Poly1305 matches RFC 8439 §2.8.2, and rejects modified AAD', () => {
    const k = new Uint8Array(32).map((_, i) => 0x80 + i);
    const key = crypto.aead('chacha20-poly1305', k);
    const nonce = fromHex('070000004041424344454647');
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = enc("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const out = key.seal(nonce, aad, [pt]);
    const tag = out[out.length - 1];
    const ct = Buffer.concat(out.slice(0, -1));
    expect(toHex(ct)).toBe(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
    );
    expect(toHex(tag)).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(new TextDecoder().decode(key.open(nonce, aad, ct, tag)!)).toContain('sunscreen');
    const badAad = aad.slice();
    badAad[0] ^= 1;
    expect(key.open(nonce, badAad, ct, tag)).toBeNull();
  });

  it('derives master secrets and verify_data deterministically (the same on both providers)', () => {
    const pms = fromHex('00'.repeat(16) + 'ff'.repeat(16));
    const cr = new Uint8Array(32).fill(1);
    const sr = new Uint8Array(32).fill(2);
    const other = crypto === nodeCrypto ? nobleCrypto : nodeCrypto;
    expect(toHex(masterSecret(crypto, pms, cr, sr))).toBe(toHex(masterSecret(other, pms, cr, sr)));
    expect(masterSecret(crypto, pms, cr, sr)).toHaveLength(48);
    const ems = extendedMasterSecret(crypto, pms, crypto.sha256(enc('transcript')));
    expect(toHex(ems)).toBe(toHex(prf(crypto, pms, 'extended master secret', crypto.sha256(enc('transcript')), 48)));
    expect(verifyData(crypto, ems, 'client', cr)).toHaveLength(12);
    expect(toHex(verifyData(crypto, ems, 'client', cr))).not.toBe(toHex(verifyData(crypto, ems, 'server', cr)));
  });
});

describe('providers agree with each other', () => {
  const k1 = new Uint8Array(32).map((_, i) => i + 1);
  const k2 = new Uint8Array(32).map((_, i) => 0x40 + i);

  it.each(['x25519', 'secp256r1'] as const)('ECDH %s: same public keys and shared secrets across providers', (group) => {
    const a = nodeCrypto.ecdh(group, k1);
    const b = nobleCrypto.ecdh(group, k2);
    expect(toHex(a.publicKey)).toBe(toHex(nobleCrypto.ecdh(group, k1).publicKey));
    expect(toHex(a.computeSecret(b.publicKey))).toBe(toHex(b.computeSecret(a.publicKey)));
    expect(a.computeSecret(b.publicKey)).toHaveLength(32);
  });

  it('x25519 matches the RFC 7748 §6.1 test vector on both providers', () => {
    const alicePriv = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobPriv = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    for (const c of [nodeCrypto, nobleCrypto]) {
      const alice = c.ecdh('x25519', alicePriv);
      const bob = c.ecdh('x25519', bobPriv);
      expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
      expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
      expect(toHex(alice.computeSecret(bob.publicKey))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    }
  });

  it('x25519: node and noble agree on public keys and secrets for many random scalars (clamping included)', () => {
    const rnd = new SeededRandom(7);
    for (let i = 0; i < 32; i++) {
      const a = new Uint8Array(32);
      const b = new Uint8Array(32);
      rnd.fill(a);
      rnd.fill(b);
      const na = nodeCrypto.ecdh('x25519', a);
      const nb = nobleCrypto.ecdh('x25519', b);
      expect(toHex(na.publicKey)).toBe(toHex(nobleCrypto.ecdh('x25519', a).publicKey));
      expect(toHex(na.computeSecret(nb.publicKey))).toBe(toHex(nb.computeSecret(na.publicKey)));
    }
  });

  it('node ECDSA verification stays key-specific when public keys are reused and evicted from its cache', () => {
    const msg = enc('transcript');
    const keys = Array.from({ length: 80 }, (_, i) => nodeCrypto.signingKey(new Uint8Array(32).fill(i + 1)));
    const sigs = keys.map((k) => k.sign(msg));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < keys.length; i++) {
        expect(nodeCrypto.ecdsaVerify(keys[i].publicKey, msg, sigs[i])).toBe(true);
        expect(nodeCrypto.ecdsaVerify(keys[i].publicKey, msg, sigs[(i + 1) % keys.length])).toBe(false);
      }
    }
    const bad = keys[0].publicKey.slice();
    bad[64] ^= 1; // not on the curve
    expect(nodeCrypto.ecdsaVerify(bad, msg, sigs[0])).toBe(false);
  });

  it('x25519 rejects the all-zero (small-order) point on both providers', () => {
    for (const c of [nodeCrypto, nobleCrypto]) expect(() => c.ecdh('x25519', k1).computeSecret(new Uint8Array(32))).toThrow();
  });

  it('ECDSA P-256: a signature by one provider verifies with the other; a modified message does not', () => {
    const msg = enc('client_random ‖ server_random ‖ params');
    for (const [signer, verifier] of [
      [nodeCrypto, nobleCrypto],
      [nobleCrypto, nodeCrypto],
    ] as const) {
      const key = signer.signingKey(k1);
      const sig = key.sign(msg);
      expect(sig[0]).toBe(0x30); // DER SEQUENCE
      expect(verifier.ecdsaVerify(key.publicKey, msg, sig)).toBe(true);
      expect(verifier.ecdsaVerify(key.publicKey, enc('something else'), sig)).toBe(false);
      expect(verifier.ecdsaVerify(key.publicKey, msg, sig.subarray(0, 10))).toBe(false);
    }
  });
});
