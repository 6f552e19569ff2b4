/**
 * Crypto provider selection by name.
 *
 * @module
 */
import { nobleCrypto } from './noble.js';
import { nodeCrypto } from './node.js';
import type { CryptoProvider } from './provider.js';
import { wasmCrypto } from './wasm.js';

/** The provider named `name`. */
export function cryptoProvider(name: CryptoProvider['name']): CryptoProvider {
  return name === 'noble' ? nobleCrypto : name === 'wasm' ? wasmCrypto : nodeCrypto;
}
