/**
 * The sending side of an association: message queue, fragmentation and
 * TSN assignment (RFC 9260 §6.9, §6.1), the retransmission queue with SACK
 * processing (§6.2.1), miss indications and fast retransmit (§7.2.4 with
 * HTNA), T3-rtx marking (§6.3.3), and PR-SCTP abandonment with the
 * Advanced.Peer.Ack.Point (RFC 3758 §3.5).
 *
 * Congestion control is not here: the association reports what this
 * module found to the shared congestion controller.
 *
 * @module
 */
import { DATA_HEADER_SIZE, FLAG_B, FLAG_E, FLAG_U, I_DATA_HEADER_SIZE } from './chunk-types.js';
import { SendQueue } from './send-queue.js';
import type { OutChunk, OutMessage, SackOutcome } from './out-types.js';

export type { OutChunk, OutMessage, SackOutcome } from './out-types.js';
import { tsnAdd, tsnDiff, tsnLe, tsnLt } from './bytes.js';
import type { SackChunk } from './chunks/sack.js';

/** The sending half of an association. */
export class Outbound {
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
  /** Bytes queued by the user and not yet sent once (the part of {@link Outbound.bufferedAmount} not in the flight). */
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
  /** TSN whose SACK gives the next RTT sample (one per round trip), or null. */
  private rttTsn: number | null = null;
  private rttSentAt = 0;
  private readonly queue: SendQueue;
  private readonly hdr: number;
  private readonly midOrdered: Uint32Array | null;
  private readonly midUnordered: Uint32Array | null;
  private readonly flight: OutChunk[] = [];
  private flightHead = 0;
  private readonly ssn: Uint16Array;
  private rtxCount = 0;
  /** Chunks above the cum ack currently marked acked by gap blocks (0: a SACK without gaps need not walk the flight). */
  private gapAcked = 0;
  /** Per-stream counters: messages and bytes sent. */
  readonly streamMessages: Uint32Array;
  /** Per-stream bytes queued. */
  readonly streamBytes: Float64Array;
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
   * @param outboundStreams - negotiated outbound streams
   * @param peerArwnd - the peer's initial a_rwnd
   * @param iData - I-DATA negotiated (RFC 8260): MIDs, FSNs, interleaving
   */
  constructor(
    initialTsn: number,
    readonly outboundStreams: number,
    peerArwnd: number,
    readonly iData = false,
  ) {
    this.queue = new SendQueue(iData);
    this.hdr = iData ? I_DATA_HEADER_SIZE : DATA_HEADER_SIZE;
    this.midOrdered = iData ? new Uint32Array(outboundStreams) : null;
    this.midUnordered = iData ? new Uint32Array(outboundStreams) : null;
    this.nextTsn = initialTsn >>> 0;
    this.cumAck = tsnAdd(initialTsn, -1);
    this.advancedPeerAckPoint = this.cumAck;
    this.peerRwnd = peerArwnd;
    this.ssn = new Uint16Array(outboundStreams);
    this.streamMessages = new Uint32Array(outboundStreams);
    this.streamBytes = new Float64Array(outboundStreams);
  }

  /** Queue a message. */
  enqueue(m: OutMessage): void {
    this.queue.push(m);
    this.bufferedAmount += m.data.length;
    this.unsentBytes += m.data.length;
    this.streamMessages[m.stream]++;
    this.streamBytes[m.stream] += m.data.length;
  }

  /** Whether chunks are waiting for (re)transmission. */
  get hasDataToSend(): boolean {
    return this.rtxCount > 0 || !this.queue.empty;
  }

  /** Whether new (never sent) data is queued. */
  get hasNewData(): boolean {
    return !this.queue.empty;
  }

  /** Chunks sent and not cumulatively acknowledged. */
  get outstanding(): number {
    return this.flight.length - this.flightHead;
  }

  /** Whether everything queued was sent and acknowledged (or abandoned). */
  get idle(): boolean {
    return this.queue.empty && this.outstanding === 0;
  }

  /** Size of a DATA (or I-DATA) chunk header in bytes. */
  get chunkHeaderSize(): number {
    return this.hdr;
  }

  /** Whether there are chunks marked for retransmission. */
  get hasRetransmissions(): boolean {
    return this.rtxCount > 0;
  }

  /** Size in bytes of the next chunk to send, or 0 if none (expired unsent messages are dropped here). */
  peekSize(maxData: number, now: number): number {
    if (this.rtxCount > 0) {
      for (let i = this.flightHead; i < this.flight.length; i++) if (this.flight[i].retransmit) return this.flight[i].size;
    }
    this.expiryNow = now;
    const m = this.queue.head(this.expired);
    return m === undefined ? 0 : this.hdr + Math.min(maxData, m.data.length - m.offset);
  }

  private expiryNow = 0;
  /** RFC 3758 §3.5 A3: a message whose lifetime ended before it was sent is dropped (created once, no closure per call). */
  private readonly expired = (m: OutMessage): boolean => {
    if (!(this.expiryNow >= m.expiresAt)) return false;
    this.abandonUnsent(m);
    return true;
  };

  /**
   * Take the next chunk to send (a retransmission first), after {@link Outbound.peekSize}
   * said there is one. Marks it sent at `now` and in flight.
   */
  take(maxData: number, now: number): OutChunk {
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
    this.expiryNow = now;
    const m = this.queue.head(this.expired) as OutMessage;
    const len = Math.min(maxData, m.data.length - m.offset);
    let flags = m.unordered ? FLAG_U : 0;
    if (m.offset === 0) {
      flags |= FLAG_B;
      const mids = m.unordered ? this.midUnordered : this.midOrdered;
      if (mids !== null) {
        // RFC 8260 §2.1: one MID sequence per stream for ordered and one for unordered messages.
        m.ssn = mids[m.stream];
        mids[m.stream] = (m.ssn + 1) >>> 0;
      } else if (!m.unordered) {
        m.ssn = this.ssn[m.stream];
        this.ssn[m.stream] = (m.ssn + 1) & 0xffff;
      }
    }
    const fsn = m.fsn ?? 0;
    m.fsn = fsn + 1;
    const data = m.offset === 0 && len === m.data.length ? m.data : m.data.subarray(m.offset, m.offset + len);
    m.offset += len;
    this.unsentBytes -= len;
    if (m.offset === m.data.length) flags |= FLAG_E;
    this.queue.advance(m, m.offset === m.data.length);
    const c: OutChunk = {
      tsn: this.nextTsn,
      msg: m,
      flags,
      fsn,
      data,
      size: this.hdr + len,
      sentAt: now,
      transmissions: 1,
      acked: false,
      inFlight: true,
      retransmit: false,
      misses: 0,
      fastRetransmitted: false,
      abandoned: false,
    };
    this.nextTsn = tsnAdd(this.nextTsn, 1);
    this.flight.push(c);
    this.bytesInFlight += c.size;
    if (this.rttTsn === null) {
      this.rttTsn = c.tsn;
      this.rttSentAt = now;
    }
    return c;
  }

  /** Whether messages on `streams` (all when empty) wait to be fragmented (RFC 6525 §5.1.2: a reset waits for them). */
  holdsUnsent(streams: ReadonlySet<number>): boolean {
    return this.queue.holds(streams);
  }

  /** Reset the SSNs (and I-DATA MIDs) of outgoing `streams` (all when empty) to 0 (RFC 6525 §5.1.2, RFC 8260 §2.3). */
  resetStreams(streams: readonly number[]): void {
    const n = streams.length === 0 ? this.outboundStreams : streams.length;
    for (let k = 0; k < n; k++) {
      const sid = streams.length === 0 ? k : streams[k];
      this.ssn[sid] = 0;
      if (this.midOrdered !== null) this.midOrdered[sid] = 0;
      if (this.midUnordered !== null) this.midUnordered[sid] = 0;
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
    this.peerRwnd = Math.max(0, s.arwnd - this.bytesInFlight);
    this.advanceAckPoint();
    return o;
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

  private abandonUnsent(m: OutMessage): void {
    m.abandoned = true;
    this.abandonedMessages++;
    this.bufferedAmount -= m.data.length;
    this.unsentBytes -= m.data.length;
  }

  /**
   * RFC 3758 §3.5 C1–C2: move the Advanced.Peer.Ack.Point over abandoned
   * chunks; set {@link Outbound.forwardTsnPending} when it passes the cum ack.
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
