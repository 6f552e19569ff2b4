/**
 * The `wasm` crypto provider: the `node` provider (node:crypto) for every
 * primitive except ChaCha20-Poly1305, which runs on a hand-assembled
 * WebAssembly kernel ({@link WasmChaCha20Poly1305}) with no cipher object
 * per record. Records longer than {@link WASM_MAX_RECORD} bytes still go to
 * node:crypto: its fixed cost per record (a `createCipheriv` each) is then
 * paid back by OpenSSL's wider vector code. Both produce the same bytes
 * (RFC 8439), so which one seals a record does not show on the wire. Where
 * WebAssembly is unavailable (`node --jitless`), ChaCha20-Poly1305 falls
 * back to node:crypto entirely.
 *
 * @module
 */
import { nodeCrypto } from './node.js';
import type { AeadAlgorithm, AeadKey, CryptoProvider } from './provider.js';
import { totalLength } from '../../../../core/bytes.js';
import { WasmChaCha20Poly1305, chachaKernel } from './wasm/aead.js';

/**
 * Largest plaintext (bytes) sealed or opened by the WebAssembly kernel; above
 * it node:crypto is faster (measured crossover about 5 KB on the project
 * machine: node ≈ 9–11 µs + 0.3 ns/B, the kernel ≈ 0.5 µs + 2–2.5 ns/B).
 */
export const WASM_MAX_RECORD = 4096;

/** ChaCha20-Poly1305 on the kernel up to {@link WASM_MAX_RECORD} bytes, on node:crypto above. */
export class WasmProviderChaCha20Poly1305 implements AeadKey {
  private large: AeadKey | undefined;

  /**
   * @param small - the kernel key for records up to {@link WASM_MAX_RECORD} bytes
   * @param key - the 32-byte key (for a node:crypto key made on the first larger record)
   */
  constructor(
    private readonly small: WasmChaCha20Poly1305,
    private readonly key: Uint8Array,
  ) {}

  private node(): AeadKey {
    return (this.large ??= nodeCrypto.aead('chacha20-poly1305', this.key));
  }

  /** {@inheritDoc AeadKey.seal} */
  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out?: Uint8Array[]): Uint8Array[] {
    const length = totalLength(parts);
    return length <= WASM_MAX_RECORD ? this.small.seal(nonce, aad, parts, out) : this.node().seal(nonce, aad, parts, out);
  }

  /** {@inheritDoc AeadKey.open} */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
    return ciphertext.length <= WASM_MAX_RECORD ? this.small.open(nonce, aad, ciphertext, tag) : this.node().open(nonce, aad, ciphertext, tag);
  }
}

/** The node:crypto + WebAssembly ChaCha20-Poly1305 provider. */
export const wasmCrypto: CryptoProvider = {
  ...nodeCrypto,
  name: 'wasm',
  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
    const kernel = algorithm === 'chacha20-poly1305' ? chachaKernel() : undefined;
    if (kernel === undefined) return nodeCrypto.aead(algorithm, key);
    const small = new WasmChaCha20Poly1305(kernel, key);
    return new WasmProviderChaCha20Poly1305(small, key.slice());
  },
};
