import { describe, it, expect } from 'vitest';
import { makePair, pump, randomBytes, sha256hex } from './harness.js';

describe('tcp session back to back', () => {
  it('handshakes, transfers and closes', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    expect(p.c.state).toBe('ESTABLISHED');
    expect(p.s.state).toBe('ESTABLISHED');
    const data = randomBytes(200_000);
    p.client.keepChunks = false;
    p.server.keepChunks = false;
    pump(p, 'client', data);
    p.vt.runWhile(() => p.server.remoteEndedAt >= 0, 60_000);
    expect(p.server.receivedBytes).toBe(data.length);
    expect(p.server.digest()).toBe(sha256hex(data));
  });
});
