/** Recently closed secure peers are remembered for a short, bounded time. */
import { describe, expect, it } from 'vitest';
import { ClosedPeers, CLOSED_PEER_LINGER, MAX_CLOSED_PEERS } from '../../../core/composition/closed-peers.js';
import type { PeerAddress } from '../../../core/contracts/address.js';

const at = (port: number): PeerAddress => ({ address: '10.0.0.2', family: 'IPv4', port });

describe('ClosedPeers', () => {
  it(`remembers a closed peer for ${CLOSED_PEER_LINGER} ms, by address and port`, () => {
    let now = 0;
    const closed = new ClosedPeers({ now: () => now });
    closed.add(at(5000));
    expect(closed.has(at(5000))).toBe(true);
    expect(closed.has(at(5001))).toBe(false);
    now = CLOSED_PEER_LINGER - 1;
    expect(closed.has(at(5000))).toBe(true);
    now = CLOSED_PEER_LINGER;
    expect(closed.has(at(5000))).toBe(false);
  });

  it(`keeps at most ${MAX_CLOSED_PEERS} peers, forgetting the oldest first`, () => {
    const closed = new ClosedPeers({ now: () => 0 });
    for (let port = 1; port <= MAX_CLOSED_PEERS + 1; port++) closed.add(at(port));
    expect(closed.has(at(1))).toBe(false);
    expect(closed.has(at(2))).toBe(true);
    expect(closed.has(at(MAX_CLOSED_PEERS + 1))).toBe(true);
  });
});
