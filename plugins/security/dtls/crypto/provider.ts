/**
 * The crypto provider interface: every primitive DTLS needs, swappable
 * between `node` (node:crypto), `noble` (@noble/* pure JS, no node:crypto)
 * and `wasm` (node:crypto with a WebAssembly ChaCha20-Poly1305).
 *
 * @module
 */

/** AEAD algorithms of the supported suites (RFC 5288, RFC 7905). */
export type AeadAlgorithm = 'aes-128-gcm' | 'chacha20-poly1305';

/** ECDHE groups (RFC 8422 §5.1.1). */
export type EcdhGroup = 'x25519' | 'secp256r1';

/** An AEAD key with per-key state prepared once per epoch. */
export interface AeadKey {
  /**
   * Encrypt the concatenation of `parts`; appends the ciphertext as one or
   * more chunks followed by the 16-byte tag to `out` (a new array when
   * omitted) and returns it, so a caller can put its record header first
   * and send the whole array without concatenating.
   */
  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out?: Uint8Array[]): Uint8Array[];
  /** Decrypt and authenticate; `null` when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null;
}

/** An incremental SHA-256 whose digest can be read without ending it. */
export interface Sha256Stream {
  /** Hash `data` next. */
  update(data: Uint8Array): void;
  /** SHA-256 of everything hashed so far; `update` may still be called afterwards. */
  digest(): Uint8Array;
}

/** An ephemeral ECDH key pair. */
export interface EcdhKeyPair {
  /** Public key as sent on the wire (x25519: 32 B; P-256: 65 B uncompressed point). */
  readonly publicKey: Uint8Array;
  /** Shared secret with the peer public key (x25519 32 B, P-256 the 32-byte x coordinate); throws on invalid points. */
  computeSecret(peerPublicKey: Uint8Array): Uint8Array;
}

/** An ECDSA P-256 signing key. */
export interface SigningKey {
  /** Uncompressed public point (65 B). */
  readonly publicKey: Uint8Array;
  /**
   * DER-encoded, low-S ECDSA signature over SHA-256(`data`), with the nonce
   * of RFC 6979 §3.2 hedged with `extraEntropy` as the additional data k' of
   * §3.6: the same key, data and `extraEntropy` give the same bytes in every
   * provider, and without `extraEntropy` the signature is plain RFC 6979.
   * A session passes 32 bytes from its random source, so a seeded source
   * reproduces the handshake and a crypto-random one hedges the nonce.
   */
  sign(data: Uint8Array, extraEntropy?: Uint8Array): Uint8Array;
}

/** Every primitive the DTLS plugin uses. */
export interface CryptoProvider {
  /** Provider name. */
  readonly name: 'node' | 'noble' | 'wasm';
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Uint8Array;
  /** An incremental SHA-256 (the handshake transcript hash). */
  sha256Stream(): Sha256Stream;
  /** HMAC-SHA256 (RFC 2104). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** Prepare an AEAD key. */
  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey;
  /** ECDH key pair whose private key is `privateKey` (32 random bytes; for P-256 must be in [1, n-1]). */
  ecdh(group: EcdhGroup, privateKey: Uint8Array): EcdhKeyPair;
  /** ECDSA P-256 key from its 32-byte private scalar. */
  signingKey(privateKey: Uint8Array): SigningKey;
  /** Verify a DER ECDSA P-256 signature over SHA-256(`data`) with an uncompressed public point. */
  ecdsaVerify(publicKey: Uint8Array, data: Uint8Array, derSignature: Uint8Array): boolean;
  /** Fill `bytes` with cryptographically secure random bytes. */
  randomFill(bytes: Uint8Array): void;
}
