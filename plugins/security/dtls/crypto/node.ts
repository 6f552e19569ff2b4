/**
 * The `node` crypto provider: node:crypto (OpenSSL). Per record it creates
 * one cipher with `createCipheriv` and returns ciphertext chunks and tag
 * without concatenating them. HMACs over short messages (up to
 * {@link JS_HMAC_MAX_INPUT} bytes: every HMAC of a handshake) are computed in
 * JavaScript (`hmac-sha256.ts`), which is cheaper than creating an
 * OpenSSL 3 HMAC context for them.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomFillSync,
  verify,
} from 'node:crypto';
import type { ECDH, KeyObject } from 'node:crypto';
import type { AeadAlgorithm, AeadKey, CryptoProvider, EcdhGroup, EcdhKeyPair, Sha256Stream, SigningKey } from './provider.js';
import { hmacSha256 as jsHmacSha256, JS_HMAC_MAX_INPUT } from './hmac-sha256.js';
import { signP256 } from './ecdsa-p256.js';
import type { P256SignPrimitives } from './ecdsa-p256.js';

const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Cipher options shared by every record (one object, not one per call). */
const AUTH_TAG_16 = { authTagLength: 16 } as const;

/**
 * One AEAD key. It keeps its own copy of the raw key bytes rather than a
 * `createSecretKey` KeyObject: `createCipheriv` costs the same either way,
 * and a handshake then creates (and the GC later frees) two native key
 * objects fewer per side.
 */
class NodeAead implements AeadKey {
  private readonly key: Buffer;
  private readonly alg: string;

  constructor(algorithm: AeadAlgorithm, key: Uint8Array) {
    this.key = Buffer.from(key);
    this.alg = algorithm;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array[] = []): Uint8Array[] {
    const c = createCipheriv(this.alg as 'aes-128-gcm', this.key, nonce, AUTH_TAG_16);
    c.setAAD(aad);
    for (let i = 0; i < parts.length; i++) {
      const chunk = c.update(parts[i]);
      if (chunk.length > 0) out.push(chunk);
    }
    const last = c.final();
    if (last.length > 0) out.push(last);
    out.push(c.getAuthTag());
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
    try {
      const d = createDecipheriv(this.alg as 'aes-128-gcm', this.key, nonce, AUTH_TAG_16);
      d.setAAD(aad);
      d.setAuthTag(tag);
      const a = d.update(ciphertext);
      const b = d.final();
      return b.length === 0 ? u8(a) : u8(Buffer.concat([a, b]));
    } catch {
      return null;
    }
  }
}

/**
 * Public-key KeyObjects by point, so that verifying with the same peer or CA
 * key again (a pinned server certificate, a returning client certificate)
 * does not import the key again: a JWK import of a P-256 point costs about
 * as much as the verification itself.
 */
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_PUBLIC_KEYS = 64;

function p256PublicKeyObject(point: Uint8Array): KeyObject {
  if (point.length !== 65 || point[0] !== 4) throw new RangeError('expected an uncompressed P-256 point');
  const id = b64u(point);
  let key = publicKeys.get(id);
  if (key !== undefined) return key;
  key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) },
    format: 'jwk',
  });
  if (publicKeys.size >= MAX_CACHED_PUBLIC_KEYS) publicKeys.delete(publicKeys.keys().next().value as string);
  publicKeys.set(id, key);
  return key;
}

/**
 * An X25519 private KeyObject from its 32-byte scalar (RFC 7748 §5). The JWK
 * route (RFC 8037 §2) costs a fraction of a PKCS#8 DER import, which goes
 * through OpenSSL 3's generic decoders. Node reads only `d` from a private
 * OKP JWK; `x` must be present as a string, so it is given empty. Falls back
 * to PKCS#8 should a runtime insist on `x`.
 */
function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(scalar), x: '' }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
  }
}

/** The raw 32-byte public key of an X25519 private KeyObject (its JWK export carries `x`: no encoder, no second KeyObject). */
function x25519PublicBytes(priv: KeyObject): Uint8Array {
  const x = priv.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new RangeError('x25519 key export failed');
  return u8(Buffer.from(x, 'base64url'));
}

/** An X25519 public KeyObject from the 32 bytes on the wire (JWK import). */
function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' });
}

/** SHA-256 through OpenSSL. */
function sha256(data: Uint8Array): Uint8Array {
  return u8(createHash('sha256').update(data).digest());
}

/**
 * The ECDH object that computes k·G for every signature (reused: creating
 * one costs about as much as the multiplication, 14 of 31 µs). It holds the
 * last nonce until the next signature replaces it; that k with its
 * signature would give the private key, which this provider keeps in memory
 * anyway, so keeping k adds no exposure.
 */
let baseMultiplier: ECDH | undefined;

/**
 * The primitives of {@link signP256}: SHA-256 through OpenSSL, the
 * JavaScript HMAC (every DRBG input is at most 129 bytes), and k·G as the
 * public key of an ECDH key whose private key is k (OpenSSL's constant-time
 * fixed-base multiplication).
 */
const NODE_P256: P256SignPrimitives = {
  hmac: jsHmacSha256,
  sha256,
  mulBase(k: Uint8Array): Uint8Array {
    const e = (baseMultiplier ??= createECDH('prime256v1'));
    e.setPrivateKey(k);
    return u8(e.getPublicKey()).subarray(1, 33);
  },
};

/** The node:crypto provider. */
export const nodeCrypto: CryptoProvider = {
  name: 'node',
  sha256,
  sha256Stream(): Sha256Stream {
    const h = createHash('sha256');
    return {
      update: (data) => {
        h.update(data);
      },
      digest: () => u8(h.copy().digest()),
    };
  },
  // Short messages (every HMAC of a handshake): the JavaScript HMAC beats creating an OpenSSL 3 HMAC context.
  hmacSha256: (key, data) => (data.length <= JS_HMAC_MAX_INPUT ? jsHmacSha256(key, data) : u8(createHmac('sha256', key).update(data).digest())),
  aead: (algorithm, key) => new NodeAead(algorithm, key),
  ecdh(group: EcdhGroup, privateKey: Uint8Array): EcdhKeyPair {
    if (group === 'secp256r1') {
      const e = createECDH('prime256v1');
      e.setPrivateKey(privateKey);
      const publicKey = u8(e.getPublicKey());
      return { publicKey, computeSecret: (peer) => u8(e.computeSecret(peer)) };
    }
    const priv = x25519PrivateKey(privateKey);
    const publicKey = x25519PublicBytes(priv);
    return {
      publicKey,
      computeSecret(peer: Uint8Array): Uint8Array {
        if (peer.length !== 32) throw new RangeError('x25519 public key must be 32 bytes');
        const pub = x25519PublicKey(peer);
        const z = u8(diffieHellman({ privateKey: priv, publicKey: pub }));
        let nz = 0;
        for (const b of z) nz |= b;
        if (nz === 0) throw new RangeError('x25519 shared secret is all zero');
        return z;
      },
    };
  },
  /**
   * Not node:crypto's `sign`, whose nonce comes from OpenSSL's unseedable
   * generator: {@link signP256} (hedged RFC 6979), with k·G computed by
   * OpenSSL through an ECDH key whose private key is k.
   */
  signingKey(privateKey: Uint8Array): SigningKey {
    if (privateKey.length !== 32) throw new RangeError('a P-256 private key is 32 bytes');
    const e = createECDH('prime256v1');
    e.setPrivateKey(privateKey); // throws unless 1 ≤ d < n
    const publicKey = u8(e.getPublicKey());
    const d = privateKey.slice();
    return { publicKey, sign: (data, extraEntropy) => signP256(NODE_P256, d, data, extraEntropy) };
  },
  ecdsaVerify(publicKey, data, derSignature) {
    try {
      return verify('sha256', data, { key: p256PublicKeyObject(publicKey), dsaEncoding: 'der' }, derSignature);
    } catch {
      return false;
    }
  },
  randomFill: (bytes) => {
    randomFillSync(bytes);
  },
};
