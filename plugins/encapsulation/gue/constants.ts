/**
 * Wire constants of Generic UDP Encapsulation: the base header of
 * draft-ietf-intarea-gue-09 and the extension fields of
 * draft-ietf-intarea-gue-extensions-06, plus the older private-flag layout
 * the Linux `fou` module speaks (include/net/gue.h).
 *
 * The extension-field layout toukit pins (flag bits, field sizes, order) is
 * listed here once; every codec reads these names, never bare numbers. The
 * bit positions follow the order in which the extensions draft lists its
 * options (V, SEC, F, T, R, K from the most significant flag bit down); the
 * draft text could not be re-read while writing this, so treat the exact
 * positions as toukit's pinned profile rather than a verified quotation.
 *
 * @module
 */

/** IANA UDP port `gue` (draft-ietf-intarea-gue-09, IANA considerations). */
export const GUE_PORT = 6080;

/** Length of the base GUE header in bytes (draft-ietf-intarea-gue-09 §3). */
export const GUE_BASE_LEN = 4;

/** Mask of the 2-bit variant in byte 0 (draft-ietf-intarea-gue-09 §3). */
export const GUE_VARIANT_MASK = 0xc0;
/** Shift of the variant in byte 0. */
export const GUE_VARIANT_SHIFT = 6;
/** Mask of the C (control) bit in byte 0 (draft-ietf-intarea-gue-09 §3). */
export const GUE_C_BIT = 0x20;
/** Mask of the 5-bit Hlen in byte 0: extension words after the first 4 bytes (draft-ietf-intarea-gue-09 §3). */
export const GUE_HLEN_MASK = 0x1f;
/** Largest header: 4 + 4·31 bytes (draft-ietf-intarea-gue-09 §3). */
export const GUE_MAX_HEADER_LEN = GUE_BASE_LEN + 4 * GUE_HLEN_MASK;

/** Variant 0: a GUE header follows (draft-ietf-intarea-gue-09 §3). */
export const GUE_VARIANT_0 = 0;
/** Variant 1: direct IPv4/IPv6 encapsulation, no GUE header (draft-ietf-intarea-gue-09 §4). */
export const GUE_VARIANT_1 = 1;

/** IP protocol number of IPv4-in-IP, reported for variant-1 IPv4 packets (draft-ietf-intarea-gue-09 §4). */
export const PROTO_IPV4 = 4;
/** IP protocol number of IPv6, reported for variant-1 IPv6 packets (draft-ietf-intarea-gue-09 §4). */
export const PROTO_IPV6 = 41;
/** IP protocol 59, "no next header": transformed or fragmented payloads (draft-ietf-intarea-gue-09 §3.2.1). */
export const PROTO_NO_NEXT_HEADER = 59;

/** Control type 0: the control payload needs more context, e.g. it was transformed (draft-ietf-intarea-gue-09 §3.2.2). */
export const CTYPE_NEEDS_CONTEXT = 0;
/** Control type 255: experimental; the payload starts with a 32-bit ExID (draft-ietf-intarea-gue-09 §3.2.2). */
export const CTYPE_EXPERIMENTAL = 255;
/** Length of the experimental identifier that starts a ctype-255 payload (draft-ietf-intarea-gue-09 §3.2.2). */
export const EXID_LEN = 4;

// ---------------------------------------------------------------------------
// draft profile: standard flags of draft-ietf-intarea-gue-extensions-06
// ---------------------------------------------------------------------------

/** V flag: a 4-byte VNID / group identifier follows (draft-ietf-intarea-gue-extensions-06, group identifier). */
export const FLAG_V = 0x8000;
/** Length of the VNID field in bytes. */
export const LEN_VNID = 4;

/** SEC: 2-bit security flag, selects the security field size (draft-ietf-intarea-gue-extensions-06, security option). */
export const FLAG_SEC_MASK = 0x6000;
/** Shift of the SEC bits in the flags word. */
export const FLAG_SEC_SHIFT = 13;
/** Security field sizes indexed by the SEC value: 00 none, 01 8 B, 10 16 B, 11 32 B (draft-ietf-intarea-gue-extensions-06, security option). */
export const SEC_LENGTHS: readonly number[] = [0, 8, 16, 32];

/** F flag: an 8-byte fragmentation field follows (draft-ietf-intarea-gue-extensions-06, fragmentation option). */
export const FLAG_F = 0x1000;
/** Length of the fragmentation field in bytes. */
export const LEN_FRAGMENT = 8;
/** Mask of the 13-bit fragment offset (in 8-byte units) in the first 16 bits of the field. */
export const FRAG_OFFSET_MASK = 0xfff8;
/** Shift of the fragment offset in the first 16 bits of the field. */
export const FRAG_OFFSET_SHIFT = 3;
/** The M ("more fragments") bit in the first 16 bits of the fragmentation field. */
export const FRAG_MORE = 0x0001;

/** T flag: a 4-byte payload-transform field follows: Type(8) P_C_type(8) 16 bits type-specific (draft-ietf-intarea-gue-extensions-06, payload transform option). */
export const FLAG_T = 0x0800;
/** Length of the payload-transform field in bytes. */
export const LEN_TRANSFORM = 4;
/** Payload-transform type DTLS (draft-ietf-intarea-gue-extensions-06, payload transform option). */
export const TRANSFORM_TYPE_DTLS = 1;

/** R flag: a 4-byte remote-checksum-offload field follows: start(16) offset(16) (draft-ietf-intarea-gue-extensions-06, remote checksum offload option). */
export const FLAG_R = 0x0400;
/** Length of the remote-checksum-offload field in bytes. */
export const LEN_REMCSUM = 4;

/** K flag: a 4-byte GUE checksum field follows: checksum(16) payload coverage(16) (draft-ietf-intarea-gue-extensions-06, checksum option). */
export const FLAG_K = 0x0200;
/** Length of the checksum field in bytes. */
export const LEN_CHECKSUM = 4;

/** Every flag the draft profile understands; any other bit set is rejected (draft-ietf-intarea-gue-09 §3.3). */
export const DRAFT_FLAGS_ALL = FLAG_V | FLAG_SEC_MASK | FLAG_F | FLAG_T | FLAG_R | FLAG_K;

// ---------------------------------------------------------------------------
// linux profile: include/net/gue.h
// ---------------------------------------------------------------------------

/** Linux `GUE_FLAG_PRIV`: the lowest flag bit announces a 32-bit private-flags word. */
export const LINUX_FLAG_PRIV = 0x0001;
/** Linux `GUE_LEN_PRIV`: length of the private-flags word. */
export const LINUX_LEN_PRIV = 4;
/** Linux `GUE_PFLAG_REMCSUM`: a 4-byte remote-checksum-offload field follows the private flags. */
export const LINUX_PFLAG_REMCSUM = 0x80000000;
/** Linux `GUE_PLEN_REMCSUM`: length of that field. */
export const LINUX_PLEN_REMCSUM = 4;

/** Codec profile: `draft` (gue-09 + extensions-06) or `linux` (the kernel's `fou` layout). */
export type GueProfile = 'draft' | 'linux';
