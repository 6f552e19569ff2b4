/**
 * The retransmission queue of the sending side: DATA / I-DATA chunks sent
 * and not yet cumulatively acknowledged, with SACK processing (RFC 9260
 * §6.2.1), miss indications and fast retransmit (§7.2.4 with HTNA),
 * T3-rtx marking (§6.3.3), and PR-SCTP abandonment with the
 * Advanced.Peer.Ack.Point and the FORWARD TSN content (RFC 3758 §3.5).
 * The byte accounting (in flight, buffered, unsent) is kept here, since
 * acknowledgement and abandonment release it.
 *
 * `Outbound` (outbound.ts) builds on it with the message queue,
 * fragmentation and TSN / SSN assignment.
 *
 * @module
 */
import { FLAG_U } from './chunk-types.js';
import type { OutChunk, OutMessage, SackOutcome } from './out-types.js';
import { tsnAdd, tsnDiff, tsnLe, tsnLt } from './bytes.js';
import type { SackChunk } from './chunks/sack.js';

/** Chunks sent and not cumulatively acknowledged, and what SACKs, T3-rtx and PR-SCTP abandonment do to them. */
export class RetransmissionQueue {
  /** Next TSN to assign. */
  nextTsn: number;
  /** Peer's cumulative TSN ack point. */
  cumAck: number;
  /** Advanced.Peer.Ack.Point (RFC 3758 §3.5). */
  advancedPeerAckPoint: number;
  /** Bytes of DATA chunks in flight. */
  bytesInFlight = 0;
  /** Bytes queued by the user and not yet acknowledged (or abandoned). */
  bufferedAmount = 0;
  /** Bytes queued by the user and not yet sent once (the part of {@link RetransmissionQueue.bufferedAmount} not in the flight). */
  unsentBytes = 0;
  /** Peer's receive window as last computed (§6.2.1). */
  peerRwnd: number;
  /** In fast recovery until the cum ack reaches this TSN (§7.2.4), or null. */
  recoverTsn: number | null = null;
  /** Chunks retransmitted (fast or T3). */
  retransmissions = 0;
  /** Messages abandoned (PR-SCTP). */
  abandonedMessages = 0;
  /** Whether a FORWARD TSN should be sent (RFC 3758 §3.5 C). */
  forwardTsnPending = false;
  /** The Advanced.Peer.Ack.Point moved since the last FORWARD TSN was sent: send one now. */
  forwardTsnDue = false;
  /** TSN of the new chunk last sent beyond the peer's window (a zero window probe, §6.1 rule A), until acknowledged or resent. */
  probeTsn: number | null = null;
  /** TSN whose SACK gives the next RTT sample (one per round trip), or null. */
  private rttTsn: number | null = null;
  private rttSentAt = 0;
  /** Chunks marked for retransmission. */
  protected rtxCount = 0;
  private readonly flight: OutChunk[] = [];
  private flightHead = 0;
  /** Chunks above the cum ack currently marked acked by gap blocks (0: a SACK without gaps need not walk the flight). */
  private gapAcked = 0;
  private readonly outcome: SackOutcome = {
    stale: false,
    invalid: false,
    cumAdvanced: false,
    ackedBytes: 0,
    priorInFlight: 0,
    rttSample: -1,
    fastRetransmits: 0,
    lostBytes: 0,
    largestLostSentAt: 0,
    acked: [],
  };

  /**
   * @param initialTsn - own Initial TSN
   * @param peerArwnd - the peer's initial a_rwnd
   * @param iData - I-DATA negotiated (RFC 8260): I-FORWARD-TSN content
   */
  constructor(
    initialTsn: number,
    peerArwnd: number,
    readonly iData: boolean,
  ) {
    this.nextTsn = initialTsn >>> 0;
    this.cumAck = tsnAdd(initialTsn, -1);
    this.advancedPeerAckPoint = this.cumAck;
    this.peerRwnd = peerArwnd;
  }

  /** Chunks sent and not cumulatively acknowledged. */
  get outstanding(): number {
    return this.flight.length - this.flightHead;
  }

  /** Whether there are chunks marked for retransmission. */
  get hasRetransmissions(): boolean {
    return this.rtxCount > 0;
  }

  /** Size in bytes of the first chunk marked for retransmission, or 0 if none. */
  protected retransmissionSize(): number {
    if (this.rtxCount > 0) {
      for (let i = this.flightHead; i < this.flight.length; i++) if (this.flight[i].retransmit) return this.flight[i].size;
    }
    return 0;
  }

  /** Take the first chunk marked for retransmission, sent again at `now` and back in flight; undefined if none. */
  protected takeRetransmission(now: number): OutChunk | undefined {
    if (this.rtxCount > 0) {
      for (let i = this.flightHead; i < this.flight.length; i++) {
        const c = this.flight[i];
        if (!c.retransmit) continue;
        c.retransmit = false;
        this.rtxCount--;
        c.transmissions++;
        c.sentAt = now;
        c.inFlight = true;
        this.bytesInFlight += c.size;
        this.retransmissions++;
        if (this.rttTsn === c.tsn) this.rttTsn = null;
        return c;
      }
    }
    return undefined;
  }

  /** New chunk `c`, carrying TSN {@link RetransmissionQueue.nextTsn}, was sent at `now`: it joins the flight (timing an RTT sample when none is). */
  protected pushSent(c: OutChunk, now: number): void {
    this.nextTsn = tsnAdd(this.nextTsn, 1);
    this.flight.push(c);
    this.bytesInFlight += c.size;
    if (this.rttTsn === null) {
      this.rttTsn = c.tsn;
      this.rttSentAt = now;
    }
  }

  /** Process a SACK (RFC 9260 §6.2.1, §7.2.4). The returned object is reused. */
  onSack(s: SackChunk, now: number): SackOutcome {
    const o = this.outcome;
    o.stale = o.invalid = o.cumAdvanced = false;
    o.ackedBytes = o.fastRetransmits = o.lostBytes = o.largestLostSentAt = 0;
    o.rttSample = -1;
    if (o.acked.length !== 0) o.acked.length = 0;
    o.priorInFlight = this.bytesInFlight;
    const cum = s.cumTsnAck;
    if (tsnLt(cum, this.cumAck)) {
      o.stale = true;
      return o;
    }
    if (!tsnLt(cum, this.nextTsn)) {
      o.invalid = true;
      return o;
    }
    let highestNewlyAcked: number | null = null;
    // Cumulative part.
    while (this.flightHead < this.flight.length && tsnLe(this.flight[this.flightHead].tsn, cum)) {
      const c = this.flight[this.flightHead];
      this.flight[this.flightHead++] = undefined as unknown as OutChunk;
      if (c.acked) this.gapAcked--;
      if (!c.acked && !c.abandoned) {
        o.ackedBytes += c.size;
        o.acked.push(c);
        highestNewlyAcked = c.tsn;
      }
      this.release(c);
      if (this.rttTsn === c.tsn) {
        if (c.transmissions === 1) o.rttSample = now - this.rttSentAt;
        this.rttTsn = null;
      }
    }
    if (tsnLt(this.cumAck, cum)) o.cumAdvanced = true;
    this.cumAck = cum;
    if (tsnLt(this.advancedPeerAckPoint, cum)) this.advancedPeerAckPoint = cum;
    this.compactFlight();
    // Gap blocks: mark acked; un-mark chunks the peer reneged on. Without gap
    // blocks and with nothing gap-acked before, there is nothing to walk.
    let highestGapAcked = cum;
    let g = 0;
    const gaps = s.gaps;
    const walkEnd = gaps.length === 0 && this.gapAcked === 0 ? this.flightHead : this.flight.length;
    for (let i = this.flightHead; i < walkEnd; i++) {
      const c = this.flight[i];
      const off = tsnDiff(c.tsn, cum);
      while (g < gaps.length && gaps[g + 1] < off) g += 2;
      const covered = g < gaps.length && gaps[g] <= off && off <= gaps[g + 1];
      if (covered) {
        highestGapAcked = c.tsn;
        if (!c.acked) {
          c.acked = true;
          this.gapAcked++;
          if (c.retransmit) {
            c.retransmit = false;
            this.rtxCount--;
          }
          if (c.inFlight) {
            c.inFlight = false;
            this.bytesInFlight -= c.size;
          }
          if (!c.abandoned) {
            o.ackedBytes += c.size;
            o.acked.push(c);
            if (this.rttTsn === c.tsn) {
              if (c.transmissions === 1) o.rttSample = now - this.rttSentAt;
              this.rttTsn = null;
            }
          }
          highestNewlyAcked = c.tsn;
        }
      } else if (c.acked) {
        c.acked = false; // reneged (§6.2.1): retransmit it on T3
        this.gapAcked--;
        c.inFlight = true;
        this.bytesInFlight += c.size;
      }
    }
    // Miss indications (HTNA, §7.2.4).
    const limit = this.recoverTsn !== null && o.cumAdvanced ? highestGapAcked : highestNewlyAcked;
    if (limit !== null) {
      for (let i = this.flightHead; i < this.flight.length; i++) {
        const c = this.flight[i];
        if (!tsnLt(c.tsn, limit)) break;
        if (c.acked || c.abandoned || c.retransmit || c.fastRetransmitted) continue;
        if (++c.misses >= 3) {
          c.fastRetransmitted = true;
          if (this.abandonIfDue(c.msg, c, now)) continue;
          this.markRetransmit(c);
          o.fastRetransmits++;
          o.lostBytes += c.size;
          if (c.sentAt > o.largestLostSentAt) o.largestLostSentAt = c.sentAt;
        }
      }
    }
    if (this.probeTsn !== null) this.recoverProbe(s.arwnd);
    this.peerRwnd = Math.max(0, s.arwnd - this.bytesInFlight);
    this.advanceAckPoint();
    return o;
  }

  /**
   * Window probe recovery (as usrsctp does): a receiver with a zero window
   * drops the probe (RFC 9260 §6.2), so once a SACK advertises room for a
   * probe it did not acknowledge, the probe is sent again at once instead
   * of after T3-rtx, which zero window probing has backed off (§6.3.3).
   */
  private recoverProbe(arwnd: number): void {
    const c = this.probe();
    if (c !== undefined) {
      if (!c.inFlight || arwnd < c.size) return; // still no room: keep waiting for it
      this.markRetransmit(c);
    }
    this.probeTsn = null; // resent, or acknowledged / abandoned meanwhile
  }

  /** The zero window probe, if it is still outstanding and unacknowledged. */
  private probe(): OutChunk | undefined {
    const tsn = this.probeTsn;
    if (tsn === null || !tsnLt(this.cumAck, tsn)) return undefined;
    const c = this.flight[this.flightHead + tsnDiff(tsn, this.cumAck) - 1];
    return c !== undefined && c.tsn === tsn && !c.acked && !c.abandoned ? c : undefined;
  }

  /** Whether the zero window probe is all that is in flight (its T3-rtx expiry is then no sign of congestion). */
  get probing(): boolean {
    const c = this.probe();
    return c !== undefined && c.inFlight && this.bytesInFlight === c.size;
  }

  private release(c: OutChunk): void {
    if (c.inFlight) this.bytesInFlight -= c.size;
    if (c.retransmit) this.rtxCount--;
    c.inFlight = false;
    c.retransmit = false;
    if (!c.abandoned) this.bufferedAmount -= c.data.length;
  }

  private compactFlight(): void {
    if (this.flightHead === this.flight.length) {
      this.flight.length = 0;
      this.flightHead = 0;
    } else if (this.flightHead > 4096) {
      this.flight.splice(0, this.flightHead);
      this.flightHead = 0;
    }
  }

  private markRetransmit(c: OutChunk): void {
    if (c.inFlight) {
      c.inFlight = false;
      this.bytesInFlight -= c.size;
    }
    if (!c.retransmit) {
      c.retransmit = true;
      this.rtxCount++;
    }
  }

  /** T3-rtx expired (§6.3.3 E3): mark every outstanding, unacknowledged chunk for retransmission. */
  onT3(now: number): void {
    this.recoverTsn = null;
    this.rttTsn = null;
    for (let i = this.flightHead; i < this.flight.length; i++) {
      const c = this.flight[i];
      if (c.acked || c.abandoned || c.retransmit) continue;
      if (this.abandonIfDue(c.msg, c, now)) continue;
      this.markRetransmit(c);
    }
    this.advanceAckPoint();
  }

  /** RFC 3758 §3.5 A1/A2: abandon a message whose retransmission budget or lifetime ran out. */
  private abandonIfDue(m: OutMessage, c: OutChunk, now: number): boolean {
    if (m.abandoned) return true;
    const tooMany = m.maxRetransmits >= 0 && c.transmissions > m.maxRetransmits;
    if (!tooMany && !(now >= m.expiresAt)) return false;
    this.abandon(m);
    return true;
  }

  /** Abandon `m`: its chunks leave the flight and its unsent rest is dropped. */
  abandon(m: OutMessage): void {
    if (m.abandoned) return;
    m.abandoned = true;
    this.abandonedMessages++;
    for (let i = this.flightHead; i < this.flight.length; i++) {
      const c = this.flight[i];
      if (c.msg !== m) continue;
      if (c.inFlight) this.bytesInFlight -= c.size;
      if (c.retransmit) this.rtxCount--;
      c.inFlight = false;
      c.retransmit = false;
      if (!c.abandoned) {
        c.abandoned = true;
        this.bufferedAmount -= c.data.length;
      }
    }
    this.bufferedAmount -= m.data.length - m.offset;
    this.unsentBytes -= m.data.length - m.offset;
    if (m.offset < m.data.length) {
      // Unsent rest: as it never got TSNs, just mark the message so the queue skips it.
      m.offset = m.data.length;
    }
  }

  /** RFC 3758 §3.5 A3: `m` expired before any of it was sent; it is dropped from the byte counts. */
  protected abandonUnsent(m: OutMessage): void {
    m.abandoned = true;
    this.abandonedMessages++;
    this.bufferedAmount -= m.data.length;
    this.unsentBytes -= m.data.length;
  }

  /**
   * RFC 3758 §3.5 C1–C2: move the Advanced.Peer.Ack.Point over abandoned
   * chunks; set {@link RetransmissionQueue.forwardTsnPending} when it passes the cum ack.
   */
  advanceAckPoint(): void {
    let i = this.flightHead + tsnDiff(this.advancedPeerAckPoint, this.cumAck);
    while (i < this.flight.length && this.flight[i].abandoned) {
      this.advancedPeerAckPoint = this.flight[i].tsn;
      this.forwardTsnDue = true;
      i++;
    }
    this.forwardTsnPending = tsnLt(this.cumAck, this.advancedPeerAckPoint);
    if (!this.forwardTsnPending) this.forwardTsnDue = false;
  }

  /**
   * The FORWARD TSN content (RFC 3758 §3.5 C3): new cumulative TSN and, for
   * ordered streams, the highest skipped SSN per stream (flattened pairs);
   * with I-DATA the I-FORWARD-TSN entries (RFC 8260 §2.3): per stream the
   * highest skipped ordered MID, and every skipped unordered MID (flattened
   * sid, U, MID triples).
   */
  forwardTsn(): { newCumTsn: number; streams: number[]; entries: number[] } {
    const last = new Map<number, number>();
    const entries: number[] = [];
    let lastUnordered: OutMessage | undefined;
    for (let i = this.flightHead; i < this.flight.length; i++) {
      const c = this.flight[i];
      if (tsnLt(this.advancedPeerAckPoint, c.tsn)) break;
      if ((c.flags & FLAG_U) === 0) last.set(c.msg.stream, c.msg.ssn);
      else if (this.iData && c.msg !== lastUnordered) {
        lastUnordered = c.msg;
        entries.push(c.msg.stream, 1, c.msg.ssn);
      }
    }
    const streams: number[] = [];
    for (const [sid, ssn] of last) {
      streams.push(sid, ssn);
      entries.push(sid, 0, ssn);
    }
    return { newCumTsn: this.advancedPeerAckPoint, streams, entries };
  }

  /** Whether chunks (not abandoned, not acked) are outstanding: T3-rtx must run. */
  get needsT3(): boolean {
    return this.bytesInFlight > 0 || this.rtxCount > 0 || this.forwardTsnPending;
  }

  /** Earliest send time among chunks in flight (for restarting T3), or Infinity. */
  earliestInFlight(): number {
    for (let i = this.flightHead; i < this.flight.length; i++) if (this.flight[i].inFlight) return this.flight[i].sentAt;
    return Infinity;
  }
}
