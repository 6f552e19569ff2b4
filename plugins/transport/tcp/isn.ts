/**
 * Initial sequence numbers (RFC 6528 §3): ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), with M a 4 µs clock and F a keyed hash
 * (SHA-256 here). The clock comes from the stack's clock and the key from
 * its random source, so simulations stay reproducible.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { TransportContext, SessionInit } from '../../../core/contracts/transport.js';

const keys = new WeakMap<object, Uint8Array>();

/** A 16-byte secret per random source (RFC 6528 §3 `secretkey`). */
export function isnSecret(random: TransportContext['random']): Uint8Array {
  let k = keys.get(random);
  if (k === undefined) {
    k = new Uint8Array(16);
    random.fill(k);
    keys.set(random, k);
  }
  return k;
}

/** F(): keyed hash of the connection identifiers, 32 bits. */
export function connectionHash(secret: Uint8Array, label: string): number {
  const enc = new TextEncoder().encode(label);
  const buf = new Uint8Array(secret.length + enc.length);
  buf.set(secret, 0);
  buf.set(enc, secret.length);
  const h = sha256(buf);
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

/** The ISN for a new connection of `ctx` with `init` (RFC 6528 §3). */
export function isn(ctx: TransportContext, init: SessionInit): number {
  const label = `${ctx.local.address}|${init.localPort}|${ctx.peer.address}|${init.remotePort}`;
  const m = Math.floor(ctx.clock.now() * 250); // 4 µs ticks
  return (m + connectionHash(isnSecret(ctx.random), label)) >>> 0;
}
