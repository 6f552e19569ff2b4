/**
 * Negotiated option state of one connection and the options of each
 * outgoing segment: window scaling (RFC 7323 §2), timestamps with TS.Recent
 * and PAWS (RFC 7323 §3–5), SACK-permitted (RFC 2018 §2).
 *
 * @module
 */
import type { Clock } from '../../../core/time/clock.js';
import type { RandomSource } from '../../../core/random/random.js';
import type { TcpConfig } from './config.js';
import { MAX_WSCALE } from './options.js';
import type { TcpOptions, TcpOptionsInit } from './options.js';
import type { TcpReceiver } from './receiver.js';

/** PAWS: TS.Recent older than 24 days is stale (RFC 7323 §5.5), in ms. */
const PAWS_IDLE = 24 * 24 * 3600 * 1000;

/** Smallest window-scale shift that lets `buffer` bytes fit the 16-bit field (RFC 7323 §2.3). */
export function shiftFor(buffer: number): number {
  let s = 0;
  while (s < MAX_WSCALE && buffer >> s > 0xffff) s++;
  return s;
}

/** The state a SYN cookie carries (see `syn-cookie.ts`). */
export interface NegotiatedOptions {
  /** Peer's MSS option, or -1. */
  readonly mss: number;
  /** Peer's window-scale shift, or -1 when not offered. */
  readonly wscale: number;
  /** Peer offered SACK-permitted. */
  readonly sackOk: boolean;
  /** Peer offered timestamps; its TSval. */
  readonly tsOk: boolean;
  /** Peer's latest TSval (TS.Recent). */
  readonly tsRecent: number;
  /** Our timestamp clock offset. */
  readonly tsOffset: number;
}

/** Option negotiation and per-segment option building for one connection. */
export class TcpOptionsBuilder {
  /** Timestamps negotiated (RFC 7323 §3.2). */
  tsOk = false;
  /** SACK negotiated (RFC 2018 §2). */
  sackOk = false;
  /** Shift applied to windows we receive (peer's WS), 0 if not negotiated. */
  sndShift = 0;
  /** Shift applied to windows we send (our WS), 0 if not negotiated. */
  rcvShift = 0;
  /** TS.Recent (RFC 7323 §4.3). */
  tsRecent = 0;
  /** When TS.Recent was last updated (ms). */
  private tsRecentAt = 0;
  /** Random offset of our TSval clock (RFC 7323 §5.4 suggests randomising). */
  tsOffset: number;
  /** RCV.NXT carried by the last ACK we sent (Last.ACK.sent, RFC 7323 §4.3). */
  lastAckSent = 0;
  /** Our shift, announced in our SYN. */
  readonly ourShift: number;

  private readonly seg: TcpOptionsInit = {
    mss: -1,
    wscale: -1,
    sackPermitted: false,
    hasTimestamps: false,
    tsVal: 0,
    tsEcr: 0,
    sackCount: 0,
    sack: [0, 0, 0, 0, 0, 0, 0, 0],
  };

  /**
   * @param clock - stack clock (TSval ticks are 1 ms)
   * @param random - random source (TSval offset)
   * @param cfg - plugin options
   */
  constructor(
    private readonly clock: Clock,
    random: RandomSource,
    private readonly cfg: TcpConfig,
  ) {
    this.tsOffset = random.uint32();
    this.ourShift = cfg.windowScaling ? shiftFor(cfg.receiveBuffer) : -1;
  }

  /** Our TSval at `now` (1 ms ticks, RFC 7323 §5.4); `now` defaults to the clock's current time. */
  tsNow(now: number = this.clock.now()): number {
    return (Math.floor(now) + this.tsOffset) >>> 0;
  }

  /** Options of our SYN or SYN-ACK (RFC 9293 §3.7.1, RFC 7323, RFC 2018). */
  synOptions(mss: number, synAck: boolean): TcpOptionsInit {
    const o = this.seg;
    o.mss = mss;
    o.wscale = synAck ? (this.sndShiftOffered ? Math.max(this.ourShift, 0) : -1) : this.ourShift;
    o.sackPermitted = synAck ? this.sackOk : this.cfg.sack;
    o.hasTimestamps = synAck ? this.tsOk : this.cfg.timestamps;
    o.tsVal = this.tsNow();
    o.tsEcr = synAck ? this.tsRecent : 0;
    o.sackCount = 0;
    return o;
  }

  private sndShiftOffered = false;

  /** Take the peer's SYN options (server: SYN; client: SYN-ACK). */
  negotiate(o: TcpOptions, flags: number, synAck: boolean): void {
    void flags;
    void synAck;
    this.sndShiftOffered = o.wscale >= 0 && this.ourShift >= 0;
    this.sndShift = this.sndShiftOffered ? o.wscale : 0;
    this.rcvShift = this.sndShiftOffered ? this.ourShift : 0;
    this.sackOk = this.cfg.sack && o.sackPermitted;
    this.tsOk = this.cfg.timestamps && o.hasTimestamps;
    if (this.tsOk) {
      this.tsRecent = o.tsVal;
      this.tsRecentAt = this.clock.now();
    }
  }

  /** Restore negotiated options from a validated SYN cookie. */
  restore(n: NegotiatedOptions): void {
    this.sndShiftOffered = n.wscale >= 0 && this.ourShift >= 0;
    this.sndShift = this.sndShiftOffered ? n.wscale : 0;
    this.rcvShift = this.sndShiftOffered ? this.ourShift : 0;
    this.sackOk = this.cfg.sack && n.sackOk;
    this.tsOk = this.cfg.timestamps && n.tsOk;
    this.tsRecent = n.tsRecent;
    this.tsRecentAt = this.clock.now();
    this.tsOffset = n.tsOffset;
  }

  /** RFC 7323 §5.3 R1: reject a segment whose TSval is older than TS.Recent (unless TS.Recent is stale). */
  pawsReject(tsVal: number): boolean {
    if (((tsVal - this.tsRecent) | 0) >= 0) return false;
    return this.clock.now() - this.tsRecentAt <= PAWS_IDLE;
  }

  /** RFC 7323 §4.3: TS.Recent = TSval when SEG.SEQ ≤ Last.ACK.sent (`now`: the segment's arrival time). */
  updateRecent(tsVal: number, seq: number, now: number = this.clock.now()): void {
    if (seq <= this.lastAckSent && ((tsVal - this.tsRecent) | 0) >= 0) {
      this.tsRecent = tsVal;
      this.tsRecentAt = now;
    }
  }

  /**
   * Options for a non-SYN segment: timestamps when negotiated and up to
   * `sackRoom` SACK blocks (when `withSack`) from `rcv`, TSval from `now`
   * (default: the clock's current time). Returns a shared object, valid
   * until the next call.
   */
  forSegment(rcv: TcpReceiver, sackRoom: number, withSack: boolean, now: number = this.clock.now()): TcpOptionsInit | undefined {
    const o = this.seg;
    o.mss = -1;
    o.wscale = -1;
    o.sackPermitted = false;
    o.hasTimestamps = this.tsOk;
    if (this.tsOk) {
      o.tsVal = this.tsNow(now);
      o.tsEcr = this.tsRecent;
    }
    o.sackCount = 0;
    if (withSack && this.sackOk && sackRoom > 0 && (rcv.reasm.count > 0 || rcv.dsackLeft >= 0)) {
      o.sackCount = rcv.sackBlocks(o.sack as number[], sackRoom);
      for (let i = 0; i < 2 * o.sackCount; i++) (o.sack as number[])[i] = (o.sack as number[])[i] >>> 0;
    }
    return this.tsOk || o.sackCount > 0 ? o : undefined;
  }

}
