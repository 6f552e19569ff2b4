/**
 * Address resolution for `node:dgram` sockets without a deferral per send.
 *
 * An unconnected `send(…, port, address)` resolves `address` first. The
 * default resolver is `dns.lookup`, which answers even an IP literal on a
 * later `process.nextTick`. A server socket answers every peer through that
 * path (every ACK, every SACK). This resolver answers IP literals at once
 * and hands names to `dns.lookup`.
 *
 * @module
 */
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

/** The callback `node:dgram` passes to a socket's `lookup`: one address and its family (4 or 6). */
export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * A `lookup` for `dgram.createSocket`: an IP literal is answered
 * synchronously (`node:dgram` then sends within the same call, as on a
 * connected socket); any other host name goes to `dns.lookup` unchanged.
 * `node:dgram` passes the socket's family (4 or 6) as `options`.
 */
export function literalLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  if (typeof options === 'number') dnsLookup(hostname, options, callback);
  else dnsLookup(hostname, options, callback);
}
