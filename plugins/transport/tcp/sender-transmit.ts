/**
 * Transmission for the send half of a connection: what the windows allow
 * (congestion window, send window, Nagle in Minshall's variant and sender
 * SWS avoidance, RFC 9293 §3.7.4, §3.8.6.2.1), building and sending
 * segments (new data, the FIN, retransmissions) and zero-window probing with
 * the persist timer (RFC 9293 §3.8.6.1). Plain functions on the sender: no
 * closure or allocation per segment beyond the payload view.
 *
 * Sequence numbers are unwrapped (see `seq.ts`).
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import { TcpFlags } from './header.js';
import { TIMESTAMPS_SPACE } from './options.js';
import type { SegmentRecord } from './scoreboard.js';
import type { TcpSender } from './sender.js';

const EMPTY = new Uint8Array(0);

/**
 * Send whatever the windows allow: retransmissions first, then new data, then the FIN.
 * @param s - the sender
 * @param now - the current time in ms when the caller has it; otherwise (−1) the clock is
 *   read once, at the first transmission
 */
export function sendLoop(s: TcpSender, now: number): void {
  const h = s.host;
  const st = h.state;
  if (st !== 'ESTABLISHED' && st !== 'CLOSE-WAIT' && st !== 'FIN-WAIT-1' && st !== 'CLOSING' && st !== 'LAST-ACK') return;
  const cc = s.cc;
  if (cc === undefined) return;
  for (let guard = 0; guard < 100_000; guard++) {
    const lost = s.sb.nextLost();
    if (lost !== undefined) {
      if (!cc.canSend(s.inFlight())) return;
      if (now < 0) now = h.ctx.clock.now();
      retransmitSegment(s, lost, now);
      continue;
    }
    const off = s.sndNxt - s.iss - 1;
    const unsent = s.buf.end - off;
    if (unsent > 0) {
      const usable = s.sndUna + s.sndWnd - s.sndNxt;
      const len = Math.min(unsent, usable, s.sendMss);
      if (len <= 0) {
        armPersist(s);
        return;
      }
      if (len < s.sendMss) {
        // Nagle (RFC 9293 §3.7.4) in Minshall's variant (draft-minshall-nagle, as Linux): a short
        // segment waits while an earlier short segment is unacknowledged, not behind full-sized
        // ones, so a write's short tail does not wait for the delayed ACK of an odd last full
        // segment (up to `delayedAck` ms). Sender SWS avoidance (§3.8.6.2.1) is unchanged.
        const idle = s.sndUna >= s.smallEnd || s.noDelay;
        if (!(idle && (unsent <= usable || len >= s.maxSndWnd / 2))) {
          if (s.sndNxt === s.sndUna) armPersist(s);
          return;
        }
      }
      if (!cc.canSend(s.inFlight())) return;
      if (now < 0) now = h.ctx.clock.now();
      sendNew(s, off, len, finRides(s, len, unsent, usable), now);
      continue;
    }
    if (s.finQueued && !s.finSent) {
      // A receiver with RCV.WND = 0 accepts no FIN (§3.10.7.4): hold it and probe the window
      // instead, as for data (§3.8.6.1), so that its unanswered retransmissions cannot time
      // out a connection whose peer keeps acknowledging (RFC 1122 §4.2.2.17).
      if (s.sndUna + s.sndWnd - s.sndNxt < 1) {
        armPersist(s);
        return;
      }
      if (s.inFlight() > 0 && !cc.canSend(s.inFlight())) return;
      sendNew(s, off, 0, true, now < 0 ? h.ctx.clock.now() : now);
    }
    return;
  }
}

/**
 * Whether a queued FIN goes out with a segment of `len` bytes: the segment carries the last of
 * the data, and the window has room for the FIN's sequence number too.
 */
function finRides(s: TcpSender, len: number, unsent: number, usable: number): boolean {
  return s.finQueued && !s.finSent && len === unsent && len < usable;
}

/** Arm the persist timer (backed-off RTO, at most `maxRto`) when nothing is in flight and it is not armed. */
function armPersist(s: TcpSender): void {
  if (s.sndNxt === s.sndUna && !s.persistTimer.armed) {
    const d = Math.min(s.host.cfg.maxRto, s.rtt.rto * 2 ** s.persistBackoff);
    s.persistTimer.arm(s.host.ctx.clock.now() + d);
  }
}

/** Send `len` bytes at stream offset `off` (SEG.SEQ = SND.NXT) for the first time, with FIN if `fin`. */
function sendNew(s: TcpSender, off: number, len: number, fin: boolean, now: number): void {
  const h = s.host;
  const cc = s.cc as CongestionController;
  if (s.sndNxt === s.sndUna && s.lastSendAt > 0 && now - s.lastSendAt > s.rtt.rto) cc.onIdleRestart?.(now);
  const data = len > 0 ? s.buf.read(off, len) : EMPTY;
  const seq = s.sndNxt;
  const flags = TcpFlags.ACK | (fin ? TcpFlags.FIN : 0) | (off + len === s.buf.end ? TcpFlags.PSH : 0);
  const o = h.opts.forSegment(h.rcv, sackBlocksRoom(s, len), true, now);
  const tsVal = o !== undefined && o.hasTimestamps ? o.tsVal : 0;
  const before = s.inFlight();
  h.out.send(seq, h.rcv.rcvNxt, flags, h.windowField(), o, data);
  const end = seq + len + (fin ? 1 : 0);
  s.sb.add(seq, end, fin, now, tsVal);
  s.sndNxt = end;
  if (len > 0 && len < s.sendMss) s.smallEnd = seq + len;
  if (fin) {
    s.finSent = true;
    s.finSeq = seq + len;
  }
  s.bytesSent += len;
  s.lastSendAt = now;
  h.ackSent();
  s.persistTimer.cancel();
  s.ev.segmentSent(now, end - seq, before, false);
  if (!s.rtoTimer.armed) s.rtoTimer.arm(now + s.rtt.rto);
}

/**
 * Retransmit `r` now, whatever the windows (the body of `TcpSender.retransmit`).
 * @param s - the sender
 * @param r - the segment to send again
 * @param now - the current time in ms
 */
export function retransmitSegment(s: TcpSender, r: SegmentRecord, now: number): void {
  const h = s.host;
  const len = r.end - r.seq - (r.fin ? 1 : 0);
  const data = len > 0 ? s.buf.read(r.seq - s.iss - 1, len, true) : EMPTY;
  const flags = TcpFlags.ACK | (r.fin ? TcpFlags.FIN : 0);
  const o = h.opts.forSegment(h.rcv, sackBlocksRoom(s, len), true, now);
  const tsVal = o !== undefined && o.hasTimestamps ? o.tsVal : 0;
  const before = s.inFlight();
  h.out.send(r.seq, h.rcv.rcvNxt, flags, h.windowField(), o, data);
  s.sb.retransmitted(r, now, tsVal, s.recovery.epoch, s.sndNxt);
  s.recovery.onRetransmit(r, tsVal);
  s.retransmissions++;
  s.bytesRetransmitted += len;
  s.lastSendAt = now;
  h.ackSent();
  s.ev.segmentSent(now, r.end - r.seq, before, true);
  if (!s.rtoTimer.armed) s.rtoTimer.arm(now + s.rtt.rto);
}

/** SACK blocks that fit next to `payload` bytes and the timestamps in one datagram (RFC 2018 §3). */
export function sackBlocksRoom(s: TcpSender, payload: number): number {
  const ts = s.tsOk ? TIMESTAMPS_SPACE : 0;
  const optRoom = 40 - ts - 4;
  const dgRoom = s.host.ctx.maxDatagramSize - 20 - ts - payload - 4;
  return Math.max(0, Math.min(4, Math.floor(Math.min(optRoom, dgRoom) / 8)));
}

/** A zero-window / keepalive probe: SEG.SEQ = SND.UNA − 1, no data (elicits an ACK). */
export function sendProbe(s: TcpSender): void {
  const h = s.host;
  const o = h.opts.forSegment(h.rcv, 0, false);
  h.out.send(s.sndUna - 1, h.rcv.rcvNxt, TcpFlags.ACK, h.windowField(), o);
  h.ackSent();
}

/**
 * The persist timer fired (RFC 9293 §3.8.6.1): send what the window now allows (overriding
 * SWS avoidance, §3.8.6.2.1), or probe the zero window and back the timer off. A peer may
 * keep its window closed for as long as it answers the probes (RFC 1122 §4.2.2.17); after
 * `maxRetransmits` probes in a row without any ACK the connection fails, as after
 * retransmission timeouts (RFC 6429).
 */
export function onPersist(s: TcpSender): void {
  const h = s.host;
  const off = s.sndNxt - s.iss - 1;
  const unsent = s.buf.end - off;
  const finPending = s.finQueued && !s.finSent;
  if ((unsent <= 0 && !finPending) || s.sndNxt !== s.sndUna) return;
  const usable = s.sndUna + s.sndWnd - s.sndNxt;
  if (usable > 0 && s.cc !== undefined) {
    const len = Math.min(unsent, usable, s.sendMss);
    sendNew(s, off, len, finRides(s, len, unsent, usable), h.ctx.clock.now()); // SWS override (RFC 9293 §3.8.6.2.1)
    return;
  }
  if (s.takeAnswered()) s.probesUnanswered = 0;
  else if (++s.probesUnanswered > h.cfg.maxRetransmits) {
    h.failTimeout(`${s.probesUnanswered - 1} zero-window probes`);
    return;
  }
  sendProbe(s);
  s.persistBackoff++;
  const d = Math.min(h.cfg.maxRto, s.rtt.rto * 2 ** s.persistBackoff);
  s.persistTimer.arm(h.ctx.clock.now() + d);
}
