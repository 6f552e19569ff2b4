/**
 * Association setup (RFC 9260 §5.1, §5.2): the client's INIT and COOKIE
 * ECHO under T1-init / T1-cookie with Max.Init.Retransmits (with an ERROR
 * reporting the INIT ACK's unrecognized parameters, §3.2.2), an INIT ACK
 * with an invalid mandatory parameter (§3.3.3), the answer to an INIT
 * received during setup (collision, §5.2.1) or on an open association
 * (restart with tie-tags, §5.2.2), COOKIE ECHO on an existing association
 * (§5.2.4 actions B and D), and Stale Cookie recovery (§5.2.6).
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { RandomSource } from '../../../core/random/random.js';
import type { Timer } from '../../../core/time/clock.js';
import { pad4 } from './bytes.js';
import { COMMON_HEADER_SIZE, ChunkType } from './chunk-types.js';
import { encodeAbort, encodeChunk, encodeEmpty, encodeUnrecognizedParamsError } from './chunks/control.js';
import type { InitChunk } from './chunks/init.js';
import { SctpPeerUnreachableError, SctpProtocolViolationError, type SctpInvalidInitError } from './errors.js';
import { buildInit, buildInitAck, invalidInitAbort, peerAcceptsZeroChecksum } from './handshake.js';
import type { SctpOptions } from './options.js';
import { CauseCode } from './params.js';
import type { RtoEstimator } from './rto.js';
import type { AssociationState, SctpEndpoint } from './state.js';

/** Parameters both sides agreed on. */
export interface Negotiated {
  /** The peer's verification tag. */
  readonly peerTag: number;
  /** The peer's Initial TSN. */
  readonly peerInitialTsn: number;
  /** The peer's a_rwnd. */
  readonly peerArwnd: number;
  /** Outbound streams: min(own OS, peer MIS). */
  readonly outStreams: number;
  /** Inbound streams: min(own MIS, peer OS). */
  readonly inStreams: number;
  /** PR-SCTP on both sides. */
  readonly forwardTsn: boolean;
  /** I-DATA on both sides. */
  readonly iData: boolean;
  /** Stream reconfiguration (RFC 6525) on both sides. */
  readonly streamReset: boolean;
  /** The peer takes packets with a zero checksum (RFC 9653 §5.1). */
  readonly zeroChecksum: boolean;
}

/** What setup needs from the association. */
export interface SetupHost {
  /** Current state. */
  state(): AssociationState;
  /** Move to `s`. */
  setState(s: AssociationState): void;
  /** The peer's tag (0 until known). */
  peerTag(): number;
  /** Learn (or forget, with 0) the peer's tag. */
  setPeerTag(tag: number): void;
  /** Send `chunks` (in this order) in a packet of their own with verification tag `vtag`. */
  send(vtag: number, ...chunks: Uint8Array[]): void;
  /** Largest packet in bytes. */
  maxPacketSize(): number;
  /** Bundle `chunk` into the next packet. */
  queue(chunk: Uint8Array): void;
  /** Build the data path and enter ESTABLISHED. */
  establish(n: Negotiated): void;
  /** Tell the application the association is up (once). */
  opened(): void;
  /** Close with `err`. */
  fail(err: Error): void;
  /** Count a drop. */
  drop(reason: string): void;
  /** The stack clock. */
  now(): number;
}

/** Setup and re-setup of one association. */
export class Setup {
  private initChunk: Uint8Array | null = null;
  /** COOKIE ECHO, and the ERROR reporting unrecognized parameters when it fits (§3.2.2): sent, and resent on T1-cookie. */
  private cookieEcho: Uint8Array[] | null = null;
  /** That ERROR when it did not fit with the COOKIE ECHO: sent after the COOKIE ACK (§3.2.2). */
  private lateReport: Uint8Array | null = null;
  private retries = 0;
  private pending: Negotiated | null = null;
  private readonly t1: Timer;

  /**
   * @param opts - plugin options
   * @param localTag - own verification tag
   * @param initialTsn - own Initial TSN
   * @param ports - own and peer SCTP ports
   * @param peer - the peer's UDP address (cookie binding)
   * @param endpoint - the protocol's cookie and tag services
   * @param random - random source (restart TSNs)
   * @param rto - the path's RTO (T1 uses and backs it off)
   * @param host - the association
   * @param createTimer - the session's timer factory
   * @param secured - a confidential, authenticated security layer protects the association (RFC 9653)
   */
  constructor(
    private readonly opts: SctpOptions,
    private readonly localTag: number,
    private readonly initialTsn: number,
    private readonly ports: { readonly local: number; readonly remote: number },
    private readonly peer: PeerAddress,
    private readonly endpoint: SctpEndpoint,
    private readonly random: RandomSource,
    private readonly rto: RtoEstimator,
    private readonly host: SetupHost,
    createTimer: (cb: () => void) => Timer,
    private readonly secured = false,
  ) {
    this.t1 = createTimer(() => this.onT1());
  }

  /** Client: send INIT (RFC 9260 §5.1 A) and enter COOKIE-WAIT. */
  start(): void {
    this.initChunk = buildInit(this.opts, this.localTag, this.initialTsn, this.secured);
    this.host.setState('COOKIE-WAIT');
    this.host.send(0, this.initChunk);
    this.t1.arm(this.host.now() + this.rto.rto);
  }

  /** An INIT for this association (§5.2.1 during setup: own tag; §5.2.2 otherwise: new tag and tie-tags). */
  onInit(init: InitChunk): void {
    const state = this.host.state();
    if (state === 'SHUTDOWN-ACK-SENT') return this.host.send(this.host.peerTag(), encodeEmpty(ChunkType.SHUTDOWN_ACK));
    const restart = state !== 'COOKIE-WAIT' && state !== 'COOKIE-ECHOED';
    const ack = buildInitAck(
      this.opts,
      init,
      {
        localTag: restart ? this.endpoint.newTag() : this.localTag,
        localInitialTsn: restart ? this.random.uint32() : this.initialTsn,
        localPort: this.ports.local,
        peerPort: this.ports.remote,
        now: this.host.now(),
        localTieTag: restart ? this.localTag : 0,
        peerTieTag: restart ? this.host.peerTag() : 0,
        secured: this.secured,
      },
      (s, peer) => this.endpoint.sealCookie(s, peer),
      this.peer,
    );
    this.host.send(init.initiateTag, ack);
  }

  /**
   * INIT ACK in COOKIE-WAIT (§5.1 C): echo the cookie. Unrecognized parameters to report (§3.2.1) go
   * in an ERROR bundled after the COOKIE ECHO, which comes first (§3.2.2); when both do not fit one
   * packet, the ERROR waits for the COOKIE ACK.
   */
  onInitAck(a: InitChunk): void {
    if (this.host.state() !== 'COOKIE-WAIT') return this.host.drop('sctp_unexpected_init_ack');
    if (a.hostName) {
      this.host.send(a.initiateTag, encodeAbort(false, [{ code: CauseCode.UNRESOLVABLE_ADDRESS }]));
      return this.host.fail(new SctpProtocolViolationError('peer sent a Host Name Address parameter'));
    }
    this.t1.cancel();
    this.pending = {
      peerTag: a.initiateTag,
      peerInitialTsn: a.initialTsn,
      peerArwnd: a.arwnd,
      outStreams: Math.min(this.opts.outboundStreams, a.maxInboundStreams),
      inStreams: Math.min(this.opts.maxInboundStreams, a.outboundStreams),
      forwardTsn: this.opts.partialReliability && a.forwardTsn,
      iData: this.opts.interleaving && a.iData,
      streamReset: this.opts.streamReset && a.reConfig,
      zeroChecksum: peerAcceptsZeroChecksum(this.secured, a.zeroChecksumEdmid),
    };
    this.host.setPeerTag(a.initiateTag);
    const echo = encodeChunk(ChunkType.COOKIE_ECHO, 0, a.cookie as Uint8Array);
    this.cookieEcho = [echo];
    if (a.unrecognized.length > 0) {
      const report = encodeUnrecognizedParamsError(a.unrecognized);
      if (COMMON_HEADER_SIZE + pad4(echo.length) + report.length <= this.host.maxPacketSize()) this.cookieEcho.push(report);
      else this.lateReport = report;
    }
    this.host.setState('COOKIE-ECHOED');
    this.host.send(a.initiateTag, ...this.cookieEcho);
    this.t1.arm(this.host.now() + this.rto.rto);
  }

  /**
   * An INIT ACK with an invalid mandatory parameter (§3.3.3). In COOKIE-WAIT the association is
   * destroyed after an ABORT with an Invalid Mandatory Parameter cause, addressed with the INIT ACK's
   * Initiate Tag or, when that is the zero field, with our own tag reflected (T bit). In any other
   * state it is discarded (§5.2.3). The caller drops the packet.
   */
  onInvalidInitAck(err: SctpInvalidInitError): void {
    if (this.host.state() !== 'COOKIE-WAIT') return;
    const reflected = err.initiateTag === 0;
    this.host.send(reflected ? this.localTag : err.initiateTag, invalidInitAbort(reflected));
    this.host.fail(new SctpProtocolViolationError(`peer sent an invalid INIT ACK (${err.message})`));
  }

  /**
   * COOKIE ECHO on this association (§5.2.4, Table 2): its cookie names our own tag (cookies naming
   * another, actions A and C, go to the protocol). Stops T1-init or T1-cookie and answers COOKIE ACK.
   * In COOKIE-WAIT or COOKIE-ECHOED (a setup collision, action B or D) the association is established
   * from the cookie. Once established, action B (the peer picked a new tag for an INIT it sent after
   * answering ours) takes the peer's tag from the cookie and nothing else: TSNs, streams and the data
   * in flight stay as they are; action D (both tags match) changes nothing. A shutdown under way goes on.
   */
  onCookieEcho(cookie: Uint8Array): void {
    const res = this.endpoint.openCookie(cookie, this.peer);
    if (!res.ok) return this.host.drop(`sctp_cookie_${res.reason}`);
    const s = res.state;
    if (s.localTag !== this.localTag) return this.host.drop('sctp_cookie_mismatch');
    const state = this.host.state();
    this.t1.cancel();
    if (state === 'COOKIE-WAIT' || state === 'COOKIE-ECHOED') {
      // Setup collision: the peer echoed the cookie of our INIT ACK (no COOKIE ACK of ours will count now).
      this.pending = null;
      this.cookieEcho = null;
      this.lateReport = null;
      this.host.establish({
        peerTag: s.peerTag,
        peerInitialTsn: s.peerInitialTsn,
        peerArwnd: s.peerArwnd,
        outStreams: s.outboundStreams,
        inStreams: s.inboundStreams,
        forwardTsn: s.forwardTsn,
        iData: s.iData,
        streamReset: s.streamReset,
        zeroChecksum: s.zeroChecksum,
      });
    } else if (s.peerTag !== this.host.peerTag()) {
      // Action B: the endpoint "MUST update its peer's Verification Tag from the State Cookie".
      this.host.setPeerTag(s.peerTag);
    }
    this.host.queue(encodeEmpty(ChunkType.COOKIE_ACK));
    this.host.opened();
  }

  /** COOKIE ACK in COOKIE-ECHOED (§5.1 E): the association is up. */
  onCookieAck(): void {
    if (this.host.state() !== 'COOKIE-ECHOED' || this.pending === null) return;
    this.t1.cancel();
    this.cookieEcho = null;
    this.host.establish(this.pending);
    this.pending = null;
    if (this.lateReport !== null) this.host.queue(this.lateReport);
    this.lateReport = null;
    this.host.opened();
  }

  /** A Stale Cookie error in COOKIE-ECHOED (§5.2.6): start over, within Max.Init.Retransmits. Returns whether it applied. */
  onStaleCookie(): boolean {
    if (this.host.state() !== 'COOKIE-ECHOED') return false;
    this.t1.cancel();
    this.pending = null;
    this.lateReport = null;
    this.host.setPeerTag(0);
    if (++this.retries > this.opts.maxInitRetransmits) {
      this.host.fail(new SctpPeerUnreachableError('stale cookies until Max.Init.Retransmits'));
      return true;
    }
    this.start();
    return true;
  }

  private onT1(): void {
    const state = this.host.state();
    if (state !== 'COOKIE-WAIT' && state !== 'COOKIE-ECHOED') return;
    if (++this.retries > this.opts.maxInitRetransmits) {
      return this.host.fail(new SctpPeerUnreachableError(`no answer after ${this.opts.maxInitRetransmits} INIT / COOKIE ECHO retransmissions`));
    }
    this.rto.backoff();
    if (state === 'COOKIE-WAIT') this.host.send(0, this.initChunk as Uint8Array);
    else this.host.send(this.host.peerTag(), ...(this.cookieEcho as Uint8Array[]));
    this.t1.arm(this.host.now() + this.rto.rto);
  }

  /** Stop the T1 timer. */
  stop(): void {
    this.t1.cancel();
  }
}
