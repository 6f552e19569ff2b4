import { describe, it, expect } from 'vitest';
import { streamRandom, streamSeed } from '../../../core/sim/index.js';

describe('random streams', () => {
  it('derive a stable seed from the network seed and a label', () => {
    expect(streamSeed(1, 'host:10.0.0.1')).toBe(streamSeed(1, 'host:10.0.0.1'));
    expect(streamSeed(1, 'host:10.0.0.1')).not.toBe(streamSeed(2, 'host:10.0.0.1'));
    expect(streamSeed(1, 'host:10.0.0.1')).not.toBe(streamSeed(1, 'host:10.0.0.2'));
    expect(streamRandom(7, 'x').uint32()).toBe(streamRandom(7, 'x').uint32());
  });

  it('spread nearby labels and seeds over the 32-bit range', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 50; s++) for (let h = 0; h < 50; h++) seeds.add(streamSeed(s, `link:10.0.0.${h}>10.0.0.${h + 1}`));
    expect(seeds.size).toBe(2500);
    const high = [...seeds].filter((x) => x >= 2 ** 31).length;
    expect(high / seeds.size).toBeGreaterThan(0.45);
    expect(high / seeds.size).toBeLessThan(0.55);
  });
});
