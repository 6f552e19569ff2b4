/**
 * A minimal DER reader and writer (ITU-T X.690) for X.509 certificates and
 * EC private keys. Malformed input throws a DtlsDecodeError.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { concatBytes } from '../bytes.js';
import { decodeError } from '../errors.js';

/** One TLV element. */
export interface Der {
  /** Tag byte (single-byte tags only). */
  readonly tag: number;
  /** The content bytes (a view). */
  readonly content: Uint8Array;
  /** The whole TLV (a view). */
  readonly raw: Uint8Array;
}

/** Read one TLV at `pos` of `buf` (bounded by `end`). */
export function readDer(buf: Uint8Array, pos = 0, end = buf.length): Der {
  if (end - pos < 2) throw decodeError('dtls_bad_der', 'truncated DER element');
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) throw decodeError('dtls_bad_der', 'multi-byte DER tags are not supported');
  let len = buf[pos + 1];
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > end) throw decodeError('dtls_bad_der', 'bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > end) throw decodeError('dtls_bad_der', 'DER element exceeds its container');
  return { tag, content: buf.subarray(p, p + len), raw: buf.subarray(pos, p + len) };
}

/** The children of a constructed element. */
export function derChildren(el: Der): Der[] {
  const out: Der[] = [];
  const c = el.content;
  let p = 0;
  while (p < c.length) {
    const child = readDer(c, p);
    out.push(child);
    p += child.raw.length;
  }
  return out;
}

/** Expect `el` to have tag `tag`; returns it. */
export function expectTag(el: Der | undefined, tag: number, what: string): Der {
  if (el === undefined || el.tag !== tag) throw decodeError('dtls_bad_der', `expected ${what}`);
  return el;
}

/** Encode one TLV. */
export function derEncode(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  const n = body.length;
  let head: Uint8Array;
  if (n < 0x80) head = Uint8Array.of(tag, n);
  else if (n < 0x100) head = Uint8Array.of(tag, 0x81, n);
  else if (n < 0x10000) head = Uint8Array.of(tag, 0x82, n >>> 8, n & 0xff);
  else head = Uint8Array.of(tag, 0x83, n >>> 16, (n >>> 8) & 0xff, n & 0xff);
  return concatBytes(head, body);
}

/** Hex of an OBJECT IDENTIFIER's content bytes (for comparisons). */
export function oidHex(el: Der): string {
  return Buffer.from(el.content).toString('hex');
}

/** Dotted text of an OBJECT IDENTIFIER's content bytes (X.690 §8.19), e.g. `2.5.29.15`. */
export function oidText(content: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 40 ? 0 : v < 80 ? 1 : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** OIDs used here, as hex of their DER content. */
export const OID = {
  /** id-ecPublicKey 1.2.840.10045.2.1. */
  ecPublicKey: '2a8648ce3d0201',
  /** prime256v1 1.2.840.10045.3.1.7. */
  prime256v1: '2a8648ce3d030107',
  /** ecdsa-with-SHA256 1.2.840.10045.4.3.2. */
  ecdsaWithSha256: '2a8648ce3d040302',
  /** subjectAltName 2.5.29.17. */
  subjectAltName: '551d11',
  /** basicConstraints 2.5.29.19. */
  basicConstraints: '551d13',
  /** keyUsage 2.5.29.15. */
  keyUsage: '551d0f',
  /** extKeyUsage 2.5.29.37. */
  extKeyUsage: '551d25',
  /** subjectKeyIdentifier 2.5.29.14. */
  subjectKeyIdentifier: '551d0e',
  /** authorityKeyIdentifier 2.5.29.35. */
  authorityKeyIdentifier: '551d23',
  /** commonName 2.5.4.3. */
  commonName: '550403',
} as const;
