/**
 * One SCTP association (RFC 9260): the state machine of §4 driven by
 * received packets and timers (T1-init, T3-rtx, T2-shutdown, delayed SACK,
 * heartbeat), on top of the {@link Outbound} and {@link Inbound} halves.
 * Sans-IO: it talks to the world only through its `TransportContext`.
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import type { MessageInfo, SendOptions, SessionInit, TransportContext, TransportSession } from '../../../core/contracts/transport.js';
import { PayloadTooLargeError, StateError, ToukitError, dropReasonOf } from '../../../core/errors.js';
import type { Timer } from '../../../core/time/clock.js';
import { pad4, tsnAdd, tsnLe, tsnLt, u32, w16, w32 } from './bytes.js';
import { COMMON_HEADER_SIZE, ChunkType, DATA_HEADER_SIZE, FLAG_I, FLAG_T } from './chunk-types.js';
import {
  decodeCauses,
  decodeHeartbeat,
  decodeShutdown,
  encodeAbort,
  encodeChunk,
  encodeEmpty,
  encodeError,
  encodeHeartbeat,
  encodeHeartbeatAck,
  encodeShutdown,
  type ErrorCause,
} from './chunks/control.js';
import { decodeData, writeData } from './chunks/data.js';
import { decodeForwardTsn, encodeForwardTsn } from './chunks/forward-tsn.js';
import { decodeInit, encodeInit, type InitChunk } from './chunks/init.js';
import { decodeSack, encodeSack } from './chunks/sack.js';
import type { CookieState } from './cookie.js';
import { SctpAbortedError, SctpDecodeError, SctpPeerRestartedError, SctpInvalidStreamError, SctpPeerUnreachableError, SctpProtocolViolationError } from './errors.js';
import { Inbound } from './inbound.js';
import type { SctpOptions } from './options.js';
import { Outbound, type OutMessage } from './outbound.js';
import { ChunkReader, PacketWriter, buildPacket, checkPacket, packetVtag } from './packet.js';
import { CauseCode, unknownChunkAction } from './params.js';
import { RtoEstimator } from './rto.js';
import type { AssociationState, SctpEndpoint } from './state.js';
import { TsnMap, TsnOffer } from './tsn-map.js';

/** How the association starts: client (sends INIT) or server (from a validated cookie). */
export interface AssociationSetup {
  /** Own verification tag (Initiate Tag). */
  readonly localTag: number;
  /** Own Initial TSN. */
  readonly initialTsn: number;
  /** For a server: the cookie contents that created it. */
  readonly cookie?: CookieState;
}

const MAX_GAP_BLOCKS = 64;

/** An SCTP association: a {@link TransportSession} for the `sctp` transport. */
export class SctpAssociation implements TransportSession {
  /** Association state (RFC 9260 §4). */
  state: AssociationState;
  /** Own verification tag: peers put it in every packet (the demux key). */
  readonly localTag: number;
  /** The peer's verification tag (0 until known). */
  peerTag = 0;
  private readonly initialTsn: number;
  private peerInitialTsn = 0;
  private peerArwnd = 0;
  private outStreams: number;
  private inStreams: number;
  private forwardTsnOk = false;
  private out: Outbound | null = null;
  private inb: Inbound | null = null;
  private tsnMap: TsnMap | null = null;
  private cc: CongestionController | null = null;
  private readonly rto: RtoEstimator;
  private readonly reader = new ChunkReader();
  private readonly writer: PacketWriter;
  private readonly maxData: number;
  private readonly mtu: number;
  private readonly preOpen: OutMessage[] = [];
  private preOpenBytes = 0;
  private readonly t1: Timer;
  private readonly t3: Timer;
  private readonly t2: Timer;
  private readonly sackTimer: Timer;
  private readonly hbTimer: Timer;
  private initChunk: Uint8Array | null = null;
  private cookieEcho: Uint8Array | null = null;
  private initRetries = 0;
  private errorCount = 0;
  private sackNeeded = false;
  private dataPacketsUnacked = 0;
  private lastAdvertisedRwnd = 0;
  private isOpened = false;
  private closedOnce = false;
  private endRequested = false;
  private remoteEndedSent = false;
  private wantWritable = false;
  private hbOutstanding = false;
  private hbNonce = 0;
  private fastRtxPending = false;
  private pendingControl: Uint8Array[] = [];
  private readonly drops: Record<string, number> = {};
  private readonly counters = {
    packetsSent: 0,
    packetsReceived: 0,
    dataBytesSent: 0,
    dataBytesReceived: 0,
    messagesReceived: 0,
    fastRetransmits: 0,
    t3Expirations: 0,
    sacksSent: 0,
    sacksReceived: 0,
    forwardTsnSent: 0,
    forwardTsnReceived: 0,
    heartbeatsSent: 0,
  };
  private readonly sink = {
    deliver: (data: Uint8Array, info: MessageInfo): boolean => {
      this.counters.messagesReceived++;
      return this.ctx.deliver(data, info);
    },
  };

  /**
   * @param ctx - the session context
   * @param init - role and SCTP ports
   * @param opts - resolved plugin options
   * @param endpoint - the protocol instance's services
   * @param setup - tags, initial TSN, and for servers the cookie
   */
  constructor(
    private readonly ctx: TransportContext,
    private readonly init: SessionInit,
    private readonly opts: SctpOptions,
    private readonly endpoint: SctpEndpoint,
    setup: AssociationSetup,
  ) {
    this.localTag = setup.localTag;
    this.initialTsn = setup.initialTsn;
    this.outStreams = opts.outboundStreams;
    this.inStreams = opts.maxInboundStreams;
    this.mtu = Math.max(COMMON_HEADER_SIZE + DATA_HEADER_SIZE + 4, ctx.maxDatagramSize);
    this.maxData = (this.mtu - COMMON_HEADER_SIZE - DATA_HEADER_SIZE) & ~3;
    this.writer = new PacketWriter(this.mtu);
    this.rto = new RtoEstimator(opts.rtoInitial, opts.rtoMin, opts.rtoMax);
    this.t1 = ctx.timers.createTimer(() => this.onT1());
    this.t3 = ctx.timers.createTimer(() => this.onT3());
    this.t2 = ctx.timers.createTimer(() => this.onT2());
    this.sackTimer = ctx.timers.createTimer(() => this.onSackTimer());
    this.hbTimer = ctx.timers.createTimer(() => this.onHeartbeatTimer());
    this.state = 'CLOSED';
    const c = setup.cookie;
    if (c !== undefined) {
      this.peerTag = c.peerTag;
      this.establish(c.peerInitialTsn, c.peerArwnd, c.outboundStreams, c.inboundStreams, c.forwardTsn);
    }
  }

  /** The demux key: own verification tag. */
  get demuxKey(): number {
    return this.localTag;
  }

  /** Bytes accepted and not yet acknowledged. */
  get bufferedAmount(): number {
    return this.out !== null ? this.out.bufferedAmount : this.preOpenBytes;
  }

  // ---------------------------------------------------------------- setup

  /** Client: send INIT (RFC 9260 §5.1 A) and enter COOKIE-WAIT. */
  start(): void {
    if (this.init.role !== 'client' || this.state !== 'CLOSED') return;
    this.initChunk = encodeInit(
      {
        initiateTag: this.localTag,
        arwnd: this.opts.receiveWindow,
        outboundStreams: this.opts.outboundStreams,
        maxInboundStreams: this.opts.maxInboundStreams,
        initialTsn: this.initialTsn,
        forwardTsn: this.opts.partialReliability,
      },
      false,
    );
    this.state = 'COOKIE-WAIT';
    this.trace('COOKIE-WAIT');
    this.sendControl(0, this.initChunk);
    this.t1.arm(this.now() + this.rto.rto);
  }

  private establish(peerTsn: number, peerArwnd: number, outStreams: number, inStreams: number, fwd: boolean): void {
    this.peerInitialTsn = peerTsn;
    this.peerArwnd = peerArwnd;
    this.outStreams = outStreams;
    this.inStreams = inStreams;
    this.forwardTsnOk = fwd;
    this.out = new Outbound(this.initialTsn, outStreams, peerArwnd);
    this.inb = new Inbound(inStreams, this.opts.maxMessageSize, this.sink);
    this.tsnMap = new TsnMap(peerTsn);
    const mss = this.mtu - COMMON_HEADER_SIZE;
    this.cc = this.ctx.createCongestionController(mss, this.rto, {
      // RFC 9260 §7.2.1: initial cwnd = min(4·MTU, max(2·MTU, 4380)).
      initialWindow: Math.min(4 * mss, Math.max(2 * mss, 4380)),
      // §7.2.3: ssthresh = max(cwnd/2, 4·MTU).
      minSsthresh: 4 * mss,
      // §7.2.3 / §7.2.4 E: cwnd = 1·MTU after T3-rtx.
      minCwnd: mss,
      growOnlyWhenCwndFull: true,
      maxBurst: this.opts.maxBurst,
    });
    for (const m of this.preOpen) this.enqueueChecked(m);
    this.preOpen.length = 0;
    this.preOpenBytes = 0;
    this.state = 'ESTABLISHED';
    this.trace('ESTABLISHED');
    this.armHeartbeat();
  }

  private markOpened(): void {
    if (this.isOpened) return;
    this.isOpened = true;
    this.ctx.opened();
    if (this.endRequested) this.end();
    else this.flush();
  }

  // ------------------------------------------------------------ receiving

  /** Handle one incoming SCTP packet. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (this.state === 'CLOSED') return void this.drop('sctp_closed');
    try {
      this.receivePacket(payload);
    } catch (err) {
      this.drop(dropReasonOf(err));
      if (!(err instanceof ToukitError)) this.ctx.tracer.emit('packet_dropped', { reason: 'internal_error', error: String(err) });
    }
    if ((this.state as AssociationState) !== 'CLOSED') this.flush();
  }

  private receivePacket(p: Uint8Array): void {
    checkPacket(p);
    const vtag = packetVtag(p);
    const r = this.reader;
    r.reset(p);
    if (!r.next()) throw new SctpDecodeError('NO_CHUNKS', 'packet without chunks');
    const first = r.type;
    // §8.5.1 special cases; otherwise the tag must be our own.
    if (first === ChunkType.INIT) {
      if (vtag !== 0) return void this.drop('sctp_bad_vtag');
      if (pad4(r.valueEnd) < p.length) return void this.drop('sctp_init_bundled');
      return this.onInit(decodeInit(p, r.valueStart, r.valueEnd, false));
    }
    if (first === ChunkType.ABORT || first === ChunkType.SHUTDOWN_COMPLETE) {
      const reflected = (r.flags & FLAG_T) !== 0;
      if (reflected ? vtag !== this.peerTag || this.peerTag === 0 : vtag !== this.localTag) return void this.drop('sctp_bad_vtag');
    } else if (vtag !== this.localTag) {
      return void this.drop('sctp_bad_vtag');
    }
    this.counters.packetsReceived++;
    let hadData = false;
    let immediate = false;
    const unrecognized: ErrorCause[] = [];
    do {
      switch (r.type) {
        case ChunkType.DATA: {
          if (this.tsnMap === null) break;
          hadData = true;
          if (this.onData(p, r.start, r.valueEnd, r.flags)) immediate = true;
          break;
        }
        case ChunkType.SACK:
          this.onSack(p, r.valueStart, r.valueEnd);
          break;
        case ChunkType.INIT_ACK:
          this.onInitAck(decodeInit(p, r.valueStart, r.valueEnd, true));
          break;
        case ChunkType.COOKIE_ECHO:
          this.onCookieEcho(r.value());
          break;
        case ChunkType.COOKIE_ACK:
          this.onCookieAck();
          break;
        case ChunkType.HEARTBEAT: {
          const hb = decodeHeartbeat(p, r.valueStart, r.valueEnd);
          if (this.peerTag !== 0) this.pendingControl.push(encodeHeartbeatAck(hb.tlv));
          break;
        }
        case ChunkType.HEARTBEAT_ACK:
          this.onHeartbeatAck(decodeHeartbeat(p, r.valueStart, r.valueEnd).info);
          break;
        case ChunkType.ABORT:
          return this.onAbort(decodeCauses(p, r.valueStart, r.valueEnd).map((c) => c.code));
        case ChunkType.SHUTDOWN:
          this.onShutdown(decodeShutdown(p, r.valueStart, r.valueEnd));
          break;
        case ChunkType.SHUTDOWN_ACK:
          this.onShutdownAck();
          break;
        case ChunkType.SHUTDOWN_COMPLETE:
          if (this.state === 'SHUTDOWN-ACK-SENT') return this.finish();
          break;
        case ChunkType.ERROR:
          this.onError(decodeCauses(p, r.valueStart, r.valueEnd));
          break;
        case ChunkType.FORWARD_TSN:
          if (this.forwardTsnOk) {
            this.onForwardTsn(p, r.valueStart, r.valueEnd);
            immediate = true;
            break;
          }
          // Not negotiated: an unknown chunk (RFC 3758 §3.6).
          if (this.unknownChunk(p, unrecognized)) return this.afterData(hadData, immediate);
          break;
        default:
          if (this.unknownChunk(p, unrecognized)) return this.afterData(hadData, immediate);
      }
      if (this.state === 'CLOSED') return;
    } while (r.next());
    this.reportUnrecognized(unrecognized);
    this.afterData(hadData, immediate);
  }

  /** Unknown chunk type (§3.2 two-bit rule); returns true when processing must stop. */
  private unknownChunk(p: Uint8Array, unrecognized: ErrorCause[]): boolean {
    const r = this.reader;
    const action = unknownChunkAction(r.type);
    if (action.report) unrecognized.push({ code: CauseCode.UNRECOGNIZED_CHUNK, info: p.slice(r.start, r.valueEnd) });
    if (!action.stop) return false;
    this.drop('sctp_unknown_chunk');
    this.reportUnrecognized(unrecognized);
    return true;
  }

  private reportUnrecognized(causes: ErrorCause[]): void {
    if (causes.length > 0 && this.peerTag !== 0) this.pendingControl.push(encodeError(causes));
  }

  private onInit(init: InitChunk): void {
    // §5.2.1 / §5.2.2: INIT for an existing association or during setup.
    // Reply INIT ACK with our tag during setup, with a new tag otherwise (restart via the protocol).
    const restart = this.state !== 'COOKIE-WAIT' && this.state !== 'COOKIE-ECHOED';
    if (this.state === 'SHUTDOWN-ACK-SENT') {
      this.sendControl(this.peerTag, encodeEmpty(ChunkType.SHUTDOWN_ACK));
      return;
    }
    const localTag = restart ? this.endpoint.newTag() : this.localTag;
    const cookie = this.endpoint.sealCookie(
      {
        created: this.now(),
        lifespan: this.opts.cookieLifetime,
        localTag,
        peerTag: init.initiateTag,
        localInitialTsn: restart ? this.ctx.random.uint32() : this.initialTsn,
        peerInitialTsn: init.initialTsn,
        peerArwnd: init.arwnd,
        outboundStreams: Math.min(this.opts.outboundStreams, init.maxInboundStreams),
        inboundStreams: Math.min(this.opts.maxInboundStreams, init.outboundStreams),
        forwardTsn: this.opts.partialReliability && init.forwardTsn,
        peerPort: this.init.remotePort,
        localPort: this.init.localPort,
        localTieTag: restart ? this.localTag : 0,
        peerTieTag: restart ? this.peerTag : 0,
      },
      this.ctx.peer,
    );
    const ack = encodeInit(
      {
        initiateTag: localTag,
        arwnd: this.opts.receiveWindow,
        outboundStreams: this.opts.outboundStreams,
        maxInboundStreams: this.opts.maxInboundStreams,
        initialTsn: this.initialTsn,
        forwardTsn: this.opts.partialReliability,
        cookie,
        unrecognized: init.unrecognized,
      },
      true,
    );
    this.sendControl(init.initiateTag, ack);
  }

  private onInitAck(a: InitChunk): void {
    if (this.state !== 'COOKIE-WAIT') return void this.drop('sctp_unexpected_init_ack');
    if (a.hostName) {
      this.sendControl(a.initiateTag, encodeAbort(false, [{ code: CauseCode.UNRESOLVABLE_ADDRESS }]));
      return this.finish(new SctpProtocolViolationError('peer sent a Host Name Address parameter'));
    }
    this.t1.cancel();
    this.peerTag = a.initiateTag;
    this.peerInitialTsn = a.initialTsn;
    this.peerArwnd = a.arwnd;
    this.outStreams = Math.min(this.opts.outboundStreams, a.maxInboundStreams);
    this.inStreams = Math.min(this.opts.maxInboundStreams, a.outboundStreams);
    this.forwardTsnOk = this.opts.partialReliability && a.forwardTsn;
    this.cookieEcho = encodeChunk(ChunkType.COOKIE_ECHO, 0, a.cookie as Uint8Array);
    this.state = 'COOKIE-ECHOED';
    this.trace('COOKIE-ECHOED');
    this.sendControl(this.peerTag, this.cookieEcho);
    this.t1.arm(this.now() + this.rto.rto);
  }

  private onCookieEcho(cookie: Uint8Array): void {
    const res = this.endpoint.openCookie(cookie, this.ctx.peer);
    if (!res.ok) return void this.drop(`sctp_cookie_${res.reason}`);
    const s = res.state;
    if (s.localTag !== this.localTag) return void this.drop('sctp_cookie_mismatch');
    if (this.state === 'COOKIE-WAIT' || this.state === 'COOKIE-ECHOED') {
      // §5.2.4 setup collision: the peer echoed the cookie of our INIT ACK.
      this.t1.cancel();
      this.peerTag = s.peerTag;
      this.establish(s.peerInitialTsn, s.peerArwnd, s.outboundStreams, s.inboundStreams, s.forwardTsn);
    } else if (s.peerTag !== this.peerTag) {
      return void this.drop('sctp_cookie_mismatch');
    }
    // §5.2.4 action D (and the normal server path): answer COOKIE ACK.
    this.pendingControl.push(encodeEmpty(ChunkType.COOKIE_ACK));
    this.markOpened();
  }

  private onCookieAck(): void {
    if (this.state !== 'COOKIE-ECHOED') return;
    this.t1.cancel();
    this.cookieEcho = null;
    this.establish(this.peerInitialTsn, this.peerArwnd, this.outStreams, this.inStreams, this.forwardTsnOk);
    this.markOpened();
  }

  private onError(causes: { code: number; info: Uint8Array }[]): void {
    for (const c of causes) {
      if (c.code === CauseCode.STALE_COOKIE && this.state === 'COOKIE-ECHOED') {
        // §5.2.6: start over with a fresh INIT.
        this.t1.cancel();
        this.state = 'CLOSED';
        this.peerTag = 0;
        this.initRetries++;
        if (this.initRetries > this.opts.maxInitRetransmits) {
          return this.finish(new SctpPeerUnreachableError('stale cookies until Max.Init.Retransmits'));
        }
        this.start();
        return;
      }
    }
    this.ctx.emitEvent('sctp-error', causes.map((c) => c.code));
  }

  private onAbort(causes: number[]): void {
    this.finish(new SctpAbortedError(causes));
  }

  /** The peer restarted the association (RFC 9260 §5.2.4 action A): this instance ends, a new one takes over. */
  peerRestarted(): void {
    this.finish(new SctpPeerRestartedError());
  }

  // ---------------------------------------------------------------- data in

  /** Process one DATA chunk; returns true when a SACK should go out at once. */
  private onData(p: Uint8Array, start: number, end: number, flags: number): boolean {
    const map = this.tsnMap as TsnMap;
    const inb = this.inb as Inbound;
    if (this.state === 'SHUTDOWN-RECEIVED' || this.state === 'SHUTDOWN-ACK-SENT') {
      this.drop('sctp_data_after_shutdown');
      return true;
    }
    let c;
    try {
      c = decodeData(p, start, end);
    } catch (err) {
      if (err instanceof SctpDecodeError && err.code === 'ERR_SCTP_NO_USER_DATA') {
        this.abortWith(CauseCode.NO_USER_DATA, new SctpProtocolViolationError('DATA chunk without user data'), u32(p, start + 4));
      }
      throw err;
    }
    this.counters.dataBytesReceived += c.data.length;
    if (c.stream >= this.inStreams) {
      // §6.5: acknowledge the TSN, drop the chunk, report Invalid Stream Identifier.
      const info = new Uint8Array(4);
      w16(info, 0, c.stream);
      this.pendingControl.push(encodeError([{ code: CauseCode.INVALID_STREAM, info }]));
      map.offer(c.tsn);
      this.drop('sctp_invalid_stream');
      return true;
    }
    const isNewHigh = tsnLt(map.highest, c.tsn);
    if (!map.has(c.tsn) && isNewHigh && inb.bufferedBytes + c.data.length > this.opts.receiveWindow) {
      this.drop('sctp_rwnd_full');
      return true;
    }
    const o = map.offer(c.tsn);
    if (o === TsnOffer.Beyond) {
      this.drop('sctp_tsn_beyond_window');
      return true;
    }
    if (o === TsnOffer.Duplicate) return true;
    if (!inb.receive(c)) {
      this.abortWith(CauseCode.PROTOCOL_VIOLATION, new SctpProtocolViolationError('message larger than maxMessageSize'));
      return false;
    }
    return map.hasGaps || !isNewHigh || (flags & FLAG_I) !== 0;
  }

  private afterData(hadData: boolean, immediate: boolean): void {
    if (this.state === 'CLOSED') return;
    if (this.inb !== null) this.inb.flush();
    if (immediate) this.sackNeeded = true;
    if (!hadData) return;
    this.dataPacketsUnacked++;
    if (this.state === 'SHUTDOWN-SENT') {
      // §9.2: answer each DATA packet with SHUTDOWN (it carries the cum TSN) and restart T2.
      this.pendingControl.push(encodeShutdown((this.tsnMap as TsnMap).cumTsn));
      this.t2.arm(this.now() + this.rto.rto);
      return;
    }
    if (this.dataPacketsUnacked >= 2 || this.opts.sackDelay === 0) this.sackNeeded = true;
    else if (!this.sackTimer.armed) this.sackTimer.arm(this.now() + this.opts.sackDelay);
  }

  private onForwardTsn(p: Uint8Array, start: number, end: number): void {
    const f = decodeForwardTsn(p, start, end);
    const map = this.tsnMap;
    if (map === null) return;
    this.counters.forwardTsnReceived++;
    if (tsnLe(f.newCumTsn, map.cumTsn)) return;
    map.forwardTo(f.newCumTsn);
    (this.inb as Inbound).skip(f.newCumTsn, f.streams);
  }

  private buildSack(): Uint8Array {
    const map = this.tsnMap as TsnMap;
    const rwnd = Math.max(0, this.opts.receiveWindow - (this.inb as Inbound).bufferedBytes);
    this.lastAdvertisedRwnd = rwnd;
    const sack = encodeSack(map.cumTsn, rwnd, map.hasGaps ? map.gaps(MAX_GAP_BLOCKS) : [], map.duplicates);
    map.duplicates.length = 0;
    this.sackNeeded = false;
    this.dataPacketsUnacked = 0;
    this.sackTimer.cancel();
    this.counters.sacksSent++;
    return sack;
  }

  private onSackTimer(): void {
    if (this.tsnMap === null || this.state === 'CLOSED') return;
    this.sackNeeded = true;
    this.flush();
  }

  /** The application consumed data: resume delivery and re-open the window. */
  resume(): void {
    const inb = this.inb;
    if (inb === null || this.state === 'CLOSED') return;
    inb.blocked = false;
    inb.flush();
    if (this.lastAdvertisedRwnd < this.opts.receiveWindow / 2 && !inb.blocked) {
      this.sackNeeded = true;
      this.flush();
    }
  }

  // --------------------------------------------------------------- data out

  private onSack(p: Uint8Array, start: number, end: number): void {
    const out = this.out;
    const cc = this.cc as CongestionController;
    if (out === null) return;
    const s = decodeSack(p, start, end);
    this.counters.sacksReceived++;
    const now = this.now();
    const o = out.onSack(s, now);
    if (o.stale) return;
    if (o.invalid) {
      return this.abortWith(CauseCode.PROTOCOL_VIOLATION, new SctpProtocolViolationError('SACK acknowledges a TSN never sent'));
    }
    if (o.rttSample >= 0) this.rto.sample(o.rttSample);
    // §8.3: the peer is alive: clear the error counter (progress over abandoned chunks counts too).
    if (o.ackedBytes > 0 || o.cumAdvanced) this.errorCount = 0;
    cc.onAckBegin(now);
    for (const c of o.acked) cc.onPacketAcked({ bytes: c.size, sentAt: c.sentAt });
    if (out.recoverTsn !== null && tsnLe(out.recoverTsn, out.cumAck)) {
      out.recoverTsn = null;
      cc.onRecoveryEnd?.(now);
    }
    if (o.fastRetransmits > 0) {
      this.counters.fastRetransmits += o.fastRetransmits;
      this.fastRtxPending = true;
      if (out.recoverTsn === null) {
        // §7.2.4: enter Fast Recovery, one window reduction per recovery.
        out.recoverTsn = tsnAdd(out.nextTsn, -1);
        cc.onCongestionEvent({
          now,
          cause: 'loss',
          lostBytes: o.lostBytes,
          bytesInFlight: o.priorInFlight,
          largestLostSentAt: o.largestLostSentAt,
          persistent: false,
        });
      }
    }
    cc.onAckEnd({
      now,
      ackedBytes: o.cumAdvanced ? o.ackedBytes : 0,
      priorBytesInFlight: o.priorInFlight,
      bytesInFlight: out.bytesInFlight,
      rttSample: o.rttSample >= 0 ? o.rttSample : undefined,
      appLimited: !out.hasDataToSend,
      inRecovery: out.recoverTsn !== null,
    });
    // RFC 3758 §3.5: a SACK that stays below the Advanced.Peer.Ack.Point means the FORWARD TSN was lost.
    if (out.forwardTsnPending && !o.cumAdvanced) out.forwardTsnDue = true;
    // §6.3.2 R2/R3: restart T3 when the cum ack advanced, stop it when nothing is outstanding.
    if (!out.needsT3) this.t3.cancel();
    else if (o.cumAdvanced) this.t3.arm(now + this.rto.rto);
    this.checkWritable();
    this.maybeShutdown();
  }

  private onT3(): void {
    const out = this.out;
    if (out === null || this.state === 'CLOSED') return;
    const now = this.now();
    this.counters.t3Expirations++;
    if (this.countError()) return;
    this.rto.backoff();
    (this.cc as CongestionController).onRetransmissionTimeout({ now, bytesInFlight: out.bytesInFlight });
    out.onT3(now);
    if (out.forwardTsnPending) out.forwardTsnDue = true;
    this.flush();
    if (out.needsT3) this.t3.arm(this.now() + this.rto.rto);
    this.checkWritable();
    this.maybeShutdown();
  }

  /** Count one timeout toward Association.Max.Retrans; true when the association failed. */
  private countError(): boolean {
    this.errorCount++;
    const limit = Math.min(this.opts.associationMaxRetrans, this.opts.pathMaxRetrans);
    if (this.errorCount > limit) {
      // §8.1: stop and close; the ABORT (no cause) only helps if the peer is in fact still there.
      this.abortWith(0, new SctpPeerUnreachableError(`peer unreachable after ${limit} retransmissions`));
      return true;
    }
    return false;
  }

  private checkWritable(): void {
    if (this.wantWritable && this.bufferedAmount <= this.opts.sendBufferSize / 2) {
      this.wantWritable = false;
      this.ctx.writable();
    }
  }

  /** Send everything allowed now: control chunks, SACK, FORWARD TSN, then DATA within cwnd and rwnd. */
  private flush(): void {
    if (this.state === 'CLOSED') return;
    const w = this.writer;
    const out = this.out;
    const now = this.now();
    let open = false;
    const begin = (): void => {
      w.begin(this.init.localPort, this.init.remotePort, this.peerTag);
      open = true;
    };
    const send = (dataBytes: number, flightBefore: number, rtx: boolean): void => {
      this.ctx.sendDown([w.finish()]);
      this.counters.packetsSent++;
      open = false;
      if (dataBytes > 0 && this.cc !== null) {
        this.cc.onPacketSent({ now, bytes: dataBytes, bytesInFlight: flightBefore, retransmission: rtx, appLimited: !(out as Outbound).hasDataToSend });
      }
    };
    for (const c of this.pendingControl) {
      if (open && w.free < pad4(c.length)) send(0, 0, false);
      if (!open) begin();
      if (w.free < pad4(c.length)) continue; // cannot fit even alone: dropped
      w.put(c);
    }
    this.pendingControl.length = 0;
    if (this.sackNeeded && this.tsnMap !== null) {
      const sack = this.buildSack();
      if (open && w.free < pad4(sack.length)) send(0, 0, false);
      if (!open) begin();
      w.put(sack);
    }
    if (out !== null && out.forwardTsnDue && this.forwardTsnOk) {
      const f = out.forwardTsn();
      const chunk = encodeForwardTsn(f.newCumTsn, f.streams);
      if (open && w.free < pad4(chunk.length)) send(0, 0, false);
      if (!open) begin();
      w.put(chunk);
      out.forwardTsnDue = false;
      this.counters.forwardTsnSent++;
      if (!this.t3.armed) this.t3.arm(now + this.rto.rto);
    }
    const dataOk =
      out !== null && (this.state === 'ESTABLISHED' || this.state === 'SHUTDOWN-PENDING' || this.state === 'SHUTDOWN-RECEIVED');
    if (dataOk) {
      const cc = this.cc as CongestionController;
      let packets = 0;
      let dataBytes = 0;
      let flightBefore = out.bytesInFlight;
      let rtx = false;
      let ignoreCwnd = this.fastRtxPending;
      this.fastRtxPending = false;
      for (;;) {
        const size = out.peekSize(this.maxData, now);
        if (size === 0) break;
        const isRtx = out.hasRetransmissions;
        if (dataBytes === 0) {
          // Gates checked per packet: cwnd (§7.2.1 rule), peer rwnd (§6.1 A/B, one probe when nothing is in flight), Max.Burst.
          if (!ignoreCwnd && !cc.canSend(out.bytesInFlight)) break;
          if (!isRtx && out.bytesInFlight > 0 && size > out.peerRwnd) break;
          if (packets >= this.opts.maxBurst) break;
        } else if (!isRtx && size > out.peerRwnd) break;
        if (open && w.free < pad4(size)) {
          send(dataBytes, flightBefore, rtx);
          packets++;
          ignoreCwnd = false;
          dataBytes = 0;
          rtx = false;
          flightBefore = out.bytesInFlight;
          continue;
        }
        if (!open) begin();
        const c = out.take(this.maxData, now);
        if (c.transmissions > 1) rtx = true;
        else out.peerRwnd = Math.max(0, out.peerRwnd - c.size);
        writeData(w, c.flags, c.tsn, c.msg.stream, c.msg.ssn, c.msg.ppid, c.data);
        dataBytes += c.size;
        this.counters.dataBytesSent += c.data.length;
      }
      if (open) send(dataBytes, flightBefore, rtx);
      if (out.bytesInFlight > 0 && !this.t3.armed) this.t3.arm(now + this.rto.rto);
    } else if (open) {
      send(0, 0, false);
    }
  }

  /** Queue one message on stream 0, PPID 0 (the Duplex interface); larger writes are split at `maxMessageSize`. */
  write(data: Uint8Array): boolean {
    let ok = true;
    for (let off = 0; off < data.length; off += this.opts.maxMessageSize) {
      ok = this.sendMessage(data.subarray(off, Math.min(data.length, off + this.opts.maxMessageSize)), {});
    }
    return ok && this.bufferedAmount < this.opts.sendBufferSize;
  }

  /**
   * Send one message (RFC 9260 §6.1 / RFC 3758 §3.5 A for `maxRetransmits` / `lifetime`).
   * @throws StateError after `end()` / SHUTDOWN / close; PayloadTooLargeError above `maxMessageSize`;
   *   SctpInvalidStreamError for a stream beyond the negotiated count; ToukitError `ERR_SCTP_EMPTY_MESSAGE`
   */
  sendMessage(data: Uint8Array, options: SendOptions): boolean {
    if (this.closedOnce) throw new StateError('ERR_SCTP_CLOSED', 'association is closed');
    if (this.endRequested || (this.state !== 'ESTABLISHED' && this.state !== 'COOKIE-WAIT' && this.state !== 'COOKIE-ECHOED' && this.state !== 'CLOSED')) {
      throw new StateError('ERR_SCTP_SHUTDOWN', `cannot send in state ${this.state}`);
    }
    if (data.length === 0) throw new ToukitError('ERR_SCTP_EMPTY_MESSAGE', 'SCTP cannot send an empty message');
    if (data.length > this.opts.maxMessageSize) throw new PayloadTooLargeError(data.length, this.opts.maxMessageSize);
    const stream = options.stream ?? 0;
    if (stream < 0 || stream >= this.outStreams) throw new SctpInvalidStreamError(stream, this.outStreams);
    const m: OutMessage = {
      stream,
      ppid: (options.ppid ?? 0) >>> 0,
      unordered: options.unordered === true,
      data,
      maxRetransmits: this.forwardTsnOk || this.out === null ? (options.maxRetransmits ?? -1) : -1,
      expiresAt: options.lifetime !== undefined ? this.now() + options.lifetime : Infinity,
      ssn: 0,
      offset: 0,
      abandoned: false,
    };
    if (this.out === null) {
      this.preOpen.push(m);
      this.preOpenBytes += data.length;
    } else {
      this.enqueueChecked(m);
      this.flush();
    }
    const ok = this.bufferedAmount < this.opts.sendBufferSize;
    if (!ok) this.wantWritable = true;
    return ok;
  }

  private enqueueChecked(m: OutMessage): void {
    const out = this.out as Outbound;
    if (m.stream >= out.outboundStreams) return void this.drop('sctp_stream_not_negotiated');
    if (!this.forwardTsnOk && (m.maxRetransmits >= 0 || m.expiresAt !== Infinity)) {
      // PR-SCTP not negotiated: send reliably (RFC 3758 §3.3).
      out.enqueue({ ...m, maxRetransmits: -1, expiresAt: Infinity });
      return;
    }
    out.enqueue(m);
  }

  // --------------------------------------------------------- shutdown/abort

  /** Graceful shutdown (RFC 9260 §9.2): SHUTDOWN once all data is acknowledged. */
  end(): void {
    this.endRequested = true;
    if (!this.isOpened) return;
    if (this.state === 'ESTABLISHED') {
      this.state = 'SHUTDOWN-PENDING';
      this.trace('SHUTDOWN-PENDING');
    }
    this.maybeShutdown();
  }

  private maybeShutdown(): void {
    const out = this.out;
    if (out === null || !out.idle) return;
    if (this.state === 'SHUTDOWN-PENDING') {
      this.state = 'SHUTDOWN-SENT';
      this.trace('SHUTDOWN-SENT');
      this.t3.cancel();
      this.sendShutdown();
    } else if (this.state === 'SHUTDOWN-RECEIVED') {
      this.state = 'SHUTDOWN-ACK-SENT';
      this.trace('SHUTDOWN-ACK-SENT');
      this.t3.cancel();
      this.sendControl(this.peerTag, encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.t2.arm(this.now() + this.rto.rto);
    }
  }

  private sendShutdown(): void {
    this.sendControl(this.peerTag, encodeShutdown((this.tsnMap as TsnMap).cumTsn));
    this.t2.arm(this.now() + this.rto.rto);
  }

  private onShutdown(cumTsnAck: number): void {
    const out = this.out;
    if (out === null) return;
    // The SHUTDOWN's cumulative TSN ack acts like a SACK without gaps (§9.2).
    if (tsnLt(out.cumAck, cumTsnAck) && tsnLt(cumTsnAck, out.nextTsn)) {
      this.onSackValues(cumTsnAck);
    }
    if (this.state === 'ESTABLISHED' || this.state === 'SHUTDOWN-PENDING') {
      this.state = 'SHUTDOWN-RECEIVED';
      this.trace('SHUTDOWN-RECEIVED');
      this.signalRemoteEnded();
      this.maybeShutdown();
    } else if (this.state === 'SHUTDOWN-SENT') {
      // §9.2: SHUTDOWN crossing ours: answer SHUTDOWN ACK.
      this.signalRemoteEnded();
      this.state = 'SHUTDOWN-ACK-SENT';
      this.trace('SHUTDOWN-ACK-SENT');
      this.sendControl(this.peerTag, encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.t2.arm(this.now() + this.rto.rto);
    }
  }

  private onSackValues(cumTsnAck: number): void {
    const sack = encodeSack(cumTsnAck, (this.out as Outbound).peerRwnd + (this.out as Outbound).bytesInFlight, [], []);
    this.onSack(sack, 4, sack.length);
  }

  private onShutdownAck(): void {
    if (this.state === 'SHUTDOWN-SENT' || this.state === 'SHUTDOWN-ACK-SENT') {
      this.sendControl(this.peerTag, encodeEmpty(ChunkType.SHUTDOWN_COMPLETE));
      this.signalRemoteEnded();
      this.finish();
    } else if (this.state === 'COOKIE-WAIT' || this.state === 'COOKIE-ECHOED') {
      // §8.4 rule 5 / §9.2: treat as out of the blue.
      this.sendControl(this.peerTag || 0, encodeEmpty(ChunkType.SHUTDOWN_COMPLETE, FLAG_T));
    }
  }

  private onT2(): void {
    if (this.countError()) return;
    this.rto.backoff();
    if (this.state === 'SHUTDOWN-SENT') this.sendShutdown();
    else if (this.state === 'SHUTDOWN-ACK-SENT') {
      this.sendControl(this.peerTag, encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.t2.arm(this.now() + this.rto.rto);
    }
  }

  private signalRemoteEnded(): void {
    if (this.remoteEndedSent) return;
    this.remoteEndedSent = true;
    if (this.inb !== null) this.inb.flush();
    this.ctx.remoteEnded();
  }

  /** Abort (RFC 9260 §9.1): send ABORT with User-Initiated Abort and close. */
  abort(): void {
    if (this.closedOnce) return;
    const tag = this.peerTag;
    if (tag !== 0) this.sendControl(tag, encodeAbort(false, [{ code: CauseCode.USER_INITIATED_ABORT }]));
    this.finish();
  }

  private abortWith(code: number, err: Error, tsn?: number): void {
    const info = tsn !== undefined ? new Uint8Array(4) : undefined;
    if (info !== undefined && tsn !== undefined) w32(info, 0, tsn);
    if (this.peerTag !== 0) this.sendControl(this.peerTag, encodeAbort(false, code === 0 ? [] : [{ code, info }]));
    this.finish(err);
  }

  private finish(err?: Error): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.state = 'CLOSED';
    this.trace('CLOSED');
    this.cancelTimers();
    this.endpoint.unregister(this);
    this.ctx.closed(err);
  }

  /** Release timers without sending anything. */
  dispose(): void {
    this.closedOnce = true;
    this.state = 'CLOSED';
    this.cancelTimers();
    this.endpoint.unregister(this);
  }

  private cancelTimers(): void {
    this.t1.cancel();
    this.t2.cancel();
    this.t3.cancel();
    this.sackTimer.cancel();
    this.hbTimer.cancel();
  }

  // ---------------------------------------------------------- timers, misc

  private onT1(): void {
    if (this.state !== 'COOKIE-WAIT' && this.state !== 'COOKIE-ECHOED') return;
    this.initRetries++;
    if (this.initRetries > this.opts.maxInitRetransmits) {
      return this.finish(new SctpPeerUnreachableError(`no answer after ${this.opts.maxInitRetransmits} INIT / COOKIE ECHO retransmissions`));
    }
    this.rto.backoff();
    if (this.state === 'COOKIE-WAIT') this.sendControl(0, this.initChunk as Uint8Array);
    else this.sendControl(this.peerTag, this.cookieEcho as Uint8Array);
    this.t1.arm(this.now() + this.rto.rto);
  }

  private armHeartbeat(): void {
    if (this.opts.heartbeatInterval <= 0) return;
    // §8.3: RTO + HB.interval with jitter of ±50 % of the RTO.
    this.hbTimer.arm(this.now() + this.opts.heartbeatInterval + this.rto.rto * (0.5 + this.ctx.random.float()));
  }

  private onHeartbeatTimer(): void {
    if (this.state === 'CLOSED' || this.out === null) return;
    if (this.hbOutstanding) {
      this.hbOutstanding = false;
      if (this.countError()) return;
      this.rto.backoff();
    }
    if (this.out.outstanding === 0) {
      const info = new Uint8Array(16);
      new DataView(info.buffer).setFloat64(0, this.now());
      this.hbNonce = this.ctx.random.uint32();
      w32(info, 8, this.hbNonce);
      this.hbOutstanding = true;
      this.counters.heartbeatsSent++;
      this.sendControl(this.peerTag, encodeHeartbeat(info));
    }
    this.armHeartbeat();
  }

  private onHeartbeatAck(info: Uint8Array): void {
    if (!this.hbOutstanding || info.length !== 16 || u32(info, 8) !== this.hbNonce) return void this.drop('sctp_bad_heartbeat_ack');
    this.hbOutstanding = false;
    this.errorCount = 0;
    const sent = new DataView(info.buffer, info.byteOffset, 16).getFloat64(0);
    this.rto.sample(this.now() - sent);
  }

  private sendControl(vtag: number, chunk: Uint8Array): void {
    this.ctx.sendDown([buildPacket(this.init.localPort, this.init.remotePort, vtag, [chunk])]);
    this.counters.packetsSent++;
  }

  private drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.ctx.drop(reason);
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  private trace(state: AssociationState): void {
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('connection_state_updated', { new: state, transport: 'sctp' });
  }

  /** JSON-serialisable statistics (bytes and ms). */
  stats(): Record<string, unknown> {
    const out = this.out;
    const cc = this.cc;
    const outStreams: { stream: number; messages: number; bytes: number }[] = [];
    if (out !== null) {
      for (let i = 0; i < out.outboundStreams; i++) {
        if (out.streamMessages[i] > 0) outStreams.push({ stream: i, messages: out.streamMessages[i], bytes: out.streamBytes[i] });
      }
    }
    return {
      state: this.state,
      localTag: this.localTag,
      peerTag: this.peerTag,
      outboundStreams: this.outStreams,
      inboundStreams: this.inStreams,
      partialReliability: this.forwardTsnOk,
      cwnd: cc?.cwnd ?? 0,
      ssthresh: cc?.ssthresh ?? 0,
      srtt: this.rto.smoothed,
      rttvar: this.rto.variance,
      rto: this.rto.rto,
      bytesInFlight: out?.bytesInFlight ?? 0,
      peerRwnd: out?.peerRwnd ?? this.peerArwnd,
      rwnd: this.inb !== null ? Math.max(0, this.opts.receiveWindow - this.inb.bufferedBytes) : this.opts.receiveWindow,
      bufferedAmount: this.bufferedAmount,
      retransmissions: out?.retransmissions ?? 0,
      abandonedMessages: out?.abandonedMessages ?? 0,
      ...this.counters,
      streams: { out: outStreams, in: this.inb?.streamStats() ?? [] },
      drops: { ...this.drops },
    };
  }
}
