/**
 * One SCTP association (RFC 9260): the state machine of §4 — setup (§5),
 * shutdown and abort (§9), liveness (§8) — dispatching received chunks
 * to its {@link Receiver} and {@link Sender} and bundling what goes out
 * with a {@link Packetizer}. Sans-IO: it talks to the world only through
 * its `TransportContext`.
 *
 * @module
 */
import type { MessageInfo, SendOptions, SessionInit, TransportContext, TransportSession } from '../../../core/contracts/transport.js';
import { PayloadTooLargeError, StateError, ToukitError, dropReasonOf } from '../../../core/errors.js';
import type { Timer } from '../../../core/time/clock.js';
import { w32 } from './bytes.js';
import { Heartbeat } from './heartbeat.js';
import { COMMON_HEADER_SIZE, DATA_HEADER_SIZE, I_DATA_HEADER_SIZE } from './chunk-types.js';
import { encodeAbort, type ErrorCause } from './chunks/control.js';
import type { CookieState } from './cookie.js';
import { SctpInvalidStreamError, SctpPeerRestartedError, SctpPeerUnreachableError, SctpProtocolViolationError } from './errors.js';
import type { SctpOptions } from './options.js';
import type { OutMessage } from './outbound.js';
import { ChunkReader, buildPacket } from './packet.js';
import { Packetizer, type PacketSentListener } from './packetizer.js';
import { receivePacket } from './receive.js';
import { StreamReset, streamResetHost } from './reconfig.js';
import { CauseCode } from './params.js';
import { Receiver, type ReceiverHost } from './receiver.js';
import { RtoEstimator } from './rto.js';
import { Setup, type Negotiated } from './setup.js';
import { Shutdown } from './shutdown.js';
import { Sender, type SenderHost } from './sender.js';
import type { AssociationState, SctpEndpoint } from './state.js';
import { associationStats } from './stats.js';

/** How the association starts: client (sends INIT) or server (from a validated cookie). */
export interface AssociationSetup {
  /** Own verification tag (Initiate Tag). */
  readonly localTag: number;
  /** Own Initial TSN. */
  readonly initialTsn: number;
  /** For a server: the cookie contents that created it. */
  readonly cookie?: CookieState;
}

/** An SCTP association: a {@link TransportSession} for the `sctp` transport. */
export class SctpAssociation implements TransportSession, ReceiverHost, SenderHost, PacketSentListener {
  /** Association state (RFC 9260 §4). */
  state: AssociationState = 'CLOSED';
  /** Own verification tag: peers put it in every packet (the demux key). */
  readonly localTag: number;
  /** The peer's verification tag (0 until known). */
  peerTag = 0;
  /** @internal Receive side (after setup). */
  rx: Receiver | null = null;
  /** @internal Send side (after setup). */
  tx: Sender | null = null;
  /** @internal RTT estimator and RTO of the (single) path. */
  readonly rto: RtoEstimator;
  /** Negotiated outbound streams. */
  outStreams: number;
  /** Negotiated inbound streams. */
  inStreams: number;
  /** PR-SCTP negotiated. */
  forwardTsnOk = false;
  /** I-DATA negotiated (RFC 8260). */
  iDataOk = false;
  /** @internal Stream reconfiguration (RFC 6525), when both sides offered it. */
  reconfig: StreamReset | null = null;
  /** Drops by reason. */
  readonly drops: Record<string, number> = {};
  /** Packets received. */
  packetsReceived = 0;
  private readonly initialTsn: number;
  private peerArwnd = 0;
  /** @internal Cursor over the chunks of the packet being received. */
  readonly reader = new ChunkReader();
  private readonly pk: Packetizer;
  private readonly mtu: number;
  private readonly preOpen: OutMessage[] = [];
  private preOpenBytes = 0;
  /** @internal Association setup (§5.1, §5.2). */
  readonly setup: Setup;
  /** @internal Graceful shutdown (§9.2). */
  readonly shutdown: Shutdown;
  /** @internal Heartbeats (§8.3). */
  readonly heartbeat: Heartbeat;
  private errorCount = 0;
  private isOpened = false;
  /** @internal The association reached CLOSED (it handles nothing more). */
  closedOnce = false;
  private remoteEndedSent = false;
  private wantWritable = false;
  private readonly pendingControl: Uint8Array[] = [];
  /** @internal Scratch list of unrecognized-chunk causes of the packet being read (reused, no allocation per packet). */
  readonly unrecognized: ErrorCause[] = [];

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
    this.mtu = Math.max(COMMON_HEADER_SIZE + I_DATA_HEADER_SIZE + 4, ctx.maxDatagramSize);
    this.pk = new Packetizer(this.mtu, init.localPort, init.remotePort, (parts) => this.emit(parts), this);
    this.rto = new RtoEstimator(opts.rtoInitial, opts.rtoMin, opts.rtoMax);
    this.shutdown = new Shutdown(
      this.rto,
      {
        state: () => this.state,
        setState: (st) => this.setState(st),
        sender: () => this.tx,
        receiver: () => this.rx,
        resetPending: () => this.reconfig !== null && this.reconfig.busy,
        send: (chunk) => this.sendControl(this.peerTag, chunk),
        queue: (chunk) => this.pendingControl.push(chunk),
        timeout: () => this.timeout(),
        remoteEnded: () => this.signalRemoteEnded(),
        close: () => this.finish(),
        now: () => this.now(),
      },
      (cb) => ctx.timers.createTimer(cb),
    );
    this.heartbeat = new Heartbeat(
      opts.heartbeatInterval,
      this.rto,
      ctx.random,
      {
        now: () => this.now(),
        timeout: () => this.timeout(),
        progress: () => this.progress(),
        idle: () => this.tx !== null && this.tx.out.outstanding === 0,
        send: (chunk) => this.sendControl(this.peerTag, chunk),
        drop: (reason) => this.drop(reason),
      },
      (cb) => ctx.timers.createTimer(cb),
    );
    this.setup = new Setup(
      opts,
      this.localTag,
      this.initialTsn,
      { local: init.localPort, remote: init.remotePort },
      ctx.peer,
      endpoint,
      ctx.random,
      this.rto,
      {
        state: () => this.state,
        setState: (st) => this.setState(st),
        peerTag: () => this.peerTag,
        setPeerTag: (tag) => void (this.peerTag = tag),
        send: (vtag, chunk) => this.sendControl(vtag, chunk),
        queue: (chunk) => this.pendingControl.push(chunk),
        establish: (n) => this.establish(n),
        opened: () => this.markOpened(),
        fail: (err) => this.finish(err),
        drop: (reason) => this.drop(reason),
        now: () => this.now(),
      },
      (cb) => ctx.timers.createTimer(cb),
      ctx.secured && opts.zeroChecksum,
    );
    const c = setup.cookie;
    if (c !== undefined) {
      this.establish({
        peerTag: c.peerTag,
        peerInitialTsn: c.peerInitialTsn,
        peerArwnd: c.peerArwnd,
        outStreams: c.outboundStreams,
        inStreams: c.inboundStreams,
        forwardTsn: c.forwardTsn,
        iData: c.iData,
        streamReset: c.streamReset,
        zeroChecksum: c.zeroChecksum,
      });
    }
  }

  /** The demux key: own verification tag. */
  get demuxKey(): number {
    return this.localTag;
  }

  /**
   * @internal A confidential, authenticated security layer protects the association and the
   * `zeroChecksum` option is on: zero checksums are announced and accepted (RFC 9653).
   */
  get secured(): boolean {
    return this.ctx.secured && this.opts.zeroChecksum;
  }

  /** Whether packets go out with a zero checksum (RFC 9653: the peer takes them under DTLS). */
  get zeroChecksum(): boolean {
    return this.pk.zeroChecksum;
  }

  /** Bytes accepted and not yet acknowledged. */
  get bufferedAmount(): number {
    return (this.tx !== null ? this.tx.out.bufferedAmount : this.preOpenBytes) + (this.reconfig?.heldBytes ?? 0);
  }

  /**
   * Bytes accepted and not yet sent once: what `sendBufferSize` bounds. Data in
   * flight is held until acknowledged on top of it, so a full window of data in
   * flight never leaves the sender without queued data to follow it.
   */
  get unsentAmount(): number {
    return (this.tx !== null ? this.tx.out.unsentBytes : this.preOpenBytes) + (this.reconfig?.heldBytes ?? 0);
  }

  // ---------------------------------------------------------------- setup

  /** Client: send INIT (RFC 9260 §5.1 A) and enter COOKIE-WAIT. */
  start(): void {
    if (this.init.role !== 'client' || this.state !== 'CLOSED' || this.closedOnce) return;
    this.setup.start();
  }

  /** Build the data path once both sides agreed (COOKIE ACK, or a valid COOKIE ECHO). */
  private establish(n: Negotiated): void {
    const { peerInitialTsn: peerTsn, peerArwnd, outStreams, inStreams, forwardTsn: fwd, iData } = n;
    this.peerTag = n.peerTag;
    this.peerArwnd = peerArwnd;
    this.outStreams = outStreams;
    this.inStreams = inStreams;
    this.forwardTsnOk = fwd;
    this.iDataOk = iData;
    this.pk.tag = this.peerTag;
    // RFC 9653 §5.1: zero checksums once the peer announced it takes them under DTLS
    // (INIT and COOKIE ECHO go out through sendControl, always with a CRC32c).
    this.pk.zeroChecksum = n.zeroChecksum;
    const timer = (cb: () => void): Timer => this.ctx.timers.createTimer(cb);
    this.rx = new Receiver(peerTsn, inStreams, this.opts, this, timer);
    const mss = this.mtu - COMMON_HEADER_SIZE;
    const cc = this.ctx.createCongestionController(mss, this.rto, {
      // RFC 9260 §7.2.1: initial cwnd = min(4·MTU, max(2·MTU, 4380)).
      initialWindow: Math.min(4 * mss, Math.max(2 * mss, 4380)),
      // §7.2.3: ssthresh = max(cwnd/2, 4·MTU).
      minSsthresh: 4 * mss,
      // §7.2.3: cwnd = 1·MTU after T3-rtx.
      minCwnd: mss,
      growOnlyWhenCwndFull: true,
      maxBurst: this.opts.maxBurst,
    });
    // Largest user data per chunk: one chunk header short of a full packet (§6.9).
    const maxData = (this.mtu - COMMON_HEADER_SIZE - (iData ? I_DATA_HEADER_SIZE : DATA_HEADER_SIZE)) & ~3;
    this.tx = new Sender(this.initialTsn, outStreams, peerArwnd, fwd, iData, cc, this.rto, this.opts, maxData, this, timer);
    if (n.streamReset) {
      const host = streamResetHost(this, (name, args) => this.ctx.emitEvent(name, ...args));
      this.reconfig = new StreamReset(this.initialTsn, peerTsn, this.rto, host, timer);
    }
    for (const m of this.preOpen) this.queueMessage(m);
    this.preOpen.length = 0;
    this.preOpenBytes = 0;
    this.setState('ESTABLISHED');
    this.heartbeat.arm();
  }

  private markOpened(): void {
    if (this.isOpened) return;
    this.isOpened = true;
    this.ctx.opened();
    if (this.shutdown.requested) this.end();
  }

  // ------------------------------------------------------------ receiving

  /** Handle one incoming SCTP packet. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (this.closedOnce) return void this.drop('sctp_closed');
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('packet_received', { transport: 'sctp', length: payload.length, chunk: payload[12] });
    try {
      receivePacket(this, payload);
    } catch (err) {
      this.drop(dropReasonOf(err));
    }
    this.flush();
  }

  /** Hand a message to the application (false: stop until `resume()`). */
  deliver(data: Uint8Array, info: MessageInfo): boolean {
    return this.ctx.deliver(data, info);
  }

  /** Queue a control chunk for the next packet. */
  queueControl(chunk: Uint8Array): void {
    this.pendingControl.push(chunk);
  }

  /** The delayed-SACK timer fired: send the SACK now. */
  sackDue(): void {
    this.flush();
  }

  /** The application consumed data: resume delivery and re-open the window. */
  resume(): void {
    if (this.rx !== null && !this.closedOnce && this.rx.resume()) this.flush();
  }

  /** @internal An ERROR chunk: Stale Cookie goes to setup, anything else to the application as `sctp-error`. */
  onError(causes: { code: number; info: Uint8Array }[]): void {
    if (causes.some((c) => c.code === CauseCode.STALE_COOKIE) && this.setup.onStaleCookie()) return;
    this.ctx.emitEvent('sctp-error', causes.map((c) => c.code));
  }

  /** The peer restarted the association (RFC 9260 §5.2.4 action A): this instance ends, a new one takes over. */
  peerRestarted(): void {
    this.finish(new SctpPeerRestartedError());
  }

  // --------------------------------------------------------------- sending

  /** Send control chunks, SACK, FORWARD TSN and DATA allowed now. */
  flush(): void {
    if (this.closedOnce) return;
    const pk = this.pk;
    for (const c of this.pendingControl) pk.put(c);
    if (this.pendingControl.length !== 0) this.pendingControl.length = 0;
    const rx = this.rx;
    if (rx !== null && rx.sackNeeded) pk.put(rx.buildSack());
    const tx = this.tx;
    if (tx !== null) {
      const dataOk = this.state === 'ESTABLISHED' || this.state === 'SHUTDOWN-PENDING' || this.state === 'SHUTDOWN-RECEIVED';
      tx.fill(pk, this.now(), dataOk);
      const rc = this.reconfig;
      if (rc !== null && rc.busy) {
        // RFC 6525: a request waiting for its streams to drain goes out once they did (in this packet).
        rc.poll();
        for (const c of this.pendingControl) pk.put(c);
        this.pendingControl.length = 0;
      }
    }
    pk.send();
  }

  /** A packet carrying `dataBytes` of DATA chunks was sent with `flightBefore` bytes in flight: tell the congestion controller. */
  onDataPacketSent(dataBytes: number, flightBefore: number, retransmission: boolean): void {
    this.tx?.onDataPacketSent(dataBytes, flightBefore, retransmission);
  }

  /** Queue one message on stream 0, PPID 0 (the Duplex interface); larger writes are split at `maxMessageSize`. */
  write(data: Uint8Array): boolean {
    if (data.length !== 0 && data.length <= this.opts.maxMessageSize) {
      this.sendMessage(data, {});
      return this.unsentAmount < this.opts.sendBufferSize;
    }
    for (let off = 0; off < data.length; off += this.opts.maxMessageSize) {
      this.sendMessage(data.subarray(off, Math.min(data.length, off + this.opts.maxMessageSize)), {});
    }
    return this.unsentAmount < this.opts.sendBufferSize;
  }

  /**
   * Send one message (RFC 9260 §6.1 / RFC 3758 §3.5 A for `maxRetransmits` / `lifetime`).
   * The bytes are not copied: do not modify them afterwards.
   * @throws StateError after `end()` / SHUTDOWN / close; PayloadTooLargeError above `maxMessageSize`;
   *   SctpInvalidStreamError for a stream beyond the negotiated count; ToukitError `ERR_SCTP_EMPTY_MESSAGE`
   */
  sendMessage(data: Uint8Array, options: SendOptions): boolean {
    if (this.closedOnce) throw new StateError('ERR_SCTP_CLOSED', 'association is closed');
    const s = this.state;
    if (this.shutdown.requested || (s !== 'ESTABLISHED' && s !== 'COOKIE-WAIT' && s !== 'COOKIE-ECHOED' && s !== 'CLOSED')) {
      throw new StateError('ERR_SCTP_SHUTDOWN', `cannot send in state ${s}`);
    }
    if (data.length === 0) throw new ToukitError('ERR_SCTP_EMPTY_MESSAGE', 'SCTP cannot send an empty message');
    if (data.length > this.opts.maxMessageSize) throw new PayloadTooLargeError(data.length, this.opts.maxMessageSize);
    const stream = options.stream ?? 0;
    if (!(stream >= 0 && stream < this.outStreams)) throw new SctpInvalidStreamError(stream, this.outStreams);
    const m: OutMessage = {
      stream,
      ppid: (options.ppid ?? 0) >>> 0,
      unordered: options.unordered === true,
      data,
      maxRetransmits: options.maxRetransmits ?? -1,
      expiresAt: options.lifetime !== undefined ? this.now() + options.lifetime : Infinity,
      ssn: 0,
      offset: 0,
      abandoned: false,
    };
    if (this.tx === null) {
      this.preOpen.push(m);
      this.preOpenBytes += data.length;
    } else {
      this.queueMessage(m);
      this.flush();
    }
    const ok = this.unsentAmount < this.opts.sendBufferSize;
    if (!ok) this.wantWritable = true;
    return ok;
  }

  /** @internal Queue a message for sending (held instead while its stream is being reset, RFC 6525 §5.1.2). */
  queueMessage(m: OutMessage): void {
    const tx = this.tx as Sender;
    if (m.stream >= tx.out.outboundStreams) return void this.drop('sctp_stream_not_negotiated');
    if (this.reconfig !== null && this.reconfig.hold(m)) return;
    tx.enqueue(m);
  }

  /**
   * Reset outgoing streams (RFC 6525 §5.1.2): an Outgoing SSN Reset Request
   * for `streams` (all outgoing streams when empty). Messages sent on them
   * from now on wait until the peer answered; after "Success - Performed"
   * their SSNs restart at 0 on both sides. The outcome is the event
   * `sctp-stream-reset` with the streams and the RFC 6525 §4.4 result code
   * (1 performed, 2 denied, …).
   * @throws StateError `ERR_SCTP_RESET_NOT_NEGOTIATED` when either side did not offer RE-CONFIG (option `streamReset`),
   *   `ERR_SCTP_NOT_ESTABLISHED` outside ESTABLISHED; SctpInvalidStreamError for a stream beyond the negotiated count
   */
  resetStreams(streams: readonly number[]): void {
    if (this.closedOnce || this.state !== 'ESTABLISHED') throw new StateError('ERR_SCTP_NOT_ESTABLISHED', `cannot reset streams in state ${this.state}`);
    if (this.reconfig === null) throw new StateError('ERR_SCTP_RESET_NOT_NEGOTIATED', 'stream reconfiguration (RFC 6525) was not negotiated');
    for (const sid of streams) if (!(Number.isInteger(sid) && sid >= 0 && sid < this.outStreams)) throw new SctpInvalidStreamError(sid, this.outStreams);
    this.reconfig.request(streams);
    this.flush();
  }

  /** Count one timeout toward Association.Max.Retrans (RFC 9260 §8.1); true when the association failed and closed. */
  timeout(): boolean {
    const limit = Math.min(this.opts.associationMaxRetrans, this.opts.pathMaxRetrans);
    if (++this.errorCount <= limit) return false;
    // §8.1: stop and close; the ABORT (no cause) only helps if the peer is in fact still there.
    this.abortWith(0, new SctpPeerUnreachableError(`peer unreachable after ${limit} retransmissions`));
    return true;
  }

  /** The peer acknowledged something: clear the error counter (RFC 9260 §8.3). */
  progress(): void {
    this.errorCount = 0;
  }

  /** The peer violated the protocol: ABORT with cause 13 and close. */
  violation(message: string): void {
    this.abortWith(CauseCode.PROTOCOL_VIOLATION, new SctpProtocolViolationError(message));
  }

  /** After a SACK or T3 expiry: writable notification, shutdown progress, metrics trace. */
  afterAck(): void {
    if (this.closedOnce) return;
    const tracer = this.ctx.tracer;
    if (tracer.enabled && this.tx !== null) {
      const cc = this.tx.cc;
      tracer.emit('metrics_updated', {
        congestion_window: cc.cwnd,
        ssthresh: Number.isFinite(cc.ssthresh) ? cc.ssthresh : null,
        bytes_in_flight: this.tx.out.bytesInFlight,
        smoothed_rtt: this.rto.smoothed,
        rtt_variance: this.rto.variance,
        rto: this.rto.rto,
      });
    }
    if (this.wantWritable && this.unsentAmount <= this.opts.sendBufferSize / 2) {
      this.wantWritable = false;
      this.ctx.writable();
    }
    this.shutdown.check();
  }

  // --------------------------------------------------------- shutdown/abort

  /** Graceful shutdown (RFC 9260 §9.2): SHUTDOWN once all data is acknowledged. */
  end(): void {
    if (!this.closedOnce) this.shutdown.end(this.isOpened);
  }

  private signalRemoteEnded(): void {
    if (this.remoteEndedSent) return;
    this.remoteEndedSent = true;
    this.rx?.inbound.flush();
    this.ctx.remoteEnded();
  }

  /** Abort (RFC 9260 §9.1): send ABORT with User-Initiated Abort and close. */
  abort(): void {
    if (this.closedOnce) return;
    if (this.peerTag !== 0) this.sendControl(this.peerTag, encodeAbort(false, [{ code: CauseCode.USER_INITIATED_ABORT }]));
    this.finish();
  }

  /** @internal Send ABORT with cause `code` (and the TSN for No User Data), then close with `err`. */
  abortWith(code: number, err: Error, tsn?: number): void {
    let info: Uint8Array | undefined;
    if (tsn !== undefined) {
      info = new Uint8Array(4);
      w32(info, 0, tsn);
    }
    if (this.peerTag !== 0) this.sendControl(this.peerTag, encodeAbort(false, code === 0 ? [] : [{ code, info }]));
    this.finish(err);
  }

  /** @internal Close (with `err` on failure): stop timers, tell the context once. */
  finish(err?: Error): void {
    if (this.closedOnce) return;
    this.release();
    this.trace('CLOSED');
    this.ctx.closed(err);
  }

  /** Release timers without sending anything. */
  dispose(): void {
    if (!this.closedOnce) this.release();
  }

  private release(): void {
    this.closedOnce = true;
    this.state = 'CLOSED';
    this.setup.stop();
    this.shutdown.stop();
    this.heartbeat.stop();
    this.tx?.stopTimer();
    this.reconfig?.stop();
    this.rx?.dispose();
    this.endpoint.unregister(this);
  }

  // ------------------------------------------------------------------ misc

  private sendControl(vtag: number, chunk: Uint8Array): void {
    this.emit([buildPacket(this.init.localPort, this.init.remotePort, vtag, [chunk])]);
    this.pk.packetsSent++;
  }

  /** Hand a packet down (and trace it when tracing is on). */
  private emit(parts: readonly Uint8Array[]): void {
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('packet_sent', { transport: 'sctp', length: parts[0].length, chunk: parts[0][12] });
    this.ctx.sendDown(parts);
  }

  /** Count a dropped packet or chunk under `reason`. */
  drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.ctx.drop(reason);
  }

  /** The stack clock in ms. */
  now(): number {
    return this.ctx.clock.now();
  }

  private setState(state: AssociationState): void {
    this.state = state;
    this.trace(state);
  }

  private trace(state: AssociationState): void {
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('connection_state_updated', { new: state, transport: 'sctp' });
  }

  /** HEARTBEATs sent. */
  get heartbeatsSent(): number {
    return this.heartbeat.sent;
  }

  /** Packets sent (control and data). */
  get packetsSent(): number {
    return this.pk.packetsSent;
  }

  /** The peer's a_rwnd from setup (before any SACK). */
  get initialPeerRwnd(): number {
    return this.peerArwnd;
  }

  /** JSON-serialisable statistics (bytes and ms). */
  stats(): Record<string, unknown> {
    return associationStats(this, this.opts.receiveWindow);
  }
}
