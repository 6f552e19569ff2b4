/**
 * The SCTP transport protocol instance (one per stack): demultiplexing by
 * verification tag, the stateless server side of association setup
 * (INIT ⇒ INIT ACK with a MAC'd State Cookie, COOKIE ECHO ⇒ new
 * association, RFC 9260 §5.1), restart detection by tie-tags (§5.2.4 A),
 * and out-of-the-blue packet handling (§8.4).
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { SessionInit, TransportAcceptContext, TransportContext, TransportProtocol, TransportSession } from '../../../core/contracts/transport.js';
import type { RandomSource } from '../../../core/random/random.js';
import { dropReasonOf } from '../../../core/errors.js';
import { SctpAssociation } from './association.js';
import { pad4, u32, w32 } from './bytes.js';
import { COMMON_HEADER_SIZE, ChunkType, DATA_HEADER_SIZE, FLAG_T } from './chunk-types.js';
import { encodeAbort, encodeError } from './chunks/control.js';
import { buildInitAck, decodeInitOrAbort, outOfTheBlueAnswer } from './handshake.js';
import { openCookie, sealCookie, type CookieResult, type CookieState } from './cookie.js';
import { SctpDecodeError } from './errors.js';
import type { SctpOptions } from './options.js';
import { ChunkReader, buildPacket, checkPacket, parseCommonHeader } from './packet.js';
import { CauseCode } from './params.js';
import type { SctpEndpoint } from './state.js';

function peerKey(peer: PeerAddress, remotePort: number, localPort: number): string {
  return `${peer.address}|${peer.port}|${remotePort}|${localPort}`;
}

function isCookieState(v: unknown): v is CookieState {
  return typeof v === 'object' && v !== null && 'localTag' in v && 'peerTag' in v && 'localInitialTsn' in v;
}

/** The `sctp` transport protocol: creates {@link SctpAssociation}s and answers setup statelessly. */
export class SctpProtocol implements TransportProtocol, SctpEndpoint {
  /** Plugin name. */
  readonly name = 'sctp';
  /** IP protocol number of SCTP (GUE Proto field). */
  readonly proto = 132;
  /** Common header plus DATA chunk header, in bytes. */
  readonly overhead = COMMON_HEADER_SIZE + DATA_HEADER_SIZE;
  /** The RFC 6951 UDP encapsulation port (9899) used when no encapsulation or call names one. */
  readonly defaultPort: number | undefined;
  private readonly secret = new Uint8Array(32);
  private readonly byTag = new Map<number, SctpAssociation>();
  private readonly byPeer = new Map<string, SctpAssociation>();
  private readonly keys = new Map<SctpAssociation, string>();
  private readonly usedCookies = new Map<number, number>();
  private readonly reader = new ChunkReader();

  /**
   * @param opts - resolved plugin options
   * @param random - random source for the cookie secret and tags
   * @param now - the stack clock (cookie ages)
   * @param secured - the stack's security layer is confidential and authenticated (DTLS): INIT ACKs
   *   announce Zero Checksum Acceptable (RFC 9653 §4)
   */
  constructor(
    readonly opts: SctpOptions,
    private readonly random: RandomSource,
    private readonly now: () => number,
    readonly secured = false,
  ) {
    random.fill(this.secret);
    this.defaultPort = opts.udpPort === 0 ? undefined : opts.udpPort;
  }

  /**
   * The verification tag of the common header (RFC 9260 §8.5): the local tag of the session it is for.
   * @throws SctpDecodeError `ERR_SCTP_TRUNCATED` for fewer than 12 bytes
   */
  demuxKey(payload: Uint8Array): number {
    if (payload.length < COMMON_HEADER_SIZE) throw new SctpDecodeError('TRUNCATED', 'SCTP packet shorter than its common header');
    return u32(payload, 4);
  }

  /** Seal a State Cookie bound to `peer` (HMAC-SHA256 under this stack's secret). */
  sealCookie(state: CookieState, peer: PeerAddress): Uint8Array {
    return sealCookie(state, this.secret, `${peer.address}|${peer.port}`);
  }

  /** Verify MAC, binding and age of a State Cookie received from `peer`. */
  openCookie(cookie: Uint8Array, peer: PeerAddress): CookieResult {
    return openCookie(cookie, this.secret, `${peer.address}|${peer.port}`, this.now());
  }

  /** A fresh, non-zero verification tag used by no association and no recent cookie. */
  newTag(): number {
    for (;;) {
      const t = this.random.uint32();
      if (t !== 0 && !this.byTag.has(t) && !this.usedCookies.has(t)) return t;
    }
  }

  /** Forget an association that reached CLOSED. */
  unregister(assoc: object): void {
    const a = assoc as SctpAssociation;
    if (this.byTag.get(a.localTag) === a) this.byTag.delete(a.localTag);
    const key = this.keys.get(a);
    if (key !== undefined && this.byPeer.get(key) === a) this.byPeer.delete(key);
    this.keys.delete(a);
  }

  /** Create an association: a client (fresh tag and TSN) or a server (from `init.state`, a validated cookie). */
  createSession(ctx: TransportContext, init: SessionInit): TransportSession {
    const cookie = isCookieState(init.state) ? init.state : undefined;
    const a = new SctpAssociation(ctx, init, this.opts, this, {
      localTag: cookie?.localTag ?? this.newTag(),
      initialTsn: cookie?.localInitialTsn ?? ctx.random.uint32(),
      cookie,
    });
    this.byTag.set(a.localTag, a);
    const key = peerKey(ctx.peer, init.remotePort, init.localPort);
    this.byPeer.set(key, a);
    this.keys.set(a, key);
    return a;
  }

  /** Handle a packet no association claimed (§5.1 stateless setup, §8.4 out of the blue). Never throws. */
  handleUnmatched(payload: Uint8Array, actx: TransportAcceptContext): void {
    try {
      this.unmatched(payload, actx);
    } catch (err) {
      actx.drop(dropReasonOf(err));
    }
  }

  private unmatched(p: Uint8Array, actx: TransportAcceptContext): void {
    checkPacket(p);
    const h = parseCommonHeader(p);
    const r = this.reader;
    r.reset(p);
    if (!r.next()) return actx.drop('sctp_no_chunks');
    const existing = this.byPeer.get(peerKey(actx.peer, h.srcPort, h.dstPort));
    const reply = (vtag: number, chunk: Uint8Array): void => actx.reply([buildPacket(h.dstPort, h.srcPort, vtag, [chunk])]);
    switch (r.type) {
      case ChunkType.INIT: {
        if (h.vtag !== 0) return actx.drop('sctp_bad_vtag');
        if (pad4(r.valueEnd) < p.length) return actx.drop('sctp_init_bundled');
        if (existing !== undefined) return existing.handleDatagram(p);
        const init = decodeInitOrAbort(p, r.valueStart, r.valueEnd, reply);
        if (!actx.listening(h.dstPort)) {
          actx.drop('sctp_no_listener');
          return reply(init.initiateTag, encodeAbort(false, []));
        }
        if (init.hostName) return reply(init.initiateTag, encodeAbort(false, [{ code: CauseCode.UNRESOLVABLE_ADDRESS }]));
        const ack = buildInitAck(
          this.opts,
          init,
          {
            localTag: this.newTag(),
            localInitialTsn: actx.random.uint32(),
            localPort: h.dstPort,
            peerPort: h.srcPort,
            now: actx.clock.now(),
            localTieTag: 0,
            peerTieTag: 0,
            secured: this.secured,
          },
          (st, peer) => this.sealCookie(st, peer),
          actx.peer,
        );
        return reply(init.initiateTag, ack);
      }
      case ChunkType.COOKIE_ECHO:
        return this.onCookieEcho(p, h.vtag, r.value(), existing, actx, reply);
      case ChunkType.ABORT:
      case ChunkType.SHUTDOWN_COMPLETE:
        // Reflected-tag ABORT / SHUTDOWN COMPLETE (§8.5.1 B/C) go to the association; else discard (§8.4 rules 2, 6).
        if (existing !== undefined && (r.flags & FLAG_T) !== 0) return existing.handleDatagram(p);
        return actx.drop('sctp_ootb');
      default: {
        // §8.4 rules 5, 7, 8: SHUTDOWN COMPLETE for a SHUTDOWN ACK, nothing for COOKIE ACK or ERROR, else ABORT.
        actx.drop('sctp_ootb');
        const answer = outOfTheBlueAnswer(r.type);
        if (answer !== null) reply(h.vtag, answer);
      }
    }
  }

  private onCookieEcho(
    p: Uint8Array,
    vtag: number,
    cookie: Uint8Array,
    existing: SctpAssociation | undefined,
    actx: TransportAcceptContext,
    reply: (vtag: number, chunk: Uint8Array) => void,
  ): void {
    const res = this.openCookie(cookie, actx.peer);
    if (!res.ok) {
      if (res.reason === 'stale') {
        // §5.1.5 step 3: ERROR "Stale Cookie" with the staleness in µs.
        const info = new Uint8Array(4);
        w32(info, 0, Math.min(0xffffffff, Math.round(res.stalenessMs * 1000)));
        reply(res.peerTag, encodeError([{ code: CauseCode.STALE_COOKIE, info }]));
      }
      return actx.drop(`sctp_cookie_${res.reason}`);
    }
    const s = res.state;
    if (vtag !== s.localTag) return actx.drop('sctp_bad_vtag');
    if (!actx.listening(s.localPort)) return actx.drop('sctp_no_listener');
    if (this.usedCookies.has(s.localTag)) return actx.drop('sctp_cookie_replay');
    if (existing !== undefined) {
      // §5.2.4 Table 2: a restart (action A: both tags new, the tie-tags name the existing association) or
      // nothing; a late cookie (action C) and any combination not in the table are discarded.
      if (s.localTieTag === 0 || s.localTieTag !== existing.localTag || s.peerTieTag !== existing.peerTag || s.peerTag === existing.peerTag) {
        return actx.drop('sctp_cookie_mismatch');
      }
      existing.peerRestarted();
    }
    this.rememberCookie(s.localTag, s.created + s.lifespan);
    const session = actx.accept({ role: 'server', localPort: s.localPort, remotePort: s.peerPort, state: s });
    session.handleDatagram(p);
  }

  private rememberCookie(tag: number, expires: number): void {
    if (this.usedCookies.size >= 1024) {
      const now = this.now();
      for (const [t, e] of this.usedCookies) if (e < now) this.usedCookies.delete(t);
    }
    this.usedCookies.set(tag, expires);
  }

  /** Forget every association and cookie. */
  close(): void {
    this.byTag.clear();
    this.byPeer.clear();
    this.keys.clear();
    this.usedCookies.clear();
  }
}
