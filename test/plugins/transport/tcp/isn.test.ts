import { describe, it, expect } from 'vitest';
import type { TransportContext } from '../../../../core/contracts/transport.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { isn } from '../../../../plugins/transport/tcp/isn.js';

function ctx(now: number, random: SeededRandom, peer = '10.0.0.2'): TransportContext {
  return {
    clock: { now: () => now },
    random,
    local: { address: '10.0.0.1', family: 'IPv4', port: 1 },
    peer: { address: peer, family: 'IPv4', port: 2 },
  } as unknown as TransportContext;
}

describe('initial sequence numbers (RFC 6528 §3)', () => {
  const init = { role: 'client' as const, localPort: 40000, remotePort: 6080 };

  it('advances with a 4 µs clock for the same connection identifiers', () => {
    const r = new SeededRandom(1);
    const a = isn(ctx(1000, r), init);
    const b = isn(ctx(1001, r), init);
    expect((b - a) >>> 0).toBe(250);
  });

  it('differs between connection identifiers and between secrets', () => {
    const r = new SeededRandom(1);
    const a = isn(ctx(1000, r), init);
    expect(isn(ctx(1000, r), { ...init, localPort: 40001 })).not.toBe(a);
    expect(isn(ctx(1000, r, '10.0.0.3'), init)).not.toBe(a);
    expect(isn(ctx(1000, new SeededRandom(2)), init)).not.toBe(a);
  });
});
