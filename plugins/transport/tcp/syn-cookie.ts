/**
 * SYN cookies: a stateless SYN-ACK when the half-open table is full
 * (RFC 4987 §3.6). The ISN we send encodes a 5-bit time counter (64 s
 * ticks), a 3-bit MSS index and a 24-bit MAC over the 4-tuple, the peer's
 * ISN, the counter and the MSS index. With timestamps, the low 6 bits of our
 * TSval carry the peer's window scale (4 bits, 15 = none) and SACK-permitted
 * (1 bit), echoed back in TSecr, as Linux does; without timestamps the
 * connection runs without window scaling and SACK.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { NegotiatedOptions } from './segment-options.js';

/** Session state restored from a valid cookie (passed as `SessionInit.state`). */
export interface SynCookieState extends NegotiatedOptions {
  /** Marker. */
  readonly kind: 'tcp-syn-cookie';
  /** Our ISN (the cookie). */
  readonly iss: number;
  /** The peer's ISN. */
  readonly irs: number;
}

/** MSS values a cookie can encode (3 bits). */
export const COOKIE_MSS = [536, 1220, 1360, 1400, 1440, 1460, 4312, 8960] as const;

/** Cookie time-counter tick, ms. */
const TICK = 64_000;

function mac(secret: Uint8Array, tuple: string, irs: number, t: number, mssIdx: number): number {
  const enc = new TextEncoder().encode(`${tuple}|${irs >>> 0}|${t}|${mssIdx}`);
  const buf = new Uint8Array(secret.length + enc.length);
  buf.set(secret);
  buf.set(enc, secret.length);
  const h = sha256(buf);
  return (h[0] << 16) | (h[1] << 8) | h[2];
}

/**
 * The cookie ISN for a SYN.
 * @param secret - protocol secret
 * @param tuple - text naming local/peer addresses and ports
 * @param irs - the SYN's sequence number
 * @param mss - the peer's MSS (rounded down to a {@link COOKIE_MSS} value)
 * @param now - clock in ms
 */
export function makeCookie(secret: Uint8Array, tuple: string, irs: number, mss: number, now: number): number {
  let idx = 0;
  for (let i = 0; i < COOKIE_MSS.length; i++) if (COOKIE_MSS[i] <= mss) idx = i;
  const t = Math.floor(now / TICK) & 31;
  return ((t << 27) | (idx << 24) | mac(secret, tuple, irs, t, idx)) >>> 0;
}

/**
 * Check the cookie acknowledged by `ack` (= cookie + 1) for the ACK with
 * sequence number `seq` (= irs + 1). Valid for up to two ticks.
 * @returns the MSS it encodes, or -1 when invalid
 */
export function checkCookie(secret: Uint8Array, tuple: string, ack: number, seq: number, now: number): number {
  const cookie = (ack - 1) >>> 0;
  const irs = (seq - 1) >>> 0;
  const t = cookie >>> 27;
  const idx = (cookie >>> 24) & 7;
  const cur = Math.floor(now / TICK) & 31;
  const age = (cur - t + 32) & 31;
  if (age > 1) return -1;
  if (mac(secret, tuple, irs, t, idx) !== (cookie & 0xffffff)) return -1;
  return COOKIE_MSS[idx];
}

/** Low bits of a cookie TSval: window scale (4 bits, 15 = none) and SACK-permitted. */
export function encodeCookieTsBits(tsVal: number, wscale: number, sackOk: boolean): number {
  const bits = ((wscale < 0 ? 15 : wscale) << 1) | (sackOk ? 1 : 0);
  return ((tsVal & ~0x1f) | bits) >>> 0;
}

/** Decode {@link encodeCookieTsBits} from an echoed TSecr. */
export function decodeCookieTsBits(tsEcr: number): { wscale: number; sackOk: boolean } {
  const ws = (tsEcr >>> 1) & 0xf;
  return { wscale: ws === 15 ? -1 : ws, sackOk: (tsEcr & 1) === 1 };
}
