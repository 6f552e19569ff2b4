import { describe, it, expect } from 'vitest';
import { formatDemo, runDemo, strongestStack } from '../../../core/cli/demo.js';

describe('tou demo', () => {
  it('picks the strongest registered stack', () => {
    const c = strongestStack();
    expect(c.encapsulation).toBe('gue');
    expect(['tcp', 'datagram']).toContain(c.transport);
  });

  it('transfers data on loopback and reports a SHA-256 match', async () => {
    const r = await runDemo({ bytes: 256 * 1024, config: { transport: 'datagram' } });
    expect(r.bytes).toBe(256 * 1024);
    expect(r.digestsMatch).toBe(true);
    expect(formatDemo(r)).toMatch(/sha-256: +[0-9a-f]{64} MATCH/);
  });
});
