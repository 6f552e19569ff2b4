/**
 * Crypto provider selection by name.
 *
 * @module
 */
import { nobleCrypto } from './noble.js';
import { nodeCrypto } from './node.js';
import type { CryptoProvider } from './provider.js';

/** The provider named `name`. */
export function cryptoProvider(name: 'node' | 'noble'): CryptoProvider {
  return name === 'noble' ? nobleCrypto : nodeCrypto;
}
