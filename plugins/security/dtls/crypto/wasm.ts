/**
 * The `wasm` crypto provider: the `node` provider (node:crypto) for every
 * primitive except ChaCha20-Poly1305, which runs on a hand-assembled
 * WebAssembly kernel ({@link WasmChaCha20Poly1305}) with no cipher object
 * per record. Where WebAssembly is unavailable (`node --jitless`),
 * ChaCha20-Poly1305 falls back to node:crypto as well.
 *
 * @module
 */
import { nodeCrypto } from './node.js';
import type { AeadAlgorithm, AeadKey, CryptoProvider } from './provider.js';
import { WasmChaCha20Poly1305, chachaKernel } from './wasm/aead.js';

/** The node:crypto + WebAssembly ChaCha20-Poly1305 provider. */
export const wasmCrypto: CryptoProvider = {
  ...nodeCrypto,
  name: 'wasm',
  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
    const kernel = algorithm === 'chacha20-poly1305' ? chachaKernel() : undefined;
    return kernel !== undefined ? new WasmChaCha20Poly1305(kernel, key) : nodeCrypto.aead(algorithm, key);
  },
};
