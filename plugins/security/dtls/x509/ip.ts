/**
 * IP addresses as octets, for matching a `serverName` against subjectAltName
 * iPAddress entries: RFC 5280 §4.2.1.6 stores an address as 4 (IPv4) or 16
 * (IPv6) octets, and RFC 6125 §6.2.1 compares the reference identity with it
 * as octets, so every text form of an address (`::1`, `0:0:0:0:0:0:0:1`,
 * upper case, …) matches.
 *
 * @module
 */
import { parseIpAddress } from '../../../../core/ip-address.js';

/** The octets of an IP address in text, or `undefined` (see {@link parseIpAddress}). */
export const ipAddressOctets: (text: string) => Uint8Array | undefined = parseIpAddress;

/** Whether `b` is an IPv4-mapped IPv6 address, ::ffff:a.b.c.d (RFC 4291 §2.5.5.2). */
function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16 || b[10] !== 0xff || b[11] !== 0xff) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return true;
}

/** The IPv4 octets of an IPv4 or IPv4-mapped IPv6 address, else the octets as they are. */
function canonical(b: Uint8Array): Uint8Array {
  return isV4Mapped(b) ? b.subarray(12) : b;
}

/**
 * Whether two addresses (4 or 16 octets) are the same. An IPv4 address and
 * its IPv4-mapped IPv6 form are (a socket shows an IPv4 peer in that form on
 * a dual-stack IPv6 socket); the deprecated IPv4-compatible form `::a.b.c.d`
 * is another address.
 */
export function sameIpAddress(a: Uint8Array, b: Uint8Array): boolean {
  const x = canonical(a);
  const y = canonical(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Text of an address: dotted IPv4, or IPv6 in the RFC 5952 §4 form (lower
 * case, no leading zeros, the longest run of two or more zero groups, the
 * first of equal runs, as `::`; IPv4-mapped as `::ffff:a.b.c.d`, §5); `''`
 * for another length.
 */
export function formatIpAddress(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length !== 16) return '';
  if (isV4Mapped(b)) return `::ffff:${Array.from(b.subarray(12)).join('.')}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  return best < 0 ? hex(words) : `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}
