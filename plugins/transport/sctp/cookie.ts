/**
 * The State Cookie (RFC 9260 §5.1.3): everything the server needs to
 * create the association, so that it keeps no state after INIT ACK,
 * protected by an HMAC-SHA256 over the cookie and the peer's UDP address
 * under a per-stack secret, and stamped with its creation time and
 * lifespan (Valid.Cookie.Life, §16).
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { u16, u32, w16, w32 } from './bytes.js';
import { SctpDecodeError } from './errors.js';

/** Association parameters carried in a State Cookie. */
export interface CookieState {
  /** Creation time (stack clock, ms). */
  readonly created: number;
  /** Lifespan in ms (Valid.Cookie.Life). */
  readonly lifespan: number;
  /** The server's own verification tag (its Initiate Tag in the INIT ACK). */
  readonly localTag: number;
  /** The client's Initiate Tag. */
  readonly peerTag: number;
  /** The server's initial TSN. */
  readonly localInitialTsn: number;
  /** The client's initial TSN. */
  readonly peerInitialTsn: number;
  /** The client's a_rwnd in bytes. */
  readonly peerArwnd: number;
  /** Negotiated outbound streams of the server: min(own OS, peer MIS). */
  readonly outboundStreams: number;
  /** Negotiated inbound streams of the server: min(own MIS, peer OS). */
  readonly inboundStreams: number;
  /** Both sides support FORWARD TSN (RFC 3758). */
  readonly forwardTsn: boolean;
  /** Both sides support I-DATA (RFC 8260). */
  readonly iData: boolean;
  /** Both sides support stream reconfiguration (RFC 6525). */
  readonly streamReset: boolean;
  /** The client accepts zero checksums under DTLS (RFC 9653): the server may send them. */
  readonly zeroChecksum: boolean;
  /** The client's SCTP port. */
  readonly peerPort: number;
  /** The server's SCTP port. */
  readonly localPort: number;
  /** Tie-tags for restart / collision detection (§5.2.2), 0 when none. */
  readonly localTieTag: number;
  /** Peer tie-tag, 0 when none. */
  readonly peerTieTag: number;
}

const BODY = 56;
const MAC = 32;
/** Size of an encoded cookie in bytes. */
export const COOKIE_SIZE = BODY + MAC;

function mac(secret: Uint8Array, body: Uint8Array, binding: string): Buffer {
  return createHmac('sha256', secret).update(body).update(binding).digest();
}

/**
 * Seal `s` into a cookie. `binding` names the peer (e.g. its UDP address and
 * port) so that a cookie is only valid from where it was sent to.
 */
export function sealCookie(s: CookieState, secret: Uint8Array, binding: string): Uint8Array {
  const out = new Uint8Array(COOKIE_SIZE);
  const dv = new DataView(out.buffer);
  out[0] = 1;
  dv.setFloat64(4, s.created);
  w32(out, 12, s.lifespan);
  w32(out, 16, s.localTag);
  w32(out, 20, s.peerTag);
  w32(out, 24, s.localInitialTsn);
  w32(out, 28, s.peerInitialTsn);
  w32(out, 32, s.peerArwnd);
  w16(out, 36, s.outboundStreams);
  w16(out, 38, s.inboundStreams);
  out[40] = s.forwardTsn ? 1 : 0;
  out[41] = s.iData ? 1 : 0;
  w16(out, 42, s.peerPort);
  w16(out, 44, s.localPort);
  w32(out, 46, s.localTieTag);
  w32(out, 50, s.peerTieTag);
  out[54] = s.zeroChecksum ? 1 : 0;
  out[55] = s.streamReset ? 1 : 0;
  out.set(mac(secret, out.subarray(0, BODY), binding), BODY);
  return out;
}

/** Why a cookie was refused. */
export type CookieRejection = 'bad_mac' | 'stale';

/** A cookie that verified. */
export interface CookieAccepted {
  /** Always true. */
  readonly ok: true;
  /** The association parameters it carries. */
  readonly state: CookieState;
}

/** A cookie that was refused. */
export interface CookieRefused {
  /** Always false. */
  readonly ok: false;
  /** `bad_mac` (discard silently) or `stale` (answer with a Stale Cookie ERROR). */
  readonly reason: CookieRejection;
  /** For `stale`: by how many ms the lifespan was exceeded. */
  readonly stalenessMs: number;
  /** For `stale`: the peer's tag from the (authentic) cookie, to address the ERROR; else 0. */
  readonly peerTag: number;
}

/** Result of opening a cookie. */
export type CookieResult = CookieAccepted | CookieRefused;

/**
 * Verify the MAC and age of a cookie (RFC 9260 §5.1.5 steps 1–3).
 * @throws SctpDecodeError `ERR_SCTP_BAD_COOKIE` when the cookie has the wrong size or version
 */
export function openCookie(cookie: Uint8Array, secret: Uint8Array, binding: string, now: number): CookieResult {
  if (cookie.length !== COOKIE_SIZE || cookie[0] !== 1) throw new SctpDecodeError('BAD_COOKIE', 'State Cookie of unknown format');
  const expect = mac(secret, cookie.subarray(0, BODY), binding);
  if (!timingSafeEqual(expect, cookie.subarray(BODY, COOKIE_SIZE))) return { ok: false, reason: 'bad_mac', stalenessMs: 0, peerTag: 0 };
  const dv = new DataView(cookie.buffer, cookie.byteOffset, cookie.byteLength);
  const created = dv.getFloat64(4);
  const lifespan = u32(cookie, 12);
  if (!(now - created <= lifespan)) return { ok: false, reason: 'stale', stalenessMs: now - created - lifespan, peerTag: u32(cookie, 20) };
  return {
    ok: true,
    state: {
      created,
      lifespan,
      localTag: u32(cookie, 16),
      peerTag: u32(cookie, 20),
      localInitialTsn: u32(cookie, 24),
      peerInitialTsn: u32(cookie, 28),
      peerArwnd: u32(cookie, 32),
      outboundStreams: u16(cookie, 36),
      inboundStreams: u16(cookie, 38),
      forwardTsn: cookie[40] === 1,
      iData: cookie[41] === 1,
      streamReset: cookie[55] === 1,
      peerPort: u16(cookie, 42),
      localPort: u16(cookie, 44),
      localTieTag: u32(cookie, 46),
      peerTieTag: u32(cookie, 50),
      zeroChecksum: cookie[54] === 1,
    },
  };
}
