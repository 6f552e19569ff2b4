/**
 * Peers whose secure session this stack closed a moment ago. Closing a
 * secure session sends close_notify, and a peer that follows RFC 5246
 * §7.2.1 answers with its own, one round trip later, by when the stack has
 * forgotten the peer. Such late datagrams are still dropped and counted, but
 * as `after_close` rather than as datagrams without a session, so that a
 * clean close does not look like an error in `stack.stats().drops`.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { Clock } from '../time/clock.js';

/** How long a closed peer is remembered, in ms (a few round trips of a slow path). */
export const CLOSED_PEER_LINGER = 2_000;

/** Most closed peers remembered at once (the oldest is forgotten first). */
export const MAX_CLOSED_PEERS = 4_096;

/** @internal Recently closed secure peers of one endpoint. */
export class ClosedPeers {
  /** Expiry time (ms) by `address|port`, oldest first. */
  private readonly until = new Map<string, number>();

  /** @param clock - the stack's clock */
  constructor(private readonly clock: Clock) {}

  /** Remember that the secure session with `peer` was just closed. */
  add(peer: PeerAddress): void {
    const key = `${peer.address}|${peer.port}`;
    this.until.delete(key);
    this.until.set(key, this.clock.now() + CLOSED_PEER_LINGER);
    if (this.until.size > MAX_CLOSED_PEERS) this.until.delete(this.until.keys().next().value as string);
  }

  /** Whether the secure session with `peer` was closed less than {@link CLOSED_PEER_LINGER} ms ago. */
  has(peer: PeerAddress): boolean {
    if (this.until.size === 0) return false;
    const key = `${peer.address}|${peer.port}`;
    const t = this.until.get(key);
    if (t === undefined) return false;
    if (this.clock.now() < t) return true;
    this.until.delete(key);
    return false;
  }
}
