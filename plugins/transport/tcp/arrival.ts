/**
 * Segment arrival (RFC 9293 §3.10.7): checksum and header checks, then the
 * per-state processing of LISTEN (§3.10.7.2), SYN-SENT (§3.10.7.3) and the
 * synchronized states (§3.10.7.4: sequence acceptability, RST and SYN with
 * the RFC 5961 protections, RFC 7323 PAWS and TS.Recent, the ACK field,
 * segment text, FIN) and the delayed-ACK decision (RFC 9293 §3.8.6.3).
 *
 * @module
 */
import { DecodeError } from '../../../core/errors.js';
import { TcpResetError } from './types.js';
import type { TcpState } from './types.js';
import { parseTcpHeader, TcpFlags } from './header.js';
import type { TcpHeader } from './header.js';
import { flagNames } from './output.js';
import { ReceiveResult } from './receiver.js';
import { unwrapSeq } from './seq.js';
import { TcpSessionCore } from './session-core.js';

const EMPTY = new Uint8Array(0);

/** Segment arrival processing of a connection. */
export abstract class TcpSegmentArrival extends TcpSessionCore {
  // ------------------------------------------------------------ receive path

  /** Handle one incoming segment. Never throws. */
  handleDatagram(payload: Uint8Array): void {
    if (this.disposed || this.state === 'CLOSED') return;
    try {
      this.receive(payload);
    } catch (err) {
      if (err instanceof DecodeError) this.drop(err.reason);
      else {
        // A bug, never the peer's fault: count it and make it visible in traces.
        if (this.ctx.tracer.enabled) this.ctx.tracer.emit('internal_error', { message: String(err) });
        this.drop('tcp_internal_error');
      }
    }
  }

  private receive(bytes: Uint8Array): void {
    const seg = parseTcpHeader(bytes, this.seg);
    if (this.pseudo !== undefined && !this.pseudo.verify(bytes)) {
      this.drop('tcp_bad_checksum');
      return;
    }
    this.segmentsReceived++;
    const now = this.ctx.clock.now();
    this.lastRecvAt = now;
    this.keepAliveSent = 0;
    const data = bytes.length > seg.headerLength ? bytes.subarray(seg.headerLength) : EMPTY;
    const tracer = this.ctx.tracer;
    if (tracer.enabled) {
      tracer.emit('packet_received', {
        seq: seg.seq,
        ack: seg.ack,
        flags: flagNames(seg.flags),
        window: seg.flags & TcpFlags.SYN ? seg.window : seg.window * 2 ** this.opts.sndShift, // bytes (RFC 7323 §2.3)
        length: data.length,
      });
    }
    switch (this.state) {
      case 'LISTEN':
        this.onListen(seg);
        return;
      case 'SYN-SENT':
        this.onSynSent(seg, data, now);
        return;
      default:
        this.onSegment(seg, data, now);
    }
  }

  /** RFC 9293 §3.10.7.2: a SYN to the listening (new server) session. */
  private onListen(seg: TcpHeader): void {
    const f = seg.flags;
    if (f & TcpFlags.RST) return;
    if (f & TcpFlags.ACK) {
      this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
      this.finish(undefined);
      return;
    }
    if (!(f & TcpFlags.SYN)) {
      this.finish(undefined);
      return;
    }
    this.rcv.init(seg.seq);
    this.negotiate(seg, false);
    this.setState('SYN-RECEIVED');
    this.snd.sendSyn(true);
  }

  /** RFC 9293 §3.10.7.3: segments while waiting for SYN-ACK (`now`: arrival time). */
  private onSynSent(seg: TcpHeader, data: Uint8Array, now: number): void {
    const f = seg.flags;
    const snd = this.snd;
    let ackOk = false;
    if (f & TcpFlags.ACK) {
      const ack = unwrapSeq(seg.ack, snd.sndNxt);
      if (ack <= snd.iss || ack > snd.sndNxt) {
        if (!(f & TcpFlags.RST)) this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
        this.drop('tcp_bad_ack');
        return;
      }
      ackOk = true;
    }
    if (f & TcpFlags.RST) {
      if (ackOk) this.finish(new TcpResetError(true));
      else this.drop('tcp_rst_without_ack');
      return;
    }
    if (!(f & TcpFlags.SYN)) return;
    this.rcv.init(seg.seq);
    this.negotiate(seg, true);
    if (ackOk) {
      snd.onSynAcked(unwrapSeq(seg.ack, snd.sndNxt), seg);
      this.establish();
      // Text or a FIN in the SYN-ACK: "continue processing at the sixth step" (§3.10.7.3), and
      // acknowledge it with the SYN-ACK at once.
      if (data.length > 0 || f & TcpFlags.FIN) this.onText(f, this.rcv.rcvNxt, data, now, true);
      else {
        this.sendAck();
        snd.trySend();
      }
    } else {
      // Simultaneous open (RFC 9293 §3.5, figure 7).
      this.setState('SYN-RECEIVED');
      snd.sendSyn(true);
    }
  }

  /** Record what the peer's SYN offered (RFC 9293 §3.7.1, RFC 7323, RFC 2018). */
  private negotiate(seg: TcpHeader, synAck: boolean): void {
    const o = seg.options;
    this.opts.negotiate(o, seg.flags, synAck);
    this.rcv.shift = this.opts.rcvShift;
    this.out.windowShift = this.opts.rcvShift;
    this.snd.negotiate(o.mss, this.opts.sndShift, this.opts.sackOk, this.opts.tsOk, this.ctx.peer.family);
  }

  private establish(): void {
    this.setState('ESTABLISHED');
    if (this.halfOpen) {
      this.halfOpen = false;
      this.hooks.halfOpenEnded?.();
    }
    if (!this.opened) {
      this.opened = true;
      this.ctx.opened();
    }
    if (this.snd.finQueued) this.setState('FIN-WAIT-1');
  }

  /** RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state (`now`: arrival time). */
  private onSegment(seg: TcpHeader, data: Uint8Array, now: number): void {
    const f = seg.flags;
    const rcv = this.rcv;
    const snd = this.snd;
    const seq = unwrapSeq(seg.seq, rcv.rcvNxt);
    const segLen = data.length + (f & TcpFlags.SYN ? 1 : 0) + (f & TcpFlags.FIN ? 1 : 0);

    // Simultaneous open (RFC 9293 §3.5 figure 7): the peer's SYN-ACK repeats its SYN and acknowledges ours.
    if (this.state === 'SYN-RECEIVED' && f & TcpFlags.SYN && f & TcpFlags.ACK && seq === rcv.irs && !(f & TcpFlags.RST)) {
      const ack = unwrapSeq(seg.ack, snd.sndUna);
      if (ack > snd.sndUna && ack <= snd.sndNxt) {
        snd.onSynAcked(ack, seg);
        this.establish();
        this.sendAck();
        snd.trySend();
        return;
      }
    }
    // RFC 7323 §5.3 PAWS.
    if (this.opts.tsOk && seg.options.hasTimestamps && !(f & TcpFlags.RST) && this.opts.pawsReject(seg.options.tsVal)) {
      this.drop('tcp_paws');
      this.sendAck();
      return;
    }
    // First check: sequence number acceptability.
    if (!rcv.acceptable(seq, segLen)) {
      if (f & TcpFlags.RST) {
        this.drop('tcp_rst_out_of_window');
        return;
      }
      if (this.state === 'SYN-RECEIVED' && f & TcpFlags.SYN && seq === rcv.irs) {
        snd.sendSyn(true); // our SYN-ACK was lost: the peer repeats its SYN
        return;
      }
      if (f & TcpFlags.SYN) {
        this.challengeAck();
        return;
      }
      if (data.length > 0 && seq + data.length <= rcv.rcvNxt) rcv.noteDuplicate(seq, data.length); // RFC 2883 D-SACK
      else if (segLen > 0 || seq !== rcv.rcvNxt - 1) this.drop('tcp_out_of_window');
      this.sendAck();
      return;
    }
    // Second check: RST (RFC 5961 §3.2).
    if (f & TcpFlags.RST) {
      if (seq !== rcv.rcvNxt) {
        this.challengeAck();
        return;
      }
      if (this.state === 'TIME-WAIT') return; // RFC 1337
      this.finish(this.state === 'SYN-RECEIVED' && this.init.role === 'client' ? new TcpResetError(true) : new TcpResetError(false));
      return;
    }
    // Fourth check: SYN in a synchronized state (RFC 5961 §4.2).
    if (f & TcpFlags.SYN) {
      if (this.state === 'SYN-RECEIVED' && seq === rcv.irs) {
        snd.sendSyn(true);
        return;
      }
      this.challengeAck();
      return;
    }
    // Fifth check: ACK.
    if (!(f & TcpFlags.ACK)) {
      this.drop('tcp_no_ack');
      return;
    }
    if (this.opts.tsOk && seg.options.hasTimestamps) this.opts.updateRecent(seg.options.tsVal, seq, now);
    const ack = unwrapSeq(seg.ack, snd.sndUna);
    if (this.state === 'SYN-RECEIVED') {
      if (ack <= snd.sndUna || ack > snd.sndNxt) {
        this.out.send(seg.ack, 0, TcpFlags.RST, 0, undefined);
        this.drop('tcp_bad_ack');
        return;
      }
      snd.onSynAcked(ack, seg);
      this.establish();
    }
    // RFC 5961 §5.2: ACK value acceptability.
    if (ack > snd.sndNxt) {
      this.drop('tcp_ack_unsent');
      this.challengeAck();
      return;
    }
    if (ack < snd.sndUna - snd.maxSndWnd) {
      this.drop('tcp_ack_too_old');
      this.challengeAck();
      return;
    }
    snd.onAck(seg, ack, seq, data.length, now);
    if ((this.state as TcpState) === 'CLOSED' || this.disposed) return;

    // Seventh and eighth: segment text and FIN.
    if (data.length === 0 && !(f & TcpFlags.FIN)) {
      if (this.state !== 'TIME-WAIT') snd.trySend(now);
      return;
    }
    this.onText(f, seq, data, now, false);
  }

  /**
   * RFC 9293 §3.10.7.4 seventh and eighth checks: the text and FIN of an acceptable segment
   * (`seq` unwrapped), then the ACK decision (§3.8.6.3) and whatever may now be sent.
   * @param ackNow - acknowledge at once (the segment also completed our handshake)
   */
  private onText(f: number, seq: number, data: Uint8Array, now: number, ackNow: boolean): void {
    const rcv = this.rcv;
    const snd = this.snd;
    const hasFin = (f & TcpFlags.FIN) !== 0;
    if (this.state === 'TIME-WAIT') {
      if (hasFin) this.sendAck(); // a retransmitted FIN: ACK it again
      return;
    }
    const acceptsText = this.state === 'ESTABLISHED' || this.state === 'FIN-WAIT-1' || this.state === 'FIN-WAIT-2';
    const wasFin = rcv.finReceived;
    const result = acceptsText || hasFin ? rcv.receive(seq, acceptsText ? data : EMPTY, hasFin) : ReceiveResult.Duplicate;
    if (!wasFin && rcv.finReceived) this.onFin();
    if ((this.state as TcpState) === 'TIME-WAIT') return; // the FIN that completed the close was acknowledged on entry
    if ((this.state as TcpState) === 'CLOSED') return;
    const fullSize = snd.rcvFullSize;
    const immediate =
      ackNow ||
      result !== ReceiveResult.InOrder ||
      hasFin ||
      (!wasFin && rcv.finReceived) ||
      this.cfg.delayedAck === 0 ||
      (f & TcpFlags.PSH && data.length < fullSize);
    if (immediate) this.sendAck(now);
    else {
      this.ackDebt += data.length;
      // RFC 5681 §4.2 / RFC 9293 §3.8.6.3: an ACK for at least every second full-sized segment;
      // with ackCoalescing, once this batch of datagrams is handled (a timer due now).
      if (this.ackDebt < 2 * fullSize) {
        if (!this.delAckTimer.armed) this.delAckTimer.arm(now + this.cfg.delayedAck);
      } else if (!this.cfg.ackCoalescing) this.sendAck(now);
      else if (this.delAckTimer.deadline > now) this.delAckTimer.arm(now); // a disarmed timer's deadline is Infinity
    }
    snd.trySend(now);
  }

  /** The peer's FIN reached RCV.NXT (RFC 9293 §3.10.7.4 eighth check). */
  private onFin(): void {
    switch (this.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.setState('CLOSE-WAIT');
        break;
      case 'FIN-WAIT-1':
        if (this.snd.finAckedFlag) this.enterTimeWait(true);
        else this.setState('CLOSING');
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait(true);
        break;
      default:
        break;
    }
  }
}
