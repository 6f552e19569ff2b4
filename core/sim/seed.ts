/**
 * Independent random streams for the simulator. Each stream's seed is a
 * hash of the network seed and a stable label (a host's address, a link
 * direction's endpoints), so adding a link or a host never perturbs the
 * random choices of the others.
 *
 * @module
 */
import { SeededRandom } from '../random/random.js';

/** 32-bit FNV-1a hash of `label`, mixed with `seed` (MurmurHash3 finaliser). */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= seed >>> 16;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A {@link SeededRandom} for the stream named `label` of the network seeded with `seed`.
 *
 * @param seed - the network seed
 * @param label - a stable name, e.g. `host:10.0.0.1` or `link:10.0.0.1>10.0.0.2`
 */
export function streamRandom(seed: number, label: string): SeededRandom {
  return new SeededRandom(streamSeed(seed, label));
}
