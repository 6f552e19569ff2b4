/**
 * The retransmission queue and SACK scoreboard (RFC 6675 §3–4, RFC 2018):
 * one record per transmitted segment, in sequence order, with its SACKed /
 * lost / in-flight status. Keeps `pipe` (RFC 6675 §4 SetPipe: bytes
 * believed in the network) up to date incrementally.
 *
 * Sequence numbers are unwrapped (see `seq.ts`).
 *
 * @module
 */

/** One transmitted segment (data and/or FIN). */
export interface SegmentRecord {
  /** First sequence number. */
  seq: number;
  /** One past the last sequence number (a FIN counts one). */
  end: number;
  /** Whether the segment carries the FIN. */
  fin: boolean;
  /** Time of the latest (re)transmission, ms. */
  sentAt: number;
  /** TSval of the latest (re)transmission (unsigned 32 bit). */
  tsVal: number;
  /** How many times it was retransmitted. */
  retransmits: number;
  /** Recovery epoch of the latest retransmission (RFC 6675 HighRxt role). */
  rxEpoch: number;
  /** SND.NXT when it was last retransmitted (lost-retransmission detection), 0 before. */
  rxNxt: number;
  /** Covered by a SACK block. */
  sacked: boolean;
  /** Deemed lost and waiting to be retransmitted. */
  lost: boolean;
  /** Counted in `pipe`. */
  inFlight: boolean;
}

/** Retransmission queue with SACK scoreboard. */
export class Scoreboard {
  private recs: SegmentRecord[] = [];
  private head = 0;
  /** Bytes believed in flight (RFC 6675 "pipe"). */
  pipe = 0;
  /** Bytes marked SACKed and not yet cumulatively acknowledged. */
  sackedBytes = 0;
  /** Bytes marked lost and not yet retransmitted. */
  lostBytes = 0;
  /** Index hint: no lost record exists below it. */
  private lostHint = 0;
  /** Highest sequence number SACKed so far (end of the highest SACKed record), 0 when none. */
  highSacked = 0;
  /** Retransmissions found lost by {@link Scoreboard.detectLosses} (no timeout needed). */
  lostRetransmissions = 0;

  /** Number of records. */
  get size(): number {
    return this.recs.length - this.head;
  }

  /** The oldest record (at SND.UNA), if any. */
  first(): SegmentRecord | undefined {
    return this.head < this.recs.length ? this.recs[this.head] : undefined;
  }

  /** The newest record, if any. */
  last(): SegmentRecord | undefined {
    return this.head < this.recs.length ? this.recs[this.recs.length - 1] : undefined;
  }

  /** Record a first transmission. */
  add(seq: number, end: number, fin: boolean, now: number, tsVal: number): SegmentRecord {
    const r: SegmentRecord = {
      seq,
      end,
      fin,
      sentAt: now,
      tsVal,
      retransmits: 0,
      rxEpoch: -1,
      rxNxt: 0,
      sacked: false,
      lost: false,
      inFlight: true,
    };
    this.recs.push(r);
    this.pipe += end - seq;
    return r;
  }

  /**
   * Note a retransmission of `r` (it goes back in flight); `sndNxt` is
   * SND.NXT at that moment.
   */
  retransmitted(r: SegmentRecord, now: number, tsVal: number, epoch: number, sndNxt: number): void {
    if (r.lost) {
      r.lost = false;
      this.lostBytes -= r.end - r.seq;
    }
    if (!r.inFlight) {
      r.inFlight = true;
      this.pipe += r.end - r.seq;
    }
    r.retransmits++;
    r.rxEpoch = epoch;
    r.rxNxt = sndNxt;
    r.sentAt = now;
    r.tsVal = tsVal;
  }

  /**
   * Remove every record fully below `ack` (calling `onAcked` for each), and
   * trim a record that `ack` splits.
   */
  ackTo(ack: number, onAcked: (r: SegmentRecord) => void): void {
    const recs = this.recs;
    while (this.head < recs.length) {
      const r = recs[this.head];
      if (r.end <= ack) {
        this.forget(r);
        this.head++;
        onAcked(r);
        continue;
      }
      if (r.seq < ack) {
        const cut = ack - r.seq;
        if (r.inFlight) this.pipe -= cut;
        if (r.sacked) this.sackedBytes -= cut;
        if (r.lost) this.lostBytes -= cut;
        r.seq = ack;
      }
      break;
    }
    if (this.head > 1024 && this.head * 2 > recs.length) {
      this.recs = recs.slice(this.head);
      this.lostHint = Math.max(0, this.lostHint - this.head);
      this.head = 0;
    }
    if (this.lostHint < this.head) this.lostHint = this.head;
  }

  private forget(r: SegmentRecord): void {
    const len = r.end - r.seq;
    if (r.inFlight) this.pipe -= len;
    if (r.sacked) this.sackedBytes -= len;
    if (r.lost) this.lostBytes -= len;
  }

  /** Index of the first record with `end > seq`. */
  private indexAfter(seq: number): number {
    let lo = this.head;
    let hi = this.recs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.recs[mid].end <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Mark records fully inside `[left, right)` as SACKed (RFC 2018 §5).
   * @returns bytes newly SACKed
   */
  markSacked(left: number, right: number): number {
    let n = 0;
    for (let i = this.indexAfter(left); i < this.recs.length; i++) {
      const r = this.recs[i];
      if (r.seq >= right) break;
      if (r.sacked || r.seq < left || r.end > right) continue;
      const len = r.end - r.seq;
      r.sacked = true;
      this.sackedBytes += len;
      n += len;
      if (r.end > this.highSacked) this.highSacked = r.end;
      if (r.inFlight) {
        r.inFlight = false;
        this.pipe -= len;
      }
      if (r.lost) {
        r.lost = false;
        this.lostBytes -= len;
      }
    }
    return n;
  }

  /** Mark `r` lost (it leaves the pipe until retransmitted). */
  markLost(r: SegmentRecord): void {
    if (r.lost || r.sacked) return;
    r.lost = true;
    this.lostBytes += r.end - r.seq;
    if (r.inFlight) {
      r.inFlight = false;
      this.pipe -= r.end - r.seq;
    }
    const idx = this.recs.indexOf(r, this.head);
    if (idx >= 0 && idx < this.lostHint) this.lostHint = idx;
  }

  /**
   * RFC 6675 §4 IsLost for every record: a record not SACKed, never
   * retransmitted, with at least `dupThresh` SACKed segments or more than
   * `(dupThresh − 1)·mss` SACKed bytes above it is marked lost.
   *
   * A record already retransmitted (in this episode or an earlier one) is
   * judged by its latest retransmission instead ({@link Scoreboard.retransmissionLost}).
   * @returns bytes newly marked lost
   */
  detectLosses(mss: number, dupThresh: number): number {
    if (this.sackedBytes === 0) return 0;
    let sackedAbove = 0;
    let sackedSegs = 0;
    let lost = 0;
    let lowest = -1;
    for (let i = this.recs.length - 1; i >= this.head; i--) {
      const r = this.recs[i];
      if (r.sacked) {
        sackedAbove += r.end - r.seq;
        sackedSegs++;
        continue;
      }
      if (sackedSegs === 0 || r.lost) continue;
      if (r.retransmits > 0) {
        if (!this.retransmissionLost(r, mss, dupThresh)) continue;
        this.lostRetransmissions++;
      } else if (!(sackedSegs >= dupThresh || sackedAbove > (dupThresh - 1) * mss)) continue;
      r.lost = true;
      const len = r.end - r.seq;
      this.lostBytes += len;
      lost += len;
      if (r.inFlight) {
        r.inFlight = false;
        this.pipe -= len;
      }
      lowest = i;
    }
    if (lowest >= 0 && lowest < this.lostHint) this.lostHint = lowest;
    return lost;
  }

  /**
   * Whether the latest retransmission of `r` is lost: data at least
   * `dupThresh·mss` beyond SND.NXT at that retransmission was SACKed, so data
   * sent after it arrived and it did not (lost-retransmission detection as
   * in RFC 8985 §2.2 and Linux `tcp_mark_lost_retrans`; RFC 6675 alone
   * leaves a lost retransmission to the RTO). Until then the retransmission
   * is in flight and the duplicate ACKs and SACKs for data sent before it
   * say nothing about it.
   */
  retransmissionLost(r: SegmentRecord, mss: number, dupThresh: number): boolean {
    return this.highSacked >= r.rxNxt + dupThresh * mss;
  }

  /**
   * Whether the first record would count as lost by RFC 6675 IsLost (by
   * {@link Scoreboard.retransmissionLost} when it was retransmitted).
   */
  firstIsLost(mss: number, dupThresh: number): boolean {
    const f = this.first();
    if (f === undefined || f.sacked) return false;
    if (f.retransmits > 0) return this.retransmissionLost(f, mss, dupThresh);
    let segs = 0;
    for (let i = this.head + 1; i < this.recs.length; i++) if (this.recs[i].sacked) segs++;
    return segs >= dupThresh || this.sackedBytes > (dupThresh - 1) * mss;
  }

  /** The lowest record waiting for retransmission, if any. */
  nextLost(): SegmentRecord | undefined {
    if (this.lostBytes <= 0) return undefined;
    for (let i = Math.max(this.lostHint, this.head); i < this.recs.length; i++) {
      if (this.recs[i].lost) {
        this.lostHint = i;
        return this.recs[i];
      }
    }
    this.lostHint = this.recs.length;
    return undefined;
  }

  /**
   * Retransmission timeout (RFC 6298 §5.4, RFC 6675 §5.1): every record not
   * SACKed is lost; with `forgetSacks` SACK marks are dropped first
   * (RFC 2018 §8: the receiver may have reneged).
   */
  markAllLost(forgetSacks: boolean): void {
    for (let i = this.head; i < this.recs.length; i++) {
      const r = this.recs[i];
      if (forgetSacks && r.sacked) {
        r.sacked = false;
        this.sackedBytes -= r.end - r.seq;
      }
      if (forgetSacks) this.highSacked = 0;
      if (r.sacked || r.lost) continue;
      r.lost = true;
      this.lostBytes += r.end - r.seq;
      if (r.inFlight) {
        r.inFlight = false;
        this.pipe -= r.end - r.seq;
      }
    }
    this.lostHint = this.head;
  }

  /**
   * Undo loss marks after a spurious retransmission was detected
   * (RFC 3522 §2): records waiting for retransmission go back in flight.
   */
  unmarkLost(): void {
    if (this.lostBytes === 0) return;
    for (let i = this.head; i < this.recs.length; i++) {
      const r = this.recs[i];
      if (!r.lost) continue;
      r.lost = false;
      r.inFlight = true;
      this.pipe += r.end - r.seq;
    }
    this.lostBytes = 0;
  }

  /** Drop everything. */
  clear(): void {
    this.recs = [];
    this.head = 0;
    this.pipe = 0;
    this.sackedBytes = 0;
    this.lostBytes = 0;
    this.lostHint = 0;
    this.highSacked = 0;
  }
}
