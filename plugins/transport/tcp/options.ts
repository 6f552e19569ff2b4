/**
 * TCP options codec (RFC 9293 §3.2): End of List, NOP, MSS, Window Scale
 * (RFC 7323 §2), SACK-Permitted and SACK (RFC 2018 §2–3), Timestamps
 * (RFC 7323 §3). Unknown kinds are skipped by their length; malformed
 * lengths raise {@link TcpBadOptionError}.
 *
 * Parsing fills a caller-owned {@link TcpOptions} object, so the receive
 * path allocates nothing.
 *
 * @module
 */
import { TcpBadOptionError } from './errors.js';

/** Option kinds (IANA "TCP Option Kind Numbers"). */
export const TcpOptionKind = {
  /** End of Option List (RFC 9293 §3.2). */
  EOL: 0,
  /** No-Operation (RFC 9293 §3.2). */
  NOP: 1,
  /** Maximum Segment Size (RFC 9293 §3.7.1). */
  MSS: 2,
  /** Window Scale (RFC 7323 §2.2). */
  WSCALE: 3,
  /** SACK-Permitted (RFC 2018 §2). */
  SACK_PERMITTED: 4,
  /** SACK (RFC 2018 §3). */
  SACK: 5,
  /** Timestamps (RFC 7323 §3.2). */
  TIMESTAMPS: 8,
} as const;

/** Largest number of SACK blocks an option can carry (40 option bytes, RFC 2018 §3). */
export const MAX_SACK_BLOCKS = 4;

/** Largest window-scale shift (RFC 7323 §2.3); larger received values are clamped to it. */
export const MAX_WSCALE = 14;

/** Bytes the Timestamps option takes in every segment once negotiated: NOP NOP plus the 10-byte option (RFC 7323 Appendix A). */
export const TIMESTAMPS_SPACE = 12;

/** Decoded options of one segment. `-1` / `false` mean "absent". */
export interface TcpOptions {
  /** MSS option value in bytes, or -1 (RFC 9293 §3.7.1). */
  mss: number;
  /** Window-scale shift (already clamped to 14), or -1 (RFC 7323 §2.3). */
  wscale: number;
  /** SACK-Permitted present (RFC 2018 §2). */
  sackPermitted: boolean;
  /** Timestamps option present (RFC 7323 §3.2). */
  hasTimestamps: boolean;
  /** TSval (unsigned 32 bit). */
  tsVal: number;
  /** TSecr (unsigned 32 bit). */
  tsEcr: number;
  /** Number of SACK blocks in {@link TcpOptions.sack} (RFC 2018 §3). */
  sackCount: number;
  /** SACK block edges: left0, right0, left1, right1 … (unsigned 32-bit sequence numbers). */
  sack: number[];
}

/** A fresh, empty options object (reuse it across segments). */
export function emptyTcpOptions(): TcpOptions {
  return {
    mss: -1,
    wscale: -1,
    sackPermitted: false,
    hasTimestamps: false,
    tsVal: 0,
    tsEcr: 0,
    sackCount: 0,
    sack: [0, 0, 0, 0, 0, 0, 0, 0],
  };
}

/** Reset `o` to "no options". */
export function clearTcpOptions(o: TcpOptions): void {
  o.mss = -1;
  o.wscale = -1;
  o.sackPermitted = false;
  o.hasTimestamps = false;
  o.tsVal = 0;
  o.tsEcr = 0;
  o.sackCount = 0;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function expectLength(kind: number, len: number, want: number): void {
  if (len !== want) throw new TcpBadOptionError(kind, `length ${len}, expected ${want}`);
}

/**
 * Parse the options in `b[start, end)` into `out` (cleared first).
 * @throws TcpBadOptionError on a length below 2, past `end`, or wrong for a known kind
 */
export function parseTcpOptions(b: Uint8Array, start: number, end: number, out: TcpOptions): void {
  clearTcpOptions(out);
  let i = start;
  while (i < end) {
    const kind = b[i];
    if (kind === TcpOptionKind.EOL) return;
    if (kind === TcpOptionKind.NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) throw new TcpBadOptionError(kind, 'length byte missing');
    const len = b[i + 1];
    if (len < 2) throw new TcpBadOptionError(kind, `length ${len} below 2`);
    if (i + len > end) throw new TcpBadOptionError(kind, `length ${len} runs past the header`);
    switch (kind) {
      case TcpOptionKind.MSS:
        expectLength(kind, len, 4);
        out.mss = (b[i + 2] << 8) | b[i + 3];
        break;
      case TcpOptionKind.WSCALE:
        expectLength(kind, len, 3);
        out.wscale = Math.min(b[i + 2], MAX_WSCALE);
        break;
      case TcpOptionKind.SACK_PERMITTED:
        expectLength(kind, len, 2);
        out.sackPermitted = true;
        break;
      case TcpOptionKind.TIMESTAMPS:
        expectLength(kind, len, 10);
        out.hasTimestamps = true;
        out.tsVal = u32(b, i + 2);
        out.tsEcr = u32(b, i + 6);
        break;
      case TcpOptionKind.SACK: {
        const n = (len - 2) >> 3;
        if (len < 10 || (len - 2) % 8 !== 0 || n > MAX_SACK_BLOCKS) {
          throw new TcpBadOptionError(kind, `length ${len} is not 2 + 8·n with 1 ≤ n ≤ 4`);
        }
        for (let k = 0; k < n; k++) {
          out.sack[2 * k] = u32(b, i + 2 + 8 * k);
          out.sack[2 * k + 1] = u32(b, i + 6 + 8 * k);
        }
        out.sackCount = n;
        break;
      }
      default:
        break; // unknown kind: skipped by its length (RFC 9293 §3.2)
    }
    i += len;
  }
}

/** What to put in an outgoing segment's options. `-1` / `false` / 0 mean "omit". */
export interface TcpOptionsInit {
  /** MSS to announce (SYN only), or -1. */
  mss: number;
  /** Window-scale shift to announce (SYN only), or -1. */
  wscale: number;
  /** Announce SACK-Permitted (SYN only). */
  sackPermitted: boolean;
  /** Include Timestamps. */
  hasTimestamps: boolean;
  /** TSval to send. */
  tsVal: number;
  /** TSecr to send. */
  tsEcr: number;
  /** Number of SACK blocks to send. */
  sackCount: number;
  /** SACK edges (left0, right0, …), unsigned 32-bit. */
  sack: readonly number[];
}

/** Bytes the options of `o` take on the wire, padded to a multiple of 4 (layout of {@link writeTcpOptions}). */
export function tcpOptionsLength(o: TcpOptionsInit): number {
  let n = 0;
  if (o.mss >= 0) n += 4;
  if (o.sackPermitted && o.hasTimestamps) n += TIMESTAMPS_SPACE; // SACK_PERM + TS share a word pair
  else {
    if (o.sackPermitted) n += 4; // NOP NOP SACK_PERM
    if (o.hasTimestamps) n += TIMESTAMPS_SPACE; // NOP NOP TS
  }
  if (o.wscale >= 0) n += 4; // NOP WS
  if (o.sackCount > 0) n += 4 + 8 * o.sackCount; // NOP NOP SACK
  return n;
}

function putU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = v >>> 16;
  b[i + 2] = v >>> 8;
  b[i + 3] = v;
}

/**
 * Write the options of `o` at `b[offset]` in the usual Linux order (MSS,
 * SACK-Permitted + Timestamps, NOP + Window Scale, NOP NOP SACK), 32-bit aligned.
 * @returns bytes written (equals {@link tcpOptionsLength})
 */
export function writeTcpOptions(b: Uint8Array, offset: number, o: TcpOptionsInit): number {
  let i = offset;
  if (o.mss >= 0) {
    b[i] = TcpOptionKind.MSS;
    b[i + 1] = 4;
    b[i + 2] = o.mss >>> 8;
    b[i + 3] = o.mss;
    i += 4;
  }
  if (o.sackPermitted && o.hasTimestamps) {
    b[i] = TcpOptionKind.SACK_PERMITTED;
    b[i + 1] = 2;
    b[i + 2] = TcpOptionKind.TIMESTAMPS;
    b[i + 3] = 10;
    putU32(b, i + 4, o.tsVal);
    putU32(b, i + 8, o.tsEcr);
    i += 12;
  } else {
    if (o.sackPermitted) {
      b[i] = TcpOptionKind.NOP;
      b[i + 1] = TcpOptionKind.NOP;
      b[i + 2] = TcpOptionKind.SACK_PERMITTED;
      b[i + 3] = 2;
      i += 4;
    }
    if (o.hasTimestamps) {
      b[i] = TcpOptionKind.NOP;
      b[i + 1] = TcpOptionKind.NOP;
      b[i + 2] = TcpOptionKind.TIMESTAMPS;
      b[i + 3] = 10;
      putU32(b, i + 4, o.tsVal);
      putU32(b, i + 8, o.tsEcr);
      i += 12;
    }
  }
  if (o.wscale >= 0) {
    b[i] = TcpOptionKind.NOP;
    b[i + 1] = TcpOptionKind.WSCALE;
    b[i + 2] = 3;
    b[i + 3] = o.wscale;
    i += 4;
  }
  if (o.sackCount > 0) {
    b[i] = TcpOptionKind.NOP;
    b[i + 1] = TcpOptionKind.NOP;
    b[i + 2] = TcpOptionKind.SACK;
    b[i + 3] = 2 + 8 * o.sackCount;
    i += 4;
    for (let k = 0; k < o.sackCount; k++, i += 8) {
      putU32(b, i, o.sack[2 * k]);
      putU32(b, i + 4, o.sack[2 * k + 1]);
    }
  }
  return i - offset;
}
