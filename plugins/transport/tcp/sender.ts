/**
 * The send half of a connection: send buffer, retransmission queue, RTO
 * (RFC 6298), the handshake's SYN, ACK processing (window updates, RTT
 * samples, the congestion controller) and, through `recovery.ts`, fast
 * retransmit / NewReno (RFC 5681 §3.2, RFC 6582), SACK loss recovery
 * (RFC 6675), spurious-retransmission detection with timestamps (Eifel,
 * RFC 3522) and D-SACK accounting (RFC 2883). What goes out when (flow
 * control with Nagle and sender SWS avoidance, RFC 9293 §3.7.4,
 * §3.8.6.2.1; zero-window probing, RFC 9293 §3.8.6.1) and the building of
 * segments are in `sender-transmit.ts`.
 *
 * Sequence numbers are unwrapped (see `seq.ts`).
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import { CongestionEvents } from './cc-events.js';
import type { Timer } from '../../../core/time/clock.js';
import type { TcpHeader } from './header.js';
import { TcpFlags } from './header.js';
import { RttEstimator } from './rtt.js';
import { Scoreboard } from './scoreboard.js';
import type { SegmentRecord } from './scoreboard.js';
import { TIMESTAMPS_SPACE } from './options.js';
import { SendBuffer } from './send-buffer.js';
import { unwrapSeq } from './seq.js';
import { LossRecovery } from './recovery.js';
import type { RecoveryHost } from './recovery.js';
import type { Tracer } from '../../../core/trace/tracer.js';
import type { SenderHost } from './sender-host.js';
import { senderStats, traceSenderMetrics } from './sender-stats.js';
import { onPersist, retransmitSegment, sackBlocksRoom, sendLoop, sendProbe } from './sender-transmit.js';

export type { SenderHost } from './sender-host.js';

/** Send-side state of one connection. */
export class TcpSender implements RecoveryHost {
  /** Initial send sequence number (ISS). */
  iss: number;
  /** SND.UNA. */
  sndUna: number;
  /** SND.NXT (highest sequence number sent + 1). */
  sndNxt: number;
  /** SND.WND in bytes (scaled). */
  sndWnd = 0;
  /** SND.WL1. */
  private sndWl1 = 0;
  /** SND.WL2. */
  private sndWl2 = 0;
  /** Largest window the peer offered (RFC 5961 §5.2 MAX.SND.WND, SWS Max(SND.WND)). */
  maxSndWnd = 0;
  /** Effective send MSS in bytes (peer MSS, our limit, minus timestamp bytes). */
  sendMss = 536;
  /** The MSS we announce (largest segment payload we accept). */
  readonly rcvMss: number;
  /**
   * Payload of a full-sized segment from the peer: our MSS less the options every
   * segment carries (RFC 9293 §3.7.1), i.e. less the timestamps once negotiated.
   */
  rcvFullSize: number;
  /** Nagle disabled. */
  noDelay: boolean;
  /** The application called end(). */
  finQueued = false;
  /** Our FIN was acknowledged. */
  finAckedFlag = false;
  /** Time of the latest transmission (ms). */
  lastSendAt = 0;
  /** RTT estimator (RFC 6298). */
  readonly rtt: RttEstimator;
  /** Congestion controller, once the MSS is known. */
  get cc(): CongestionController | undefined {
    return this.ev.cc;
  }

  /** Bytes written and not yet acknowledged, by stream offset. @internal */
  readonly buf = new SendBuffer();
  /** Retransmission queue and SACK scoreboard. */
  readonly sb = new Scoreboard();
  /** Loss detection and recovery. */
  readonly recovery: LossRecovery;
  /** Retransmission timer (RFC 6298). @internal */
  readonly rtoTimer: Timer;
  /** Persist timer for zero-window probing (RFC 9293 §3.8.6.1). @internal */
  readonly persistTimer: Timer;
  /** Timestamps negotiated (RFC 7323). @internal */
  tsOk = false;
  /** 2^(peer's window-scale shift): multiplies the window field of non-SYN segments (RFC 7323 §2.3). */
  private sndScale = 1;
  /** Our FIN was sent. @internal */
  finSent = false;
  /** Sequence number of our FIN (−1 until sent). @internal */
  finSeq = -1;
  private synAt = 0;
  private synRetransmitted = false;
  private consecutiveRtos = 0;
  /** Persist-timer backoff exponent (reset by an ACK of new data). @internal */
  persistBackoff = 0;
  /** Zero-window probes in a row sent with no ACK received in between. @internal */
  probesUnanswered = 0;
  /** An acceptable ACK arrived since the last retransmission timeout or zero-window probe. */
  private answered = false;
  private writeBlocked = false;
  /**
   * One past the latest sub-MSS data segment sent for the first time (Minshall's
   * variant of Nagle: while SND.UNA is below it a short segment is unacknowledged);
   * sequence numbers are unwrapped from a 32-bit ISS, so 0 means none.
   * @internal
   */
  smallEnd = 0;
  /** Reused congestion-controller events. @internal */
  readonly ev = new CongestionEvents();

  /** The session. @internal */
  readonly host: SenderHost;

  /** Retransmitted segments. */
  retransmissions = 0;
  /** Retransmission timeouts. */
  timeouts = 0;
  /** Payload bytes sent for the first time. */
  bytesSent = 0;
  /** Payload bytes retransmitted. */
  bytesRetransmitted = 0;

  /**
   * @param host - the session
   * @param iss - initial send sequence number
   * @param maxSegment - largest payload that fits one datagram without options
   */
  constructor(host: SenderHost, iss: number, maxSegment: number) {
    this.host = host;
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.recovery = new LossRecovery(this, () => host.ctx.clock.now());
    this.rcvMss = Math.max(64, Math.min(0xffff, maxSegment));
    this.rcvFullSize = this.rcvMss;
    this.noDelay = host.cfg.noDelay;
    this.rtt = new RttEstimator(host.cfg.minRto, host.cfg.maxRto, host.cfg.initialRto);
    this.rtoTimer = host.ctx.timers.createTimer(() => host.guarded(() => this.onRto()));
    this.persistTimer = host.ctx.timers.createTimer(() => host.guarded(() => onPersist(this)));
  }

  /** Connection tracer (RecoveryHost). */
  get tracer(): Tracer {
    return this.host.ctx.tracer;
  }

  /** Bytes written and not yet acknowledged. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Bytes in flight (RFC 6675 pipe; dup ACKs stand in for SACKs without SACK). */
  inFlight(): number {
    return Math.max(0, this.sb.pipe - this.recovery.renoDupBytes);
  }

  /** Bytes written and not yet sent once (the part of {@link TcpSender.buffered} beyond SND.NXT). */
  get unsent(): number {
    return this.buf.end - (this.sndNxt - this.iss - 1);
  }

  /**
   * Queue application data; false once `sendBuffer` bytes wait to be sent. Sent
   * data is held until acknowledged on top of that (at most the send window), so
   * a full window in flight never leaves the sender without queued data.
   */
  write(data: Uint8Array): boolean {
    if (data.length > 0) this.buf.push(data);
    this.trySend();
    const ok = this.unsent < this.host.cfg.sendBuffer;
    if (!ok) this.writeBlocked = true;
    return ok;
  }

  // ------------------------------------------------------------ handshake

  /** Send (or resend) our SYN / SYN-ACK (RFC 9293 §3.10.1, §3.10.7.2). */
  sendSyn(synAck: boolean): void {
    const h = this.host;
    const now = h.ctx.clock.now();
    const o = h.opts.synOptions(this.rcvMss, synAck);
    const flags = TcpFlags.SYN | (synAck ? TcpFlags.ACK : 0);
    const ack = synAck ? h.rcv.rcvNxt : 0;
    h.out.send(this.iss, ack, flags, Math.min(0xffff, h.rcv.bufferSize), o);
    if (this.sndNxt === this.iss) {
      this.sndNxt = this.iss + 1;
      this.synAt = now;
    } else this.synRetransmitted = true;
    if (synAck) h.ackSent();
    this.rtoTimer.arm(now + this.rtt.rto);
  }

  /** Cookie path: we are in SYN-RECEIVED with our SYN-ACK (the cookie) already sent. */
  restoreSynSent(iss: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss + 1;
    this.synRetransmitted = true; // no RTT sample from a stateless SYN-ACK
  }

  /** Apply negotiated options (RFC 9293 §3.7.1: MSS default 536 / 1220). */
  negotiate(peerMss: number, sndShift: number, sackOk: boolean, tsOk: boolean, family: 'IPv4' | 'IPv6'): void {
    const mss = peerMss > 0 ? peerMss : family === 'IPv6' ? 1220 : 536;
    const optionSpace = tsOk ? TIMESTAMPS_SPACE : 0;
    this.sendMss = Math.max(1, Math.min(mss, this.rcvMss) - optionSpace);
    this.rcvFullSize = this.rcvMss - optionSpace;
    this.sndScale = 2 ** sndShift;
    this.recovery.sackOk = sackOk;
    this.recovery.tsOk = tsOk;
    this.tsOk = tsOk;
  }

  /** Our SYN was acknowledged with `ack` by `seg` (RFC 9293 §3.10.7.3 / §3.10.7.4). */
  onSynAcked(ack: number, seg: TcpHeader): void {
    const h = this.host;
    const now = h.ctx.clock.now();
    this.sndUna = ack;
    this.recovery.reset(ack);
    this.sndWnd = seg.flags & TcpFlags.SYN ? seg.window : seg.window * this.sndScale;
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = unwrapSeq(seg.seq, h.rcv.rcvNxt);
    this.sndWl2 = ack;
    this.rtoTimer.cancel();
    if (!this.synRetransmitted) this.rtt.sample(now - this.synAt);
    else this.rtt.resetAfterSynTimeout();
    this.rtt.backoff = 0;
    this.ev.cc = h.ctx.createCongestionController(this.sendMss, this.rtt, {});
  }

  // ------------------------------------------------------------ ACK processing

  /**
   * Process the ACK field, window and SACK blocks of an acceptable segment
   * (RFC 9293 §3.10.7.4 fifth check; `ack` already range-checked per RFC 5961 §5.2).
   */
  onAck(seg: TcpHeader, ack: number, seq: number, dataLen: number, now: number): void {
    const h = this.host;
    this.answered = true;
    // Window update: only from a segment whose ACK is not old (SND.UNA =< SEG.ACK, the upper
    // bound checked by the caller) and that is newer by the SND.WL1 / SND.WL2 rule (§3.10.7.4).
    const wnd = seg.window * this.sndScale;
    const oldWnd = this.sndWnd;
    if (ack >= this.sndUna && (this.sndWl1 < seq || (this.sndWl1 === seq && this.sndWl2 <= ack))) {
      this.sndWnd = wnd;
      this.sndWl1 = seq;
      this.sndWl2 = ack;
      if (wnd > this.maxSndWnd) this.maxSndWnd = wnd;
    }
    const cc = this.cc;
    if (cc === undefined) return;
    const rec = this.recovery;
    const priorInFlight = this.inFlight();
    const acked = ack - this.sndUna;
    const o = seg.options;
    const newlySacked = rec.processSack(o, ack);
    if (acked > 0) {
      const ev = this.ev;
      ev.ackBegin(cc, now);
      this.sb.ackTo(ack, ev.onRecordAcked);
      let rttSample: number | undefined;
      // Karn (RFC 6298 §3): an ACK that also covers a retransmission is ambiguous: the segments
      // it acknowledges without retransmission may have arrived long before (out of order, their
      // SACKs lost), so only the timestamp echo, which names the transmission, is a sample.
      if (ev.ackedSentAt >= 0 && !ev.ackedRetransmitted) rttSample = now - ev.ackedSentAt;
      else if (this.tsOk && o.hasTimestamps && o.tsEcr !== 0) {
        const d = (h.opts.tsNow(now) - o.tsEcr) | 0; // Karn-safe: the echo names the transmission (RFC 7323 §4.1)
        if (d >= 0) rttSample = d;
      }
      if (rttSample !== undefined) this.rtt.sample(rttSample);
      this.rtt.backoff = 0;
      this.consecutiveRtos = 0;
      this.persistBackoff = 0;
      this.sndUna = ack;
      this.buf.consumeTo(ack - this.iss - 1);
      rec.onCumulativeAck(now, ack, acked, o.hasTimestamps ? o.tsEcr : 0);
      // Not cwnd-limited (RFC 9438 §5.8, RFC 7661): nothing more to send, or a flight at least
      // one SMSS below cwnd (held back by the peer's receive window or the application).
      const appLimited =
        priorInFlight + this.sendMss <= cc.cwnd || (this.unsent <= 0 && priorInFlight < cc.cwnd);
      ev.ackEnd(cc, now, acked, priorInFlight, this.inFlight(), rttSample !== undefined && rttSample > 0 ? rttSample : undefined, appLimited, rec.inRecovery);
      if (this.sndUna < this.sndNxt) this.rtoTimer.arm(now + this.rtt.rto);
      else this.rtoTimer.cancel();
      if (this.finSent && !this.finAckedFlag && ack > this.finSeq) {
        this.finAckedFlag = true;
        h.finAcked();
      }
      if (h.ctx.tracer.enabled) this.traceMetrics();
    } else if (
      ack === this.sndUna &&
      this.sndNxt > this.sndUna &&
      dataLen === 0 &&
      !(seg.flags & (TcpFlags.SYN | TcpFlags.FIN)) &&
      (wnd === oldWnd || newlySacked > 0)
    ) {
      rec.onDuplicateAck();
    }
    rec.detect(now, acked, newlySacked);
  }

  // ------------------------------------------------------------ transmission

  /**
   * Send whatever the windows allow: retransmissions first, then new data, then the FIN.
   * @param now - the current time in ms when the caller has it; otherwise the clock is read
   *   once, at the first transmission
   */
  trySend(now = -1): void {
    sendLoop(this, now);
    // Ask the application for more once half the send buffer went out (not on every ACK).
    if (this.writeBlocked && this.unsent <= this.host.cfg.sendBuffer / 2) {
      this.writeBlocked = false;
      this.host.writable();
    }
  }

  /**
   * Retransmit `r` now, whatever the windows (RecoveryHost; also used by the RTO).
   * @param now - the current time in ms, if the caller has it
   */
  retransmit(r: SegmentRecord, now: number = this.host.ctx.clock.now()): void {
    retransmitSegment(this, r, now);
  }

  /** SACK blocks that fit next to `payload` bytes and the timestamps in one datagram (RFC 2018 §3). */
  sackBlocksRoom(payload: number): number {
    return sackBlocksRoom(this, payload);
  }

  /** A zero-window / keepalive probe: SEG.SEQ = SND.UNA − 1, no data (elicits an ACK). */
  sendProbe(): void {
    sendProbe(this);
  }

  // ------------------------------------------------------------ timers

  private onRto(): void {
    const h = this.host;
    const now = h.ctx.clock.now();
    if (h.state === 'SYN-SENT' || h.state === 'SYN-RECEIVED') {
      if (!h.synRetry()) {
        h.failTimeout('SYN');
        return;
      }
      this.rtt.backoff++;
      this.timeouts++;
      this.sendSyn(h.state === 'SYN-RECEIVED');
      return;
    }
    if (this.sndUna >= this.sndNxt) return;
    this.timeouts++;
    // A peer that shrank its window to zero and acknowledges every retransmission keeps the
    // connection alive: those retransmissions are its zero-window probes (RFC 1122 §4.2.2.17).
    const answered = this.takeAnswered();
    const probed = this.sndWnd === 0 && answered;
    if (!probed && ++this.consecutiveRtos > h.cfg.maxRetransmits) {
      h.failTimeout(`${this.consecutiveRtos - 1} retransmissions`);
      return;
    }
    this.recovery.onRto(now);
    this.rtt.backoff++;
    this.metricsChanged();
    const tr = h.ctx.tracer;
    if (tr.enabled) tr.emit('packet_lost', { seq: this.sndUna >>> 0, trigger: 'retransmission_timeout', rto: this.rtt.rto });
    this.rtoTimer.cancel();
    const head = this.sb.nextLost();
    if (head !== undefined) this.retransmit(head);
    this.trySend();
    if (!this.rtoTimer.armed) this.rtoTimer.arm(now + this.rtt.rto);
  }

  /** Whether an acceptable ACK arrived since the last call (a timer's probe was answered). @internal */
  takeAnswered(): boolean {
    const a = this.answered;
    this.answered = false;
    return a;
  }

  /** Cancel timers. */
  dispose(): void {
    this.rtoTimer.cancel();
    this.persistTimer.cancel();
  }

  private traceMetrics(): void {
    traceSenderMetrics(this);
  }

  /** {@inheritDoc RecoveryHost.metricsChanged} */
  metricsChanged(): void {
    if (this.host.ctx.tracer.enabled) traceSenderMetrics(this);
  }

  /** Send-side statistics (bytes, ms). */
  stats(): Record<string, unknown> {
    return senderStats(this);
  }
}
