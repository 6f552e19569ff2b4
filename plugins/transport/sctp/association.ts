/**
 * One SCTP association (RFC 9260): the state machine of §4 — setup (§5),
 * shutdown and abort (§9), liveness (§8) — dispatching received chunks
 * to its {@link Receiver} and {@link Sender} and bundling what goes out
 * with a {@link Packetizer}. Sans-IO: it talks to the world only through
 * its `TransportContext`.
 *
 * The class holds the state and the session API; the data path (building
 * it, user messages, bundling) is in association-data.ts, the hosts of
 * setup, shutdown and heartbeats in association-hosts.ts, opening, failure,
 * abort and release in association-lifecycle.ts, the peer's end in unread.ts.
 *
 * @module
 */
import type { MessageInfo, SendOptions, SessionInit, TransportContext, TransportSession } from '../../../core/contracts/transport.js';
import { StateError, dropReasonOf } from '../../../core/errors.js';
import type { Timer } from '../../../core/time/clock.js';
import { afterAckOn, establishDataPath, flushPacket, queueOnDataPath, sendUserMessage, writeBytes } from './association-data.js';
import { heartbeatHost, negotiatedFromCookie, setupHost, shutdownHost } from './association-hosts.js';
import { abortWithCause, countTimeout, releaseAssociation } from './association-lifecycle.js';
import { Heartbeat } from './heartbeat.js';
import { COMMON_HEADER_SIZE, I_DATA_HEADER_SIZE } from './chunk-types.js';
import { encodeAbort, type ErrorCause } from './chunks/control.js';
import type { CookieState } from './cookie.js';
import { SctpInvalidStreamError, SctpPeerRestartedError, SctpProtocolViolationError } from './errors.js';
import type { SctpOptions } from './options.js';
import type { OutMessage } from './outbound.js';
import { ChunkReader, buildPacket } from './packet.js';
import { Packetizer, type PacketSentListener } from './packetizer.js';
import { receivePacket } from './receive.js';
import type { StreamReset } from './reconfig.js';
import { CauseCode } from './params.js';
import type { Receiver, ReceiverHost } from './receiver.js';
import { RtoEstimator } from './rto.js';
import { Setup } from './setup.js';
import { Shutdown } from './shutdown.js';
import type { Sender, SenderHost } from './sender.js';
import type { AssociationState, SctpEndpoint } from './state.js';
import { associationStats } from './stats.js';
import { tracePacketSent } from './trace.js';
import { dropUnread, endSignals, receiveAfterClose, reportClosed, resumeDelivery } from './unread.js';

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
  /** @internal Own Initial TSN. */
  readonly initialTsn: number;
  /** @internal The peer's a_rwnd from setup. */
  peerArwnd = 0;
  /** @internal Cursor over the chunks of the packet being received. */
  readonly reader = new ChunkReader();
  /** @internal Bundles outgoing chunks into packets. */
  readonly pk: Packetizer;
  /** @internal Largest SCTP packet in bytes. */
  readonly mtu: number;
  /** @internal Messages sent before the data path exists (before ESTABLISHED). */
  readonly preOpen: OutMessage[] = [];
  /** @internal Bytes of {@link SctpAssociation.preOpen}. */
  preOpenBytes = 0;
  /** @internal Association setup (§5.1, §5.2). */
  readonly setup: Setup;
  /** @internal Graceful shutdown (§9.2). */
  readonly shutdown: Shutdown;
  /** @internal Heartbeats (§8.3). */
  readonly heartbeat: Heartbeat;
  /** @internal Consecutive timeouts not yet cleared by an acknowledgement (RFC 9260 §8.1). */
  errorCount = 0;
  /** @internal The context was told the association is up. */
  isOpened = false;
  /** @internal The association reached CLOSED (it handles nothing more). */
  closedOnce = false;
  /** @internal The peer's end and a graceful close, told the context once the application read everything (unread.ts). */
  readonly ending = endSignals();
  /** @internal A send returned false: notify `writable` once half the send buffer drained. */
  wantWritable = false;
  /** @internal Control chunks for the next packet. */
  readonly pendingControl: Uint8Array[] = [];
  /** @internal The session context. */
  readonly ctx: TransportContext;
  /** @internal Resolved plugin options. */
  readonly opts: SctpOptions;
  /** @internal The protocol instance's services (the demux table). */
  readonly endpoint: SctpEndpoint;
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
    ctx: TransportContext,
    private readonly init: SessionInit,
    opts: SctpOptions,
    endpoint: SctpEndpoint,
    setup: AssociationSetup,
  ) {
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.opts = opts;
    this.localTag = setup.localTag;
    this.initialTsn = setup.initialTsn;
    this.outStreams = opts.outboundStreams;
    this.inStreams = opts.maxInboundStreams;
    this.mtu = Math.max(COMMON_HEADER_SIZE + I_DATA_HEADER_SIZE + 4, ctx.maxDatagramSize);
    this.pk = new Packetizer(this.mtu, init.localPort, init.remotePort, (parts, userBytes) => this.emit(parts, userBytes), this);
    this.rto = new RtoEstimator(opts.rtoInitial, opts.rtoMin, opts.rtoMax);
    const timer = (cb: () => void): Timer => ctx.timers.createTimer(cb);
    this.shutdown = new Shutdown(this.rto, shutdownHost(this), timer);
    this.heartbeat = new Heartbeat(opts.heartbeatInterval, this.rto, ctx.random, heartbeatHost(this), timer);
    const ports = { local: init.localPort, remote: init.remotePort };
    const zeroChecksum = ctx.secured && opts.zeroChecksum;
    this.setup = new Setup(opts, this.localTag, this.initialTsn, ports, ctx.peer, endpoint, ctx.random, this.rto, setupHost(this), timer, zeroChecksum);
    // A server starts from the validated State Cookie (§5.1 D).
    if (setup.cookie !== undefined) establishDataPath(this, negotiatedFromCookie(setup.cookie));
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

  // ------------------------------------------------------------ receiving

  /** Handle one incoming SCTP packet. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (this.closedOnce) return receiveAfterClose(this, payload);
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

  /** The application consumed data: resume delivery, re-open the window, and end once everything was read (unread.ts). */
  resume(): void {
    resumeDelivery(this);
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
    if (!this.closedOnce) flushPacket(this);
  }

  /** A packet carrying `dataBytes` of DATA chunks was sent with `flightBefore` bytes in flight: tell the congestion controller. */
  onDataPacketSent(dataBytes: number, flightBefore: number, retransmission: boolean): void {
    this.tx?.onDataPacketSent(dataBytes, flightBefore, retransmission);
  }

  /** Queue one message on stream 0, PPID 0 (the Duplex interface); larger writes are split at `maxMessageSize`. */
  write(data: Uint8Array): boolean {
    return writeBytes(this, data);
  }

  /**
   * Send one message (RFC 9260 §6.1 / RFC 3758 §3.5 A for `maxRetransmits` / `lifetime`).
   * The bytes are not copied: do not modify them afterwards.
   * @throws StateError after `end()` / SHUTDOWN / close; PayloadTooLargeError above `maxMessageSize`;
   *   SctpInvalidStreamError for a stream beyond the negotiated count; ToukitError `ERR_SCTP_EMPTY_MESSAGE`
   */
  sendMessage(data: Uint8Array, options: SendOptions): boolean {
    return sendUserMessage(this, data, options);
  }

  /** @internal Queue a message for sending (held instead while its stream is being reset, RFC 6525 §5.1.2). */
  queueMessage(m: OutMessage): void {
    queueOnDataPath(this, m);
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
    return countTimeout(this);
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
    if (!this.closedOnce) afterAckOn(this);
  }

  // --------------------------------------------------------- shutdown/abort

  /** Graceful shutdown (RFC 9260 §9.2): SHUTDOWN once all data is acknowledged. */
  end(): void {
    if (!this.closedOnce) this.shutdown.end(this.isOpened);
  }

  /** Abort (RFC 9260 §9.1): send ABORT with User-Initiated Abort and close; messages not read are dropped. */
  abort(): void {
    dropUnread(this, true);
    if (this.closedOnce) return;
    if (this.peerTag !== 0) this.sendControl(this.peerTag, encodeAbort(false, [{ code: CauseCode.USER_INITIATED_ABORT }]));
    this.finish();
  }

  /** @internal Send ABORT with cause `code` (0: none) and its `info` (e.g. the TSN for No User Data), then close with `err`. */
  abortWith(code: number, err: Error, info?: Uint8Array): void {
    abortWithCause(this, code, err, info);
  }

  /** @internal Close (with `err` on failure): stop timers, tell the context once (a graceful close after the application read everything). */
  finish(err?: Error): void {
    if (this.closedOnce) return;
    releaseAssociation(this);
    this.trace('CLOSED');
    reportClosed(this, err);
  }

  /** Release timers without sending anything; messages not read are dropped. */
  dispose(): void {
    dropUnread(this, false);
    if (!this.closedOnce) releaseAssociation(this);
  }

  // ------------------------------------------------------------------ misc

  /** @internal Send `chunks` (usually one) in a packet of their own with verification tag `vtag` (always with a CRC32c). */
  sendControl(vtag: number, ...chunks: Uint8Array[]): void {
    this.emit([buildPacket(this.init.localPort, this.init.remotePort, vtag, chunks)], 0);
    this.pk.packetsSent++;
  }

  /** Hand a packet carrying `userBytes` of user data down (and trace it when tracing is on). */
  private emit(parts: readonly Uint8Array[], userBytes: number): void {
    if (this.ctx.tracer.enabled) tracePacketSent(this.ctx.tracer, parts, userBytes);
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

  /** @internal Move to `state` (traced). */
  setState(state: AssociationState): void {
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
