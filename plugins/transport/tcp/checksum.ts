/**
 * The TCP checksum (RFC 9293 §3.1, RFC 1071) over a pseudo-header built
 * from the OUTER IP addresses of the UDP datagram that carries the segment
 * (IPv4: src, dst, 0, 6, length; IPv6 RFC 8200 §8.1: src, dst, 32-bit
 * length, 3 zero bytes, next header 6). This is what the Linux kernel
 * checks when it hands a GUE Proto-6 payload to its TCP input, and what
 * tshark's `tcp.check_checksum` computes for TCP inside GUE.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** IP protocol number of TCP. */
const PROTO_TCP = 6;

/**
 * Parse a textual IPv4 or IPv6 address (an IPv6 zone `%eth0` is ignored)
 * into 4 or 16 bytes, or undefined when it is not an IP address.
 */
export function ipAddressBytes(address: string): Uint8Array | undefined {
  const pct = address.indexOf('%');
  const a = pct >= 0 ? address.slice(0, pct) : address;
  if (isIPv4(a)) {
    const out = new Uint8Array(4);
    const parts = a.split('.');
    for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
    return out;
  }
  if (!isIPv6(a)) return undefined;
  const out = new Uint8Array(16);
  let text = a;
  // Embedded dotted quad (::ffff:1.2.3.4): turn it into two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const q = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const dbl = text.indexOf('::');
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const rest = dbl >= 0 ? text.slice(dbl + 2) : '';
  const hg = head === '' ? [] : head.split(':');
  const tg = rest === '' ? [] : rest.split(':');
  for (let i = 0; i < hg.length; i++) {
    const v = parseInt(hg[i], 16);
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v;
  }
  for (let i = 0; i < tg.length; i++) {
    const v = parseInt(tg[i], 16);
    const pos = 8 - tg.length + i;
    out[2 * pos] = v >>> 8;
    out[2 * pos + 1] = v;
  }
  return out;
}

let acc = 0;
let accOdd = false;

/** Add the big-endian 16-bit words of `b[start, end)` to the running sum, continuing an odd byte. */
function addRange(b: Uint8Array, start: number, end: number): void {
  let sum = acc;
  let i = start;
  if (accOdd && i < end) {
    sum += b[i++];
    accOdd = false;
  }
  if (end - i >= 64) {
    // Big-endian 32-bit words: 2^16 ≡ 1 (mod 0xffff), so their sum folds to the same
    // one's-complement sum as the 16-bit words, at half the loads (RFC 1071 §2(C)).
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const stop4 = end - ((end - i) & 3);
    for (; i < stop4; i += 4) sum += v.getUint32(i);
  }
  const stop = end - ((end - i) & 1);
  for (; i < stop; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) {
    sum += b[i] << 8;
    accOdd = true;
  }
  acc = sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** One's-complement sum (unfolded) of the pseudo-header and `parts`; `skipField` leaves out header bytes 16–17. */
function sumSegment(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[], skipField: boolean): number {
  let length = 0;
  for (let k = 0; k < parts.length; k++) length += parts[k].length;
  acc = 0;
  accOdd = false;
  addRange(src, 0, src.length);
  addRange(dst, 0, dst.length);
  acc += (length >>> 16) + (length & 0xffff) + PROTO_TCP;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (k === 0 && skipField && p.length >= 18) {
      addRange(p, 0, 16);
      addRange(p, 18, p.length);
    } else addRange(p, 0, p.length);
  }
  return acc;
}

/**
 * The TCP checksum of a segment made of `parts` (header, then payload),
 * with the pseudo-header of `src` → `dst` (4 or 16 bytes each; the IPv4 and
 * IPv6 pseudo-headers have the same one's-complement sum for lengths below
 * 65536). The header's own checksum field (bytes 16–17) is ignored.
 */
export function tcpChecksum(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[]): number {
  return ~fold(sumSegment(src, dst, parts, true)) & 0xffff;
}

/** Compute and write the checksum into bytes 16–17 of `parts[0]` (the header). */
export function writeTcpChecksum(src: Uint8Array, dst: Uint8Array, parts: readonly Uint8Array[]): void {
  const h = parts[0];
  const c = tcpChecksum(src, dst, parts);
  h[16] = c >>> 8;
  h[17] = c;
}

/**
 * Whether the checksum in `segment` (header + payload, contiguous) verifies
 * for `src` → `dst`: the one's-complement sum over pseudo-header and
 * segment, checksum field included, must be all ones (RFC 1071 §1).
 */
export function verifyTcpChecksum(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): boolean {
  if (segment.length < 20) return false;
  single[0] = segment;
  const ok = fold(sumSegment(src, dst, single, false)) === 0xffff;
  single[0] = EMPTY;
  return ok;
}

const EMPTY = new Uint8Array(0);
/** Reused one-part list for {@link verifyTcpChecksum} (no allocation per segment). */
const single: Uint8Array[] = [EMPTY];
