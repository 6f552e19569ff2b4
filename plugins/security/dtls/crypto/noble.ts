/**
 * The `noble` crypto provider: pure JavaScript (@noble/ciphers, @noble/hashes,
 * @noble/curves v2); no node:crypto for any primitive.
 *
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { AeadAlgorithm, AeadKey, CryptoProvider, EcdhGroup, EcdhKeyPair, Sha256Stream, SigningKey } from './provider.js';
import { joinBytes } from '../../../../core/bytes.js';

function join(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : joinBytes(parts);
}

class NobleAead implements AeadKey {
  constructor(
    private readonly algorithm: AeadAlgorithm,
    private readonly key: Uint8Array,
  ) {}

  private cipher(nonce: Uint8Array, aad: Uint8Array) {
    return this.algorithm === 'aes-128-gcm' ? gcm(this.key, nonce, aad) : chacha20poly1305(this.key, nonce, aad);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array[] = []): Uint8Array[] {
    const sealed = this.cipher(nonce, aad).encrypt(join(parts));
    out.push(sealed.subarray(0, sealed.length - 16), sealed.subarray(sealed.length - 16));
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
    try {
      return this.cipher(nonce, aad).decrypt(join([ciphertext, tag]));
    } catch {
      return null;
    }
  }
}

/** The @noble/* provider. */
export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  sha256: (data) => sha256(data),
  sha256Stream(): Sha256Stream {
    const h = sha256.create();
    return {
      update: (data) => {
        h.update(data);
      },
      digest: () => h.clone().digest(),
    };
  },
  hmacSha256: (key, data) => hmac(sha256, key, data),
  aead: (algorithm, key) => new NobleAead(algorithm, key.slice()),
  ecdh(group: EcdhGroup, privateKey: Uint8Array): EcdhKeyPair {
    if (group === 'x25519') {
      const sk = privateKey.slice();
      return {
        publicKey: x25519.getPublicKey(sk),
        computeSecret: (peer) => {
          if (peer.length !== 32) throw new RangeError('x25519 public key must be 32 bytes');
          return x25519.getSharedSecret(sk, peer);
        },
      };
    }
    const sk = privateKey.slice();
    return {
      publicKey: p256.getPublicKey(sk, false),
      computeSecret: (peer) => p256.getSharedSecret(sk, peer, true).subarray(1),
    };
  },
  signingKey(privateKey: Uint8Array): SigningKey {
    const sk = privateKey.slice();
    return {
      publicKey: p256.getPublicKey(sk, false),
      // RFC 6979 (hedged by extraEntropy when given), low-S: noble's defaults, and what crypto/ecdsa-p256.ts matches.
      sign: (data, extraEntropy) => p256.sign(data, sk, { prehash: true, format: 'der', lowS: true, extraEntropy: extraEntropy ?? false }),
    };
  },
  ecdsaVerify(publicKey, data, derSignature) {
    try {
      return p256.verify(derSignature, data, publicKey, { prehash: true, format: 'der', lowS: false });
    } catch {
      return false;
    }
  },
  randomFill: (bytes) => {
    bytes.set(randomBytes(bytes.length));
  },
};
