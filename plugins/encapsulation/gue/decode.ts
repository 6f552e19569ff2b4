/**
 * The allocation-free GUE receive path: validates a datagram's header and
 * fills a caller-owned {@link Decapsulated} record and a {@link GueLayout}
 * (offsets of every extension field). Both {@link decapsulateGue} (hot path)
 * and `parseGueHeader` (full header object) are built on it, so they accept
 * and reject exactly the same bytes.
 *
 * Rules (draft profile, draft-ietf-intarea-gue-09 + extensions-06 as pinned
 * in `constants.ts`):
 * - empty datagram, or variant 0 shorter than 4 bytes: `ERR_GUE_TRUNCATED`;
 * - variant 2/3, or variant 1 whose first nibble is not 4/6: `ERR_GUE_BAD_VERSION`;
 * - 4 + 4·Hlen past the end: `ERR_GUE_BAD_HLEN`;
 * - any flag outside V|SEC|F|T|R|K: `ERR_GUE_UNKNOWN_FLAGS`;
 * - 4·Hlen different from the sum of the flagged fields' lengths:
 *   `ERR_GUE_BAD_HLEN` (toukit does not support unflagged private data);
 * - F or T on a data message whose Proto is not 59, or on a control message
 *   whose ctype is not 0: `ERR_GUE_BAD_EXTENSION`;
 * - transform type other than DTLS (1): `ERR_GUE_UNKNOWN_TRANSFORM`;
 * - R with an odd start/offset or pointing past the payload, K with a
 *   coverage past the payload: `ERR_GUE_BAD_EXTENSION`;
 * - K checksum not verifying: `ERR_GUE_BAD_CHECKSUM`;
 * - ctype 255 without its 4-byte ExID: `ERR_GUE_BAD_CONTROL`.
 *
 * The linux profile accepts flags 0 or the kernel's P flag with a private
 * flags word whose only known bit is REMCSUM (include/net/gue.h); Hlen must
 * match those fields exactly (the kernel never sends surplus bytes).
 *
 * @module
 */
import type { Decapsulated } from '../../../core/contracts/encapsulation.js';
import {
  CTYPE_EXPERIMENTAL,
  CTYPE_NEEDS_CONTEXT,
  DRAFT_FLAGS_ALL,
  EXID_LEN,
  FLAG_F,
  FLAG_K,
  FLAG_R,
  FLAG_SEC_MASK,
  FLAG_SEC_SHIFT,
  FLAG_T,
  FLAG_V,
  GUE_BASE_LEN,
  GUE_C_BIT,
  GUE_HLEN_MASK,
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
  PROTO_NO_NEXT_HEADER,
  SEC_LENGTHS,
  TRANSFORM_TYPE_DTLS,
  type GueProfile,
} from './constants.js';
import {
  GueBadChecksumError,
  GueBadControlError,
  GueBadExtensionError,
  GueBadHlenError,
  GueBadVersionError,
  GueTruncatedError,
  GueUnknownFlagsError,
  GueUnknownTransformError,
} from './errors.js';
import { foldSum, sumBytes } from './checksum.js';

/** Offsets (from the start of the datagram) of the extension fields found, -1 when absent. */
export interface GueLayout {
  /** GUE variant (0 or 1). */
  variant: number;
  /** Header length in bytes (0 for variant 1). */
  headerLength: number;
  /** Raw flags word. */
  flags: number;
  /** VNID field offset. */
  vnid: number;
  /** Security field offset. */
  security: number;
  /** Security field length in bytes (0 when absent). */
  securityLength: number;
  /** Fragmentation field offset. */
  fragment: number;
  /** Payload-transform field offset. */
  transform: number;
  /** Remote-checksum-offload field offset (draft R flag or Linux REMCSUM private flag). */
  remoteChecksum: number;
  /** Checksum field offset. */
  checksum: number;
  /** Linux private-flags word offset. */
  privateFlags: number;
}

/** Creates a {@link GueLayout} with every field absent. */
export function emptyGueLayout(): GueLayout {
  return {
    variant: 0,
    headerLength: 0,
    flags: 0,
    vnid: -1,
    security: -1,
    securityLength: 0,
    fragment: -1,
    transform: -1,
    remoteChecksum: -1,
    checksum: -1,
    privateFlags: -1,
  };
}

function resetLayout(l: GueLayout): void {
  l.variant = 0;
  l.headerLength = 0;
  l.flags = 0;
  l.vnid = -1;
  l.security = -1;
  l.securityLength = 0;
  l.fragment = -1;
  l.transform = -1;
  l.remoteChecksum = -1;
  l.checksum = -1;
  l.privateFlags = -1;
}

function u16(d: Uint8Array, i: number): number {
  return (d[i] << 8) | d[i + 1];
}

function u32(d: Uint8Array, i: number): number {
  return ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
}

/** Fills `out` for a variant-1 (direct IP) datagram (draft-ietf-intarea-gue-09 §4). */
function decodeDirectIp(firstByte: number, out: Decapsulated, layout: GueLayout): void {
  const nibble = firstByte >>> 4;
  let proto: number;
  if (nibble === 4) proto = PROTO_IPV4;
  else if (nibble === 6) proto = PROTO_IPV6;
  else throw new GueBadVersionError(firstByte);
  layout.variant = 1;
  out.control = false;
  out.proto = proto;
  out.payloadOffset = 0;
  out.transformType = 0;
  out.originalProto = proto;
  out.vnid = -1;
  out.directIp = true;
}

/** Walks the draft-profile extension fields, recording their offsets in `layout`. */
function walkDraftFields(flags: number, optLen: number, layout: GueLayout): void {
  const unknown = flags & ~DRAFT_FLAGS_ALL;
  if (unknown !== 0) throw new GueUnknownFlagsError(unknown);
  const secLen = SEC_LENGTHS[(flags & FLAG_SEC_MASK) >>> FLAG_SEC_SHIFT];
  const need =
    ((flags & FLAG_V) !== 0 ? LEN_VNID : 0) +
    secLen +
    ((flags & FLAG_F) !== 0 ? LEN_FRAGMENT : 0) +
    ((flags & FLAG_T) !== 0 ? LEN_TRANSFORM : 0) +
    ((flags & FLAG_R) !== 0 ? LEN_REMCSUM : 0) +
    ((flags & FLAG_K) !== 0 ? LEN_CHECKSUM : 0);
  if (need !== optLen) {
    throw new GueBadHlenError(`GUE flags 0x${flags.toString(16)} announce ${need} bytes of fields, Hlen gives ${optLen}`);
  }
  let pos = GUE_BASE_LEN;
  if ((flags & FLAG_V) !== 0) {
    layout.vnid = pos;
    pos += LEN_VNID;
  }
  if (secLen !== 0) {
    layout.security = pos;
    layout.securityLength = secLen;
    pos += secLen;
  }
  if ((flags & FLAG_F) !== 0) {
    layout.fragment = pos;
    pos += LEN_FRAGMENT;
  }
  if ((flags & FLAG_T) !== 0) {
    layout.transform = pos;
    pos += LEN_TRANSFORM;
  }
  if ((flags & FLAG_R) !== 0) {
    layout.remoteChecksum = pos;
    pos += LEN_REMCSUM;
  }
  if ((flags & FLAG_K) !== 0) layout.checksum = pos;
}

/** Walks the Linux private-flag layout (include/net/gue.h `validate_gue_flags`). */
function walkLinuxFields(d: Uint8Array, flags: number, optLen: number, layout: GueLayout): void {
  const unknown = flags & ~LINUX_FLAG_PRIV;
  if (unknown !== 0) throw new GueUnknownFlagsError(unknown);
  let need = 0;
  if ((flags & LINUX_FLAG_PRIV) !== 0) {
    if (optLen < LINUX_LEN_PRIV) throw new GueBadHlenError(`GUE P flag set but Hlen gives only ${optLen} bytes`);
    const pflags = u32(d, GUE_BASE_LEN);
    const unknownPriv = pflags & ~LINUX_PFLAG_REMCSUM;
    if (unknownPriv !== 0) throw new GueUnknownFlagsError(unknownPriv, 'private flags');
    layout.privateFlags = GUE_BASE_LEN;
    need = LINUX_LEN_PRIV;
    if ((pflags & LINUX_PFLAG_REMCSUM) !== 0) {
      layout.remoteChecksum = GUE_BASE_LEN + LINUX_LEN_PRIV;
      need += LINUX_PLEN_REMCSUM;
    }
  }
  if (need !== optLen) {
    throw new GueBadHlenError(`GUE fields take ${need} bytes, Hlen gives ${optLen}`);
  }
}

/**
 * Validates the header of `d` and fills `out` and `layout`. Never modifies `d`.
 * @throws DecodeError subclasses from `./errors.js`
 */
export function decodeGue(d: Uint8Array, profile: GueProfile, out: Decapsulated, layout: GueLayout): void {
  const n = d.length;
  resetLayout(layout);
  // The common header first: variant 0, a data message, Hlen 0, no flags (both profiles
  // accept it). It needs no field walk; the general path below gives the same result.
  if (n >= GUE_BASE_LEN && d[0] === 0 && d[2] === 0 && d[3] === 0) {
    const proto = d[1];
    layout.headerLength = GUE_BASE_LEN;
    out.control = false;
    out.proto = proto;
    out.payloadOffset = GUE_BASE_LEN;
    out.transformType = 0;
    out.originalProto = proto;
    out.vnid = -1;
    out.directIp = false;
    return;
  }
  if (n === 0) throw new GueTruncatedError(0);
  const b0 = d[0];
  const variant = b0 >>> 6;
  if (variant === 1) return decodeDirectIp(b0, out, layout);
  if (variant !== 0) throw new GueBadVersionError(b0);
  if (n < GUE_BASE_LEN) throw new GueTruncatedError(n);
  const control = (b0 & GUE_C_BIT) !== 0;
  const optLen = (b0 & GUE_HLEN_MASK) << 2;
  const hdrLen = GUE_BASE_LEN + optLen;
  if (hdrLen > n) throw new GueBadHlenError(`GUE Hlen ${optLen >>> 2} (${hdrLen} bytes) exceeds the ${n}-byte datagram`);
  const proto = d[1];
  const flags = u16(d, 2);
  layout.flags = flags;
  layout.headerLength = hdrLen;
  if (profile === 'draft') walkDraftFields(flags, optLen, layout);
  else walkLinuxFields(d, flags, optLen, layout);

  const payloadLen = n - hdrLen;
  let transformType = 0;
  let originalProto = proto;
  if (layout.fragment >= 0 || layout.transform >= 0) {
    const expected = control ? CTYPE_NEEDS_CONTEXT : PROTO_NO_NEXT_HEADER;
    if (proto !== expected) {
      throw new GueBadExtensionError(
        `GUE fragment/transform field on a ${control ? 'control message with ctype' : 'data message with Proto'} ${proto} (must be ${expected})`,
      );
    }
  }
  if (layout.transform >= 0) {
    transformType = d[layout.transform];
    if (transformType !== TRANSFORM_TYPE_DTLS) throw new GueUnknownTransformError(transformType);
    originalProto = d[layout.transform + 1];
  }
  if (layout.remoteChecksum >= 0) {
    const start = u16(d, layout.remoteChecksum);
    const offset = u16(d, layout.remoteChecksum + 2);
    if ((start & 1) !== 0 || (offset & 1) !== 0 || start > payloadLen || offset + 2 > payloadLen) {
      throw new GueBadExtensionError(`GUE remote checksum start ${start} / offset ${offset} invalid for a ${payloadLen}-byte payload`);
    }
  }
  if (layout.checksum >= 0) {
    const coverage = u16(d, layout.checksum + 2);
    if (coverage > payloadLen) {
      throw new GueBadExtensionError(`GUE checksum coverage ${coverage} exceeds the ${payloadLen}-byte payload`);
    }
  }
  if (control && proto === CTYPE_EXPERIMENTAL && payloadLen < EXID_LEN) {
    throw new GueBadControlError(`GUE experimental control message without its ${EXID_LEN}-byte ExID`);
  }
  out.control = control;
  out.proto = proto;
  out.payloadOffset = hdrLen;
  out.transformType = transformType;
  out.originalProto = originalProto;
  out.vnid = layout.vnid >= 0 ? u32(d, layout.vnid) : -1;
  out.directIp = false;
}

/**
 * Verifies the GUE checksum field found by {@link decodeGue}: the one's
 * complement sum of the GUE header (checksum field included) and the first
 * `coverage` payload bytes must be 0xFFFF.
 * @returns true when there is no checksum field or it verifies
 */
export function verifyGueChecksum(d: Uint8Array, layout: GueLayout): boolean {
  if (layout.checksum < 0) return true;
  const hdrLen = layout.headerLength;
  const coverage = u16(d, layout.checksum + 2);
  const sum = sumBytes(d, hdrLen, hdrLen + coverage, sumBytes(d, 0, hdrLen, 0));
  return foldSum(sum) === 0xffff;
}

/**
 * Completes a remote-checksum-offloaded payload in place (draft-herbert-remotecsumoffload;
 * Linux `skb_remcsum_process`): the 16-bit word at payload `offset` becomes the
 * complement of the one's complement sum of the payload from `start` to its end.
 */
export function applyRemoteChecksum(d: Uint8Array, layout: GueLayout): void {
  if (layout.remoteChecksum < 0) return;
  const hdrLen = layout.headerLength;
  const start = hdrLen + u16(d, layout.remoteChecksum);
  const at = hdrLen + u16(d, layout.remoteChecksum + 2);
  const csum = ~foldSum(sumBytes(d, start, d.length, 0)) & 0xffff;
  d[at] = csum >>> 8;
  d[at + 1] = csum & 0xff;
}

/**
 * The receive path used by the stack: {@link decodeGue}, then the GUE
 * checksum check, then remote checksum offload applied IN PLACE to the
 * payload bytes of `d` (the only case where `d` is modified).
 * @throws DecodeError subclasses from `./errors.js`
 */
export function decapsulateGue(d: Uint8Array, profile: GueProfile, out: Decapsulated, layout: GueLayout): void {
  decodeGue(d, profile, out, layout);
  if (layout.checksum >= 0 && !verifyGueChecksum(d, layout)) throw new GueBadChecksumError();
  if (layout.remoteChecksum >= 0) applyRemoteChecksum(d, layout);
}

const scratchLayout = emptyGueLayout();

/**
 * Allocation-free receive path with a module-level scratch layout: fills
 * `out` for `datagram` (see {@link decapsulateGue}; remote checksum offload
 * is completed in place).
 * @param profile - `draft` (default) or `linux`
 * @throws DecodeError subclasses from `./errors.js`
 */
export function decapsulate(datagram: Uint8Array, out: Decapsulated, profile: GueProfile = 'draft'): void {
  decapsulateGue(datagram, profile, out, scratchLayout);
}
