/**
 * The data receiver of an association (RFC 9260 §6.2, §6.5, §6.7; RFC 3758
 * §3.6): TSN acceptance against the map and the receive window, delivery
 * through {@link Inbound}, FORWARD TSN, and SACK generation with the
 * delayed-SACK rules (every second DATA packet, at most `sackDelay` ms,
 * immediately on gaps, duplicates, FORWARD TSN or the I bit), window
 * updates as the application reads, and the limits of what it can hold.
 *
 * @module
 */
import type { MessageInfo } from '../../../core/contracts/transport.js';
import type { Timer } from '../../../core/time/clock.js';
import { tsnAdd, tsnDiff, tsnLe, tsnLt, w16 } from './bytes.js';
import { FLAG_B, FLAG_I, FLAG_U } from './chunk-types.js';
import { encodeError } from './chunks/control.js';
import { dataChunkScratch, readData } from './chunks/data.js';
import { decodeForwardTsn } from './chunks/forward-tsn.js';
import { decodeIData, decodeIForwardTsn } from './chunks/idata.js';
import { encodeSack } from './chunks/sack.js';
import { Inbound, type MessageSink } from './inbound.js';
import type { InStreamStats } from './in-types.js';
import { SctpMessageTooLargeError, SctpReceiveWindowExhaustedError } from './errors.js';
import type { SctpOptions } from './options.js';
import { CauseCode } from './params.js';
import { TsnMap, TsnOffer } from './tsn-map.js';

const MAX_GAP_BLOCKS = 64;
/** Marker returned by the admission check when a chunk is new and fits. */
const ADMITTED = -1;
/** Marker returned by the admission check when a new chunk does not fit in the receive window (RFC 9260 §6.2: dropped). */
const NO_ROOM = -2;

/** Outcome of {@link Receiver.onData}. */
export const DataVerdict = {
  /** Accepted in sequence: a delayed SACK is fine. */
  Ok: 0,
  /** A SACK should go out now (gap, duplicate, dropped chunk, I bit). */
  SackNow: 1,
  /**
   * A message being reassembled exceeded `maxMessageSize` ({@link Receiver.limitError}
   * says which): abort with a Protocol Violation cause (RFC 9260 §3.3.10.13).
   */
  TooLarge: 2,
  /**
   * Incomplete messages hold the whole receive window and none can complete
   * ({@link Receiver.limitError}): abort with Out of Resource (RFC 9260 §3.3.10.4).
   */
  WindowExhausted: 3,
} as const;

/** One of the {@link DataVerdict} values. */
export type DataVerdictValue = (typeof DataVerdict)[keyof typeof DataVerdict];

/** What the receiver needs from its association. */
export interface ReceiverHost {
  /** Hand a message to the application (false: stop until resume). */
  deliver(data: Uint8Array, info: MessageInfo): boolean;
  /** Queue a control chunk (ERROR) for the next packet. */
  queueControl(chunk: Uint8Array): void;
  /** Count a drop. */
  drop(reason: string): void;
  /** The delayed-SACK timer fired: a SACK is due, send it. */
  sackDue(): void;
}

/** Receive side of one association. */
export class Receiver implements MessageSink {
  /** Received TSNs. */
  readonly map: TsnMap;
  /** Reassembly and delivery. */
  readonly inbound: Inbound;
  /** A SACK must go out with the next packet. */
  sackNeeded = false;
  /** Counters for stats. */
  readonly counters = { dataBytesReceived: 0, messagesReceived: 0, sacksSent: 0, forwardTsnReceived: 0 };
  private dataPacketsUnacked = 0;
  /** The DATA chunk being processed (overwritten per chunk; {@link Inbound.receive} keeps no reference). */
  private readonly scratch = dataChunkScratch();
  /** Why the last {@link DataVerdict.TooLarge} or {@link DataVerdict.WindowExhausted} verdict was given. */
  limitError: SctpMessageTooLargeError | SctpReceiveWindowExhaustedError | null = null;
  /** a_rwnd of the last SACK built: the window the peer last heard of. */
  private lastAdvertisedRwnd: number;
  private readonly sackTimer: Timer;

  /**
   * @param peerInitialTsn - the peer's Initial TSN
   * @param inboundStreams - negotiated inbound streams
   * @param opts - plugin options
   * @param host - the association
   * @param createTimer - the session's timer factory
   * @param mtu - largest SCTP packet in bytes (the window-update threshold, see {@link Receiver.resume})
   */
  constructor(
    peerInitialTsn: number,
    readonly inboundStreams: number,
    private readonly opts: SctpOptions,
    private readonly host: ReceiverHost,
    createTimer: (cb: () => void) => Timer,
    private readonly mtu: number,
  ) {
    this.map = new TsnMap(peerInitialTsn);
    this.inbound = new Inbound(inboundStreams, opts.maxMessageSize, this);
    this.lastAdvertisedRwnd = opts.receiveWindow;
    this.sackTimer = createTimer(() => {
      this.sackNeeded = true;
      this.host.sackDue();
    });
  }

  /** Deliver one complete message (counted) to the association. */
  deliver(data: Uint8Array, info: MessageInfo): boolean {
    this.counters.messagesReceived++;
    return this.host.deliver(data, info);
  }

  /**
   * One DATA chunk (RFC 9260 §6.2): accept, drop for want of window, or
   * note a duplicate. Decode errors (e.g. no user data) are thrown.
   */
  onData(p: Uint8Array, start: number, end: number, flags: number): DataVerdictValue {
    const c = readData(p, start, end, this.scratch);
    const pre = this.admit(c.tsn, c.stream, c.data.length);
    if (pre === NO_ROOM) return this.noRoom(c.tsn, c.stream, c.data.length, (flags & FLAG_B) !== 0 ? 0 : this.inbound.fragmentsBefore(c.tsn));
    if (pre !== ADMITTED) return pre;
    if (!this.inbound.receive(c)) return this.tooLarge();
    return this.verdict(flags);
  }

  /** One I-DATA chunk (RFC 8260 §2.1): as {@link Receiver.onData}, reassembled by MID and FSN. */
  onIData(p: Uint8Array, start: number, end: number, flags: number): DataVerdictValue {
    const c = decodeIData(p, start, end);
    const pre = this.admit(c.tsn, c.stream, c.data.length);
    if (pre === NO_ROOM) return this.noRoom(c.tsn, c.stream, c.data.length, this.inbound.partialBytes(c.stream, (flags & FLAG_U) !== 0, c.mid));
    if (pre !== ADMITTED) return pre;
    if (!this.inbound.receiveI(c)) return this.tooLarge();
    return this.verdict(flags);
  }

  private isNewHigh = false;

  /** TSN, stream and window checks shared by DATA and I-DATA; {@link ADMITTED} when the chunk is new and fits, {@link NO_ROOM} when it does not fit. */
  private admit(tsn: number, stream: number, length: number): DataVerdictValue | typeof ADMITTED | typeof NO_ROOM {
    const map = this.map;
    this.counters.dataBytesReceived += length;
    if (stream >= this.inboundStreams) {
      // §6.5: acknowledge the TSN, drop the chunk, report Invalid Stream Identifier.
      const info = new Uint8Array(4);
      w16(info, 0, stream);
      this.host.queueControl(encodeError([{ code: CauseCode.INVALID_STREAM, info }]));
      map.offer(tsn);
      this.host.drop('sctp_invalid_stream');
      return DataVerdict.SackNow;
    }
    this.isNewHigh = tsnLt(map.highest, tsn);
    if (this.isNewHigh && !map.has(tsn) && this.inbound.bufferedBytes + length > this.opts.receiveWindow) return NO_ROOM;
    const o = map.offer(tsn);
    if (o === TsnOffer.Beyond) {
      this.host.drop('sctp_tsn_beyond_window');
      return DataVerdict.SackNow;
    }
    if (o === TsnOffer.Duplicate) return DataVerdict.SackNow;
    return ADMITTED;
  }

  /**
   * A new chunk with TSN `tsn` on `stream` does not fit in the window (§6.2:
   * drop it). When nothing can ever make room for it, stop instead: every
   * TSN below it arrived (no retransmission can complete a message), and
   * the window is full without the complete messages the application has
   * yet to read. The messages may only be delivered whole, so waiting would
   * end only after Association.Max.Retrans of the peer's probes.
   * `before` is the bytes held of the message the chunk continues.
   */
  private noRoom(tsn: number, stream: number, length: number, before: number): DataVerdictValue {
    const map = this.map;
    const held = this.inbound.incompleteBytes;
    if (tsn !== tsnAdd(map.cumTsn, 1) || map.hasGaps || held + length <= this.opts.receiveWindow) {
      this.host.drop('sctp_rwnd_full');
      return DataVerdict.SackNow;
    }
    if (before + length > this.opts.maxMessageSize) {
      this.limitError = new SctpMessageTooLargeError(before + length, this.opts.maxMessageSize, stream);
      return DataVerdict.TooLarge;
    }
    this.limitError = new SctpReceiveWindowExhaustedError(held, this.opts.receiveWindow);
    return DataVerdict.WindowExhausted;
  }

  /** A reassembled message exceeded `maxMessageSize` (see {@link Inbound.tooLarge}). */
  private tooLarge(): DataVerdictValue {
    const t = this.inbound.tooLarge;
    this.limitError = new SctpMessageTooLargeError(t.size, this.opts.maxMessageSize, t.stream);
    return DataVerdict.TooLarge;
  }

  private verdict(flags: number): DataVerdictValue {
    return this.map.hasGaps || !this.isNewHigh || (flags & FLAG_I) !== 0 ? DataVerdict.SackNow : DataVerdict.Ok;
  }

  /** After a packet: deliver, and decide between an immediate and a delayed SACK. */
  afterPacket(hadData: boolean, immediate: boolean, now: number): void {
    this.inbound.flush();
    if (immediate) this.sackNeeded = true;
    if (!hadData) return;
    this.dataPacketsUnacked++;
    if (this.dataPacketsUnacked >= 2 || this.opts.sackDelay === 0) this.sackNeeded = true;
    else if (!this.sackTimer.armed) this.sackTimer.arm(now + this.opts.sackDelay);
  }

  /** FORWARD TSN (RFC 3758 §3.6): skip abandoned TSNs and messages. */
  onForwardTsn(p: Uint8Array, start: number, end: number): void {
    const f = decodeForwardTsn(p, start, end);
    this.counters.forwardTsnReceived++;
    this.sackNeeded = true;
    if (tsnLe(f.newCumTsn, this.map.cumTsn)) return;
    // A jump past anything the peer could have sent within our map is bogus: ignore it.
    if (tsnDiff(f.newCumTsn, this.map.cumTsn) > this.map.capacity) return void this.host.drop('sctp_forward_tsn_beyond_window');
    this.map.forwardTo(f.newCumTsn);
    this.inbound.skip(f.newCumTsn, f.streams);
  }

  /** I-FORWARD-TSN (RFC 8260 §2.3): skip abandoned TSNs and the messages named by its entries. */
  onIForwardTsn(p: Uint8Array, start: number, end: number): void {
    const f = decodeIForwardTsn(p, start, end);
    this.counters.forwardTsnReceived++;
    this.sackNeeded = true;
    if (tsnLe(f.newCumTsn, this.map.cumTsn)) return;
    if (tsnDiff(f.newCumTsn, this.map.cumTsn) > this.map.capacity) return void this.host.drop('sctp_forward_tsn_beyond_window');
    this.map.forwardTo(f.newCumTsn);
    this.inbound.skipI(f.entries);
  }

  /** Current a_rwnd in bytes. */
  get rwnd(): number {
    return Math.max(0, this.opts.receiveWindow - this.inbound.bufferedBytes);
  }

  /** Build the SACK (RFC 9260 §3.3.4) and reset the delayed-SACK state. */
  buildSack(): Uint8Array {
    const map = this.map;
    const rwnd = this.rwnd;
    this.lastAdvertisedRwnd = rwnd;
    const sack = encodeSack(map.cumTsn, rwnd, map.hasGaps ? map.gaps(MAX_GAP_BLOCKS) : [], map.duplicates);
    if (map.duplicates.length !== 0) map.duplicates.length = 0;
    this.sackNeeded = false;
    this.dataPacketsUnacked = 0;
    this.sackTimer.cancel();
    this.counters.sacksSent++;
    return sack;
  }

  /**
   * The application read: deliver what waits; true when a window-update
   * SACK should go out now (RFC 9260 §6.2 allows one "to update the offered
   * window as the receiving application consumes new data").
   *
   * The rule is the receiver side of silly window avoidance (RFC 1122
   * §4.2.3.3, RFC 9293 §3.8.6.2.2): a SACK when the window the peer last
   * heard of could not take a full packet (below one MTU, e.g. 0) and the
   * window has since grown by at least min(MTU, receiveWindow / 2). Without
   * it the sender waits for its backed-off T3-rtx timer to probe the
   * window (§6.1). A window that never closed sends nothing here, however
   * often the application reads: SACKs stay one per two DATA packets.
   */
  resume(): boolean {
    this.inbound.blocked = false;
    this.inbound.flush();
    if (this.windowUpdateDue()) {
      this.sackNeeded = true;
      return true;
    }
    return false;
  }

  /** The window-update rule of {@link Receiver.resume}. */
  private windowUpdateDue(): boolean {
    const last = this.lastAdvertisedRwnd;
    return last < this.mtu && this.rwnd - last >= Math.min(this.mtu, this.opts.receiveWindow / 2);
  }

  /** Per-stream receive counters. */
  streamStats(): InStreamStats[] {
    return this.inbound.streamStats();
  }

  /** Stop the delayed-SACK timer. */
  dispose(): void {
    this.sackTimer.cancel();
  }
}
