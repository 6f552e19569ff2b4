/**
 * Pseudo-header addresses for the outer-address TCP checksum (see
 * `checksum.ts`), including the wildcard-bound case.
 *
 * A socket bound to `0.0.0.0` or `::` does not learn the destination
 * address of each datagram from Node's `dgram`. The rule toukit applies:
 * an incoming segment is accepted when its checksum verifies with the
 * peer's address as source and, as destination, one of the candidate local
 * addresses: the peer's own address (same host, e.g. loopback) or any
 * address of this host's interfaces of the same family. The first address
 * that verifies is pinned for the connection and used as the source of
 * every segment it sends. Segments that verify with no candidate are
 * dropped as `tcp_bad_checksum`.
 *
 * @module
 */
import { networkInterfaces } from 'node:os';
import { ipAddressBytes } from './checksum.js';
import { verifyTcpChecksum } from './checksum.js';

/** Address bytes for a pseudo-header: IPv4-mapped IPv6 addresses become 4-byte IPv4 (what the kernel sees). */
export function pseudoAddressBytes(address: string): Uint8Array | undefined {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && lower.includes('.')) return ipAddressBytes(lower.slice(7));
  return ipAddressBytes(address);
}

/** Whether `address` is the unspecified address (`0.0.0.0`, `::`). */
export function isUnspecifiedAddress(address: string): boolean {
  const b = pseudoAddressBytes(address);
  if (b === undefined) return true;
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

let cached: Uint8Array[] | undefined;
let cachedAt = -Infinity;

/** This host's interface addresses (cached; refreshed at most every 5 s on demand). */
function hostAddresses(refresh: boolean): Uint8Array[] {
  const now = Date.now();
  if (cached === undefined || (refresh && now - cachedAt > 5000)) {
    const out: Uint8Array[] = [];
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) {
        const b = pseudoAddressBytes(a.address);
        if (b !== undefined) out.push(b);
      }
    }
    cached = out;
    cachedAt = now;
  }
  return cached;
}

/**
 * Find the local address that makes `segment`'s checksum verify, for a
 * segment from `peer` to a wildcard-bound socket.
 * @returns the verified local address bytes, or undefined
 */
export function resolveWildcardLocal(peer: Uint8Array, segment: Uint8Array): Uint8Array | undefined {
  if (verifyTcpChecksum(peer, peer, segment)) return peer;
  for (let pass = 0; pass < 2; pass++) {
    for (const cand of hostAddresses(pass === 1)) {
      if (cand.length === peer.length && verifyTcpChecksum(peer, cand, segment)) return cand;
    }
  }
  return undefined;
}

/** Pseudo-header state of one connection: verifies incoming and supplies outgoing addresses. */
export class PseudoHeader {
  /** Local address bytes (undefined while a wildcard-bound socket has not learnt it). */
  local: Uint8Array | undefined;
  /** Peer address bytes. */
  readonly peer: Uint8Array;

  /**
   * @param localAddress - local address text (may be a wildcard)
   * @param peerAddress - peer address text
   */
  constructor(localAddress: string, peerAddress: string) {
    this.peer = pseudoAddressBytes(peerAddress) ?? new Uint8Array(4);
    this.local = isUnspecifiedAddress(localAddress) ? undefined : pseudoAddressBytes(localAddress);
    if (this.local !== undefined && this.local.length !== this.peer.length) this.local = undefined;
  }

  /** Whether `segment` (from the peer) verifies; learns the local address on a wildcard socket. */
  verify(segment: Uint8Array): boolean {
    if (this.local !== undefined) return verifyTcpChecksum(this.peer, this.local, segment);
    const found = resolveWildcardLocal(this.peer, segment);
    if (found !== undefined) this.local = found;
    return found !== undefined;
  }

  /** Source address for outgoing segments (the peer's own address until learnt: right for same-host peers). */
  get source(): Uint8Array {
    return this.local ?? this.peer;
  }
}
