/**
 * The GUE header as a plain object, with {@link parseGueHeader} and
 * {@link serializeGueHeader}. This is the readable, allocating codec used by
 * tests, tools and control-message code; the stack's per-packet path uses
 * `decapsulateGue` and cached headers instead.
 *
 * @module
 */
import { emptyDecapsulated } from '../../../core/contracts/encapsulation.js';
import {
  FLAG_F,
  FLAG_K,
  FLAG_R,
  FLAG_SEC_SHIFT,
  FLAG_T,
  FLAG_V,
  FRAG_MORE,
  FRAG_OFFSET_MASK,
  FRAG_OFFSET_SHIFT,
  GUE_BASE_LEN,
  GUE_C_BIT,
  GUE_MAX_HEADER_LEN,
  LEN_CHECKSUM,
  LEN_FRAGMENT,
  LEN_REMCSUM,
  LEN_TRANSFORM,
  LEN_VNID,
  LINUX_FLAG_PRIV,
  LINUX_LEN_PRIV,
  LINUX_PFLAG_REMCSUM,
  LINUX_PLEN_REMCSUM,
  PROTO_IPV4,
  PROTO_IPV6,
  SEC_LENGTHS,
  type GueProfile,
} from './constants.js';
import { GueBadChecksumError, GueUnsupportedError } from './errors.js';
import { decodeGue, emptyGueLayout, verifyGueChecksum } from './decode.js';

/** Fragmentation field (F flag; draft-ietf-intarea-gue-extensions-06, fragmentation option). */
export interface GueFragmentField {
  /** Offset of this fragment's data in the original payload, in bytes (a multiple of 8; 13 bits of 8-byte units on the wire). */
  readonly offset: number;
  /** M bit: more fragments follow. */
  readonly more: boolean;
  /** Proto/ctype of the original, unfragmented payload. */
  readonly originalProto: number;
  /** 32-bit identification shared by all fragments of one payload. */
  readonly identification: number;
}

/** Payload-transform field (T flag; draft-ietf-intarea-gue-extensions-06, payload transform option). */
export interface GueTransformField {
  /** Transform type (1 = DTLS). */
  readonly type: number;
  /** P_C_type: Proto/ctype of the payload before the transform. */
  readonly originalProto: number;
  /** The 16 type-specific bits (0 for DTLS). */
  readonly typeSpecific: number;
}

/** Remote-checksum-offload field (R flag, or the Linux REMCSUM private flag). */
export interface GueRemoteChecksumField {
  /** Payload offset (bytes) where the checksum computation starts. */
  readonly start: number;
  /** Payload offset (bytes) of the 16-bit checksum to fill in. */
  readonly offset: number;
}

/**
 * GUE checksum field (K flag). toukit's definition: the Internet checksum
 * (RFC 1071) over the whole GUE header (with this 16-bit field zero) followed
 * by the first `coverage` payload bytes. No IP/UDP pseudo-header is included
 * (the encapsulation never sees addresses, and NATs rewrite them).
 */
export interface GueChecksumField {
  /** The 16-bit checksum. */
  readonly checksum: number;
  /** Number of payload bytes covered (0 = the header only). */
  readonly coverage: number;
}

/** The fields of a GUE header, as given to {@link serializeGueHeader}. */
export interface GueHeaderFields {
  /** 0 for a GUE header; 1 for direct IPv4/IPv6 encapsulation (no header bytes). Defaults to 0. */
  readonly variant?: 0 | 1;
  /** C bit: control message (`proto` is then the ctype). */
  readonly control: boolean;
  /** Proto/ctype (for variant 1: 4 or 41). */
  readonly proto: number;
  /** 32-bit VNID / group identifier (V flag). */
  readonly vnid?: number;
  /** Security field (SEC flags): 8, 16 or 32 opaque bytes. */
  readonly security?: Uint8Array;
  /** Fragmentation field (F flag). */
  readonly fragment?: GueFragmentField;
  /** Payload-transform field (T flag). */
  readonly transform?: GueTransformField;
  /** Remote checksum offload field (R flag; in the linux profile the REMCSUM private flag). */
  readonly remoteChecksum?: GueRemoteChecksumField;
  /** GUE checksum field (K flag), written verbatim (see {@link sealGueChecksum}). */
  readonly checksum?: GueChecksumField;
  /** Linux profile only: the 32-bit private-flags word (present when set, or when `remoteChecksum` is). */
  readonly privateFlags?: number;
}

/** A parsed GUE header. */
export interface GueHeader extends GueHeaderFields {
  /** Variant: 0 or 1. */
  readonly variant: 0 | 1;
  /** Header length in bytes (payload offset); 0 for variant 1. */
  readonly length: number;
  /** The raw flags word (0 for variant 1). */
  readonly flags: number;
}

function u16(d: Uint8Array, i: number): number {
  return (d[i] << 8) | d[i + 1];
}
function u32(d: Uint8Array, i: number): number {
  return ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
}
function put16(d: Uint8Array, i: number, v: number): void {
  d[i] = (v >>> 8) & 0xff;
  d[i + 1] = v & 0xff;
}
function put32(d: Uint8Array, i: number, v: number): void {
  d[i] = (v >>> 24) & 0xff;
  d[i + 1] = (v >>> 16) & 0xff;
  d[i + 2] = (v >>> 8) & 0xff;
  d[i + 3] = v & 0xff;
}

/**
 * Parses and validates the GUE header at the start of `datagram` (the whole
 * UDP payload: Hlen, checksum coverage and offload offsets are checked
 * against its length, and the K checksum is verified). Does not modify it.
 * @param profile - `draft` (default) or `linux`
 * @throws DecodeError subclasses from `./errors.js`
 */
export function parseGueHeader(datagram: Uint8Array, profile: GueProfile = 'draft'): GueHeader {
  const out = emptyDecapsulated();
  const l = emptyGueLayout();
  decodeGue(datagram, profile, out, l);
  if (!verifyGueChecksum(datagram, l)) throw new GueBadChecksumError();
  if (l.variant === 1) return { variant: 1, control: false, proto: out.proto, length: 0, flags: 0 };
  const h: { -readonly [K in keyof GueHeader]: GueHeader[K] } = {
    variant: 0,
    control: out.control,
    proto: datagram[1],
    length: l.headerLength,
    flags: l.flags,
  };
  if (l.vnid >= 0) h.vnid = u32(datagram, l.vnid);
  if (l.security >= 0) h.security = datagram.slice(l.security, l.security + l.securityLength);
  if (l.fragment >= 0) {
    const w = u16(datagram, l.fragment);
    h.fragment = {
      offset: ((w & FRAG_OFFSET_MASK) >>> FRAG_OFFSET_SHIFT) * 8,
      more: (w & FRAG_MORE) !== 0,
      originalProto: datagram[l.fragment + 2],
      identification: u32(datagram, l.fragment + 4),
    };
  }
  if (l.transform >= 0) {
    h.transform = {
      type: datagram[l.transform],
      originalProto: datagram[l.transform + 1],
      typeSpecific: u16(datagram, l.transform + 2),
    };
  }
  if (l.remoteChecksum >= 0) {
    h.remoteChecksum = { start: u16(datagram, l.remoteChecksum), offset: u16(datagram, l.remoteChecksum + 2) };
  }
  if (l.checksum >= 0) h.checksum = { checksum: u16(datagram, l.checksum), coverage: u16(datagram, l.checksum + 2) };
  if (l.privateFlags >= 0) h.privateFlags = u32(datagram, l.privateFlags);
  return h;
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new GueUnsupportedError(`GUE ${name} ${v} is not a byte`);
}
function check16(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new GueUnsupportedError(`GUE ${name} ${v} is not a 16-bit value`);
}

function serializeDraft(h: GueHeaderFields): Uint8Array {
  if (h.privateFlags !== undefined) throw new GueUnsupportedError('private flags exist only in the linux profile');
  let flags = 0;
  let len = GUE_BASE_LEN;
  if (h.vnid !== undefined) {
    if (!Number.isInteger(h.vnid) || h.vnid < 0 || h.vnid > 0xffffffff) throw new GueUnsupportedError(`VNID ${h.vnid} is not 32-bit`);
    flags |= FLAG_V;
    len += LEN_VNID;
  }
  if (h.security !== undefined) {
    const sec = SEC_LENGTHS.indexOf(h.security.length);
    if (sec <= 0) throw new GueUnsupportedError(`security field of ${h.security.length} bytes (must be 8, 16 or 32)`);
    flags |= sec << FLAG_SEC_SHIFT;
    len += h.security.length;
  }
  if (h.fragment !== undefined) {
    const f = h.fragment;
    if (!Number.isInteger(f.offset) || f.offset < 0 || f.offset % 8 !== 0 || f.offset > 0x1fff * 8) {
      throw new GueUnsupportedError(`fragment offset ${f.offset} is not a multiple of 8 below 65536`);
    }
    checkByte('fragment original proto', f.originalProto);
    if (!Number.isInteger(f.identification) || f.identification < 0 || f.identification > 0xffffffff) {
      throw new GueUnsupportedError(`fragment identification ${f.identification} is not 32-bit`);
    }
    flags |= FLAG_F;
    len += LEN_FRAGMENT;
  }
  if (h.transform !== undefined) {
    checkByte('transform type', h.transform.type);
    checkByte('transform original proto', h.transform.originalProto);
    check16('transform type-specific bits', h.transform.typeSpecific);
    flags |= FLAG_T;
    len += LEN_TRANSFORM;
  }
  if (h.remoteChecksum !== undefined) {
    check16('remote checksum start', h.remoteChecksum.start);
    check16('remote checksum offset', h.remoteChecksum.offset);
    flags |= FLAG_R;
    len += LEN_REMCSUM;
  }
  if (h.checksum !== undefined) {
    check16('checksum', h.checksum.checksum);
    check16('checksum coverage', h.checksum.coverage);
    flags |= FLAG_K;
    len += LEN_CHECKSUM;
  }
  const b = new Uint8Array(len);
  writeBase(b, h, len, flags);
  let pos = GUE_BASE_LEN;
  if (h.vnid !== undefined) {
    put32(b, pos, h.vnid);
    pos += LEN_VNID;
  }
  if (h.security !== undefined) {
    b.set(h.security, pos);
    pos += h.security.length;
  }
  if (h.fragment !== undefined) {
    const f = h.fragment;
    put16(b, pos, ((f.offset / 8) << FRAG_OFFSET_SHIFT) | (f.more ? FRAG_MORE : 0));
    b[pos + 2] = f.originalProto;
    put32(b, pos + 4, f.identification);
    pos += LEN_FRAGMENT;
  }
  if (h.transform !== undefined) {
    b[pos] = h.transform.type;
    b[pos + 1] = h.transform.originalProto;
    put16(b, pos + 2, h.transform.typeSpecific);
    pos += LEN_TRANSFORM;
  }
  if (h.remoteChecksum !== undefined) {
    put16(b, pos, h.remoteChecksum.start);
    put16(b, pos + 2, h.remoteChecksum.offset);
    pos += LEN_REMCSUM;
  }
  if (h.checksum !== undefined) {
    put16(b, pos, h.checksum.checksum);
    put16(b, pos + 2, h.checksum.coverage);
  }
  return b;
}

function serializeLinux(h: GueHeaderFields): Uint8Array {
  if (h.vnid !== undefined || h.security !== undefined || h.fragment !== undefined || h.transform !== undefined || h.checksum !== undefined) {
    throw new GueUnsupportedError('the linux profile carries only the private-flags word and remote checksum offload');
  }
  let pflags = h.privateFlags;
  if (pflags !== undefined && (!Number.isInteger(pflags) || pflags < 0 || pflags > 0xffffffff)) {
    throw new GueUnsupportedError(`private flags ${pflags} are not 32-bit`);
  }
  if (h.remoteChecksum !== undefined) {
    check16('remote checksum start', h.remoteChecksum.start);
    check16('remote checksum offset', h.remoteChecksum.offset);
    pflags = ((pflags ?? 0) | LINUX_PFLAG_REMCSUM) >>> 0;
  } else if (pflags !== undefined && (pflags & LINUX_PFLAG_REMCSUM) !== 0) {
    throw new GueUnsupportedError('REMCSUM private flag set without a remoteChecksum field');
  }
  if (pflags !== undefined && (pflags & ~LINUX_PFLAG_REMCSUM) !== 0) {
    throw new GueUnsupportedError(`unknown private flags 0x${pflags.toString(16)}`);
  }
  const len = GUE_BASE_LEN + (pflags !== undefined ? LINUX_LEN_PRIV : 0) + (h.remoteChecksum !== undefined ? LINUX_PLEN_REMCSUM : 0);
  const b = new Uint8Array(len);
  writeBase(b, h, len, pflags !== undefined ? LINUX_FLAG_PRIV : 0);
  if (pflags !== undefined) put32(b, GUE_BASE_LEN, pflags);
  if (h.remoteChecksum !== undefined) {
    put16(b, GUE_BASE_LEN + LINUX_LEN_PRIV, h.remoteChecksum.start);
    put16(b, GUE_BASE_LEN + LINUX_LEN_PRIV + 2, h.remoteChecksum.offset);
  }
  return b;
}

function writeBase(b: Uint8Array, h: GueHeaderFields, len: number, flags: number): void {
  if (len > GUE_MAX_HEADER_LEN) throw new GueUnsupportedError(`GUE header of ${len} bytes exceeds ${GUE_MAX_HEADER_LEN}`);
  b[0] = (h.control ? GUE_C_BIT : 0) | ((len - GUE_BASE_LEN) >>> 2);
  b[1] = h.proto;
  put16(b, 2, flags);
}

/**
 * Serializes a header. Variant 1 has no header bytes (an empty array is
 * returned after checking that `proto` is 4 or 41). The checksum field, if
 * any, is written as given; use {@link sealGueChecksum} to compute it.
 * @param profile - `draft` (default) or `linux`
 * @throws GueUnsupportedError when a field cannot be expressed in the profile
 */
export function serializeGueHeader(h: GueHeaderFields, profile: GueProfile = 'draft'): Uint8Array {
  checkByte('proto/ctype', h.proto);
  if (h.variant === 1) {
    if (h.control || (h.proto !== PROTO_IPV4 && h.proto !== PROTO_IPV6)) {
      throw new GueUnsupportedError('variant 1 carries only IPv4 (4) or IPv6 (41) data');
    }
    return new Uint8Array(0);
  }
  return profile === 'draft' ? serializeDraft(h) : serializeLinux(h);
}

/** Offset of the K field inside a serialized draft-profile header, or -1. */
export function checksumFieldOffset(header: Uint8Array): number {
  const flags = u16(header, 2);
  if ((flags & FLAG_K) === 0) return -1;
  return header.length - LEN_CHECKSUM;
}

/**
 * Computes and writes the GUE checksum of `header` (which must carry the K
 * flag) in place, covering the header and the first `coverage` bytes of the
 * concatenated `payload` parts, and writes `coverage` into the field.
 * @throws GueUnsupportedError if there is no K field or the payload is shorter than `coverage`
 */
export function sealGueChecksum(header: Uint8Array, payload: readonly Uint8Array[], coverage: number): void {
  const at = checksumFieldOffset(header);
  if (at < 0) throw new GueUnsupportedError('header has no checksum (K) field');
  check16('checksum coverage', coverage);
  put16(header, at, 0);
  put16(header, at + 2, coverage);
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i] << 8) | header[i + 1];
  let left = coverage;
  let odd = false;
  for (const part of payload) {
    const take = Math.min(left, part.length);
    for (let i = 0; i < take; i++) {
      sum += odd ? part[i] : part[i] << 8;
      odd = !odd;
    }
    left -= take;
    if (left === 0) break;
  }
  if (left > 0) throw new GueUnsupportedError(`checksum coverage ${coverage} exceeds the payload`);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  put16(header, at, ~sum & 0xffff);
}

