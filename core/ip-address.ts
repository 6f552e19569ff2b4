/**
 * IP addresses from text to octets, in one place: the pcap writer's
 * synthesized headers, tcp's checksum pseudo-header and DTLS's matching of
 * a server name against certificate IP addresses all need the 4 or 16
 * bytes of an address written in any of its text forms.
 *
 * @module
 */
import { isIP } from 'node:net';

/**
 * The octets of an IPv4 (4) or IPv6 (16) address in text (RFC 4291 §2.2
 * forms, including an embedded dotted IPv4 and a `%zone`, which is not part
 * of the address; square brackets allowed), or `undefined` when `text` is not
 * an IP address (node:net `isIP` decides).
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const kind = isIP(t);
  if (kind === 4) return Uint8Array.from(t.split('.').map(Number));
  if (kind !== 6) return undefined;
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(':');
  if (t.includes('.', lastColon)) {
    // An embedded IPv4 address (RFC 4291 §2.2, form 3) makes the last two groups.
    const v4 = t.slice(lastColon + 1).split('.').map(Number);
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    t = t.slice(0, lastColon + 1);
    if (!t.endsWith('::')) t = t.slice(0, -1);
  }
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = t.split('::');
  const before = groups(head);
  const after = rest === undefined ? [] : groups(rest);
  const zeros = rest === undefined ? 0 : 8 - before.length - after.length - tail.length;
  const all = [...before, ...new Array<number>(zeros).fill(0), ...after, ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}
