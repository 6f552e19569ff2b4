/**
 * The `tcp` transport protocol object (one per stack): demultiplexing by
 * port pair, segments that match no connection (RFC 9293 §3.10.7.1:
 * stateless RST; §3.10.7.2: SYN to a listener), bounded half-open state
 * with SYN cookies (RFC 4987 §3.6), and a TIME-WAIT table that answers
 * retransmitted FINs after the connection object is gone (RFC 9293 §3.6).
 *
 * @module
 */
import type { PluginEnvironment } from '../../../core/contracts/plugin.js';
import type { PeerAddress } from '../../../core/contracts/address.js';
import type {
  SessionInit,
  TransportAcceptContext,
  TransportContext,
  TransportProtocol,
  TransportSession,
} from '../../../core/contracts/transport.js';
import type { Timer } from '../../../core/time/clock.js';
import { DecodeError } from '../../../core/errors.js';
import { PseudoHeader } from './addresses.js';
import { writeTcpChecksum } from './checksum.js';
import type { TcpConfig } from './config.js';
import { TcpTruncatedError } from './errors.js';
import { emptyTcpHeader, parseTcpHeader, serializeTcpHeader, TCP_HEADER_MIN, TcpFlags } from './header.js';
import type { TcpHeader } from './header.js';
import { connectionHash } from './isn.js';
import type { TcpOptionsInit } from './options.js';
import { shiftFor } from './segment-options.js';
import { TcpSession } from './session.js';
import type { TimeWaitInfo } from './session.js';
import { checkCookie, decodeCookieTsBits, encodeCookieTsBits, makeCookie } from './syn-cookie.js';
import type { SynCookieState } from './syn-cookie.js';

/** Largest number of TIME-WAIT entries kept (the oldest is evicted beyond it). */
const MAX_TIME_WAIT = 65_536;

interface TimeWaitEntry extends TimeWaitInfo {
  expiresAt: number;
  readonly peer: PeerAddress;
}

/** Protocol-wide counters (JSON-serialisable). */
export interface TcpProtocolCounters {
  /** SYNs that created a half-open connection. */
  synAccepted: number;
  /** SYN-ACKs sent as SYN cookies. */
  synCookiesSent: number;
  /** ACKs that carried a valid cookie and created a connection. */
  synCookiesValidated: number;
  /** SYNs dropped because the half-open table was full and cookies are off. */
  synDropped: number;
  /** Stateless RSTs sent. */
  resetsSent: number;
  /** Segments answered from the TIME-WAIT table. */
  timeWaitAcks: number;
}

/** The TCP transport protocol (IP protocol 6 in GUE's Proto field). */
export class TcpProtocol implements TransportProtocol {
  /** Plugin name. */
  readonly name = 'tcp';
  /** IP protocol number 6. */
  readonly proto = 6;
  /** Header bytes of a data segment with timestamps. */
  readonly overhead = 32;
  /** Connections currently in SYN-RECEIVED. */
  halfOpen = 0;
  /** Counters. */
  readonly counters: TcpProtocolCounters = {
    synAccepted: 0,
    synCookiesSent: 0,
    synCookiesValidated: 0,
    synDropped: 0,
    resetsSent: 0,
    timeWaitAcks: 0,
  };

  private readonly secret = new Uint8Array(16);
  private readonly seg: TcpHeader = emptyTcpHeader();
  private readonly timeWait = new Map<string, TimeWaitEntry>();
  /** Connections the application released after ending them, still finishing their close. */
  private readonly orphans = new Map<string, TcpSession>();
  private readonly twQueue: { key: string; at: number }[] = [];
  private twHead = 0;
  private readonly twTimer: Timer;
  private readonly halfOpenEnded = (): void => {
    this.halfOpen--;
  };

  /**
   * @param cfg - validated options
   * @param env - stack environment (clock, timers, random)
   */
  constructor(
    readonly cfg: TcpConfig,
    private readonly env: Pick<PluginEnvironment, 'clock' | 'timers' | 'random'>,
  ) {
    env.random.fill(this.secret);
    this.twTimer = env.timers.createTimer(() => this.expireTimeWait());
  }

  /**
   * Demux key of an incoming segment: source port (the remote port) · 65536
   * + destination port (the local one).
   * @throws TcpTruncatedError when shorter than a TCP header
   */
  demuxKey(payload: Uint8Array): number {
    if (payload.length < TCP_HEADER_MIN) throw new TcpTruncatedError(payload.length);
    return ((payload[0] << 8) | payload[1]) * 65536 + ((payload[2] << 8) | payload[3]);
  }

  /** Create a session (client via connect, server via `accept`). */
  createSession(ctx: TransportContext, init: SessionInit): TransportSession {
    const cookie = init.state !== undefined && init.state !== null;
    const halfOpen = init.role === 'server' && !cookie;
    if (halfOpen) this.halfOpen++;
    const tag = `${ctx.peer.address}|${ctx.peer.port}|`;
    return new TcpSession(ctx, init, this.cfg, {
      halfOpenEnded: halfOpen ? this.halfOpenEnded : undefined,
      timeWait: (info) => this.recordTimeWait(ctx.peer, info),
      orphan: (s) => this.orphans.set(tag + s.demuxKey, s),
      orphanEnded: (s) => {
        if (this.orphans.get(tag + s.demuxKey) === s) this.orphans.delete(tag + s.demuxKey);
      },
    });
  }

  /** Segments that match no session. Never throws. */
  handleUnmatched(payload: Uint8Array, a: TransportAcceptContext): void {
    let seg: TcpHeader;
    try {
      seg = parseTcpHeader(payload, this.seg);
    } catch (err) {
      a.drop(err instanceof DecodeError ? err.reason : 'tcp_malformed');
      return;
    }
    try {
      this.unmatched(seg, payload, a);
    } catch {
      a.drop('tcp_internal_error');
    }
  }

  private unmatched(seg: TcpHeader, payload: Uint8Array, a: TransportAcceptContext): void {
    const pseudo = this.cfg.checksum === 'outer' ? new PseudoHeader(a.local.address, a.peer.address) : undefined;
    if (pseudo !== undefined && !pseudo.verify(payload)) {
      a.drop('tcp_bad_checksum');
      return;
    }
    const f = seg.flags;
    const key = seg.srcPort * 65536 + seg.dstPort;
    const twKey = `${a.peer.address}|${a.peer.port}|${key}`;
    const orphan = this.orphans.get(twKey);
    if (orphan !== undefined) {
      orphan.handleDatagram(payload);
      return;
    }
    const tw = this.timeWait.get(twKey);
    if (tw !== undefined) {
      if (f & TcpFlags.RST) return; // RFC 1337: no TIME-WAIT assassination
      if (!(f & TcpFlags.SYN) || f & TcpFlags.ACK || ((seg.seq - tw.rcvNxt) | 0) <= 0) {
        this.counters.timeWaitAcks++;
        tw.expiresAt = this.env.clock.now() + tw.duration; // restart the 2·MSL timeout
        this.twQueue.push({ key: twKey, at: tw.expiresAt });
        const o = tw.ts !== undefined ? this.tsOptions((Math.floor(this.env.clock.now()) + tw.ts.offset) >>> 0, seg.options.tsVal) : undefined;
        this.reply(a, pseudo, seg, tw.sndNxt, tw.rcvNxt, TcpFlags.ACK, o);
        return;
      }
      this.timeWait.delete(twKey); // a new SYN above the old sequence space reopens (RFC 9293 §3.10.7.4 note)
    }
    if (f & TcpFlags.RST) {
      a.drop('tcp_unmatched_rst');
      return;
    }
    const dataLen = payload.length - seg.headerLength;
    if (f & TcpFlags.SYN && !(f & TcpFlags.ACK)) {
      if (!a.listening(seg.dstPort)) {
        this.sendReset(a, pseudo, seg, dataLen);
        return;
      }
      if (this.halfOpen >= this.cfg.maxHalfOpen) {
        if (this.cfg.synCookies) this.sendCookie(a, pseudo, seg);
        else {
          this.counters.synDropped++;
          a.drop('tcp_syn_overflow');
        }
        return;
      }
      this.counters.synAccepted++;
      const session = a.accept({ role: 'server', localPort: seg.dstPort, remotePort: seg.srcPort });
      session.handleDatagram(payload);
      return;
    }
    if (f & TcpFlags.ACK && !(f & TcpFlags.SYN) && this.cfg.synCookies && a.listening(seg.dstPort)) {
      const state = this.validateCookie(a, seg);
      if (state !== undefined) {
        this.counters.synCookiesValidated++;
        const session = a.accept({ role: 'server', localPort: seg.dstPort, remotePort: seg.srcPort, state });
        session.handleDatagram(payload);
        return;
      }
    }
    this.sendReset(a, pseudo, seg, dataLen);
  }

  private tuple(a: TransportAcceptContext, seg: TcpHeader): string {
    return `${a.local.address}|${seg.dstPort}|${a.peer.address}|${a.peer.port}|${seg.srcPort}`;
  }

  private tsOptions(tsVal: number, tsEcr: number): TcpOptionsInit {
    return { mss: -1, wscale: -1, sackPermitted: false, hasTimestamps: true, tsVal, tsEcr, sackCount: 0, sack: [] };
  }

  /** RFC 4987 §3.6: answer a SYN without keeping state. */
  private sendCookie(a: TransportAcceptContext, pseudo: PseudoHeader | undefined, seg: TcpHeader): void {
    const now = this.env.clock.now();
    const tuple = this.tuple(a, seg);
    const o = seg.options;
    const ourMss = Math.max(64, Math.min(0xffff, a.maxDatagramSize - 20));
    const peerMss = o.mss > 0 ? o.mss : a.peer.family === 'IPv6' ? 1220 : 536;
    const cookie = makeCookie(this.secret, tuple, seg.seq, Math.min(peerMss, ourMss), now);
    const tsOk = this.cfg.timestamps && o.hasTimestamps;
    const ourShift = this.cfg.windowScaling ? shiftFor(this.cfg.receiveBuffer) : -1;
    const wsOk = o.wscale >= 0 && ourShift >= 0 && tsOk;
    const sackOk = this.cfg.sack && o.sackPermitted && tsOk;
    const offset = connectionHash(this.secret, tuple);
    const tsVal = encodeCookieTsBits((Math.floor(now) + offset) >>> 0, wsOk ? o.wscale : -1, sackOk);
    const opts: TcpOptionsInit = {
      mss: ourMss,
      wscale: wsOk ? ourShift : -1,
      sackPermitted: sackOk,
      hasTimestamps: tsOk,
      tsVal,
      tsEcr: o.tsVal,
      sackCount: 0,
      sack: [],
    };
    this.counters.synCookiesSent++;
    this.reply(a, pseudo, seg, cookie, seg.seq + 1, TcpFlags.SYN | TcpFlags.ACK, opts, Math.min(0xffff, this.cfg.receiveBuffer));
  }

  private validateCookie(a: TransportAcceptContext, seg: TcpHeader): SynCookieState | undefined {
    const tuple = this.tuple(a, seg);
    const mss = checkCookie(this.secret, tuple, seg.ack, seg.seq, this.env.clock.now());
    if (mss < 0) return undefined;
    const o = seg.options;
    const tsOk = this.cfg.timestamps && o.hasTimestamps && o.tsEcr !== 0;
    const bits = tsOk ? decodeCookieTsBits(o.tsEcr) : { wscale: -1, sackOk: false };
    return {
      kind: 'tcp-syn-cookie',
      iss: (seg.ack - 1) >>> 0,
      irs: (seg.seq - 1) >>> 0,
      mss,
      wscale: bits.wscale,
      sackOk: bits.sackOk,
      tsOk,
      tsRecent: o.tsVal,
      tsOffset: (connectionHash(this.secret, tuple) + 32) >>> 0, // stay above the cookie TSval whose low bits were replaced
    };
  }

  /** RFC 9293 §3.10.7.1: the reset for a segment that matches nothing. */
  private sendReset(a: TransportAcceptContext, pseudo: PseudoHeader | undefined, seg: TcpHeader, dataLen: number): void {
    const f = seg.flags;
    if (f & TcpFlags.ACK) this.reply(a, pseudo, seg, seg.ack, 0, TcpFlags.RST, undefined);
    else {
      const len = dataLen + (f & TcpFlags.SYN ? 1 : 0) + (f & TcpFlags.FIN ? 1 : 0);
      this.reply(a, pseudo, seg, 0, seg.seq + len, TcpFlags.RST | TcpFlags.ACK, undefined);
    }
    this.counters.resetsSent++;
  }

  private reply(
    a: TransportAcceptContext,
    pseudo: PseudoHeader | undefined,
    seg: TcpHeader,
    seq: number,
    ack: number,
    flags: number,
    options: TcpOptionsInit | undefined,
    window = 0,
  ): void {
    const h = serializeTcpHeader({ srcPort: seg.dstPort, dstPort: seg.srcPort, seq, ack, flags, window, options });
    if (pseudo !== undefined) writeTcpChecksum(pseudo.source, pseudo.peer, [h]);
    a.reply([h]);
  }

  // ------------------------------------------------------------ TIME-WAIT table

  /** Keep a closed connection in the TIME-WAIT table for `info.duration` ms (RFC 9293 §3.6). */
  recordTimeWait(peer: PeerAddress, info: TimeWaitInfo): void {
    if (info.duration <= 0) return;
    const key = `${peer.address}|${peer.port}|${info.demuxKey}`;
    const expiresAt = this.env.clock.now() + info.duration;
    this.timeWait.set(key, { ...info, expiresAt, peer });
    this.twQueue.push({ key, at: expiresAt });
    while (this.timeWait.size > MAX_TIME_WAIT) {
      const oldest = this.timeWait.keys().next().value as string;
      this.timeWait.delete(oldest);
    }
    if (!this.twTimer.armed) this.twTimer.arm(expiresAt);
  }

  private expireTimeWait(): void {
    const now = this.env.clock.now();
    const q = this.twQueue;
    while (this.twHead < q.length && q[this.twHead].at <= now) {
      const { key, at } = q[this.twHead++];
      const e = this.timeWait.get(key);
      if (e !== undefined && e.expiresAt <= at) this.timeWait.delete(key);
    }
    if (this.twHead > 1024 && this.twHead * 2 > q.length) {
      q.splice(0, this.twHead);
      this.twHead = 0;
    }
    if (this.twHead < q.length) this.twTimer.arm(q[this.twHead].at);
  }

  /** Orphaned connections still finishing their close. */
  get orphanCount(): number {
    return this.orphans.size;
  }

  /** Connections in TIME-WAIT held by the table. */
  get timeWaitCount(): number {
    return this.timeWait.size;
  }

  /** Release the TIME-WAIT table and its timer (stack teardown does not wait it out). */
  close(): void {
    for (const o of [...this.orphans.values()]) o.dispose();
    this.orphans.clear();
    this.twTimer.cancel();
    this.timeWait.clear();
    this.twQueue.length = 0;
    this.twHead = 0;
  }
}
