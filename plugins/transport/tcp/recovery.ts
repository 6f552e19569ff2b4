/**
 * Loss detection and recovery for the send half: SACK processing with
 * D-SACK recognition (RFC 2018 §5, RFC 2883 §4), duplicate-ACK counting
 * (RFC 5681 §2), fast retransmit / NewReno recovery (RFC 5681 §3.2,
 * RFC 6582 §3.2), SACK-based recovery (RFC 6675 §5), the RTO reaction
 * (RFC 6298 §5, RFC 5681 §3.1) and spurious-retransmission detection, with
 * timestamps (Eifel, RFC 3522 §3.2) and with D-SACK (RFC 3708 §3: every
 * retransmission of an episode reported as a duplicate). It decides what is
 * lost; the sender decides when to (re)transmit.
 *
 * Sequence numbers are unwrapped (see `seq.ts`).
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import type { Tracer } from '../../../core/trace/tracer.js';
import type { TcpOptions } from './options.js';
import type { RttEstimator } from './rtt.js';
import type { Scoreboard, SegmentRecord } from './scoreboard.js';
import { unwrapSeq } from './seq.js';

/** RFC 5681 §3.2 DupThresh. */
export const DUP_THRESH = 3;

/** Retransmitted ranges remembered per episode for D-SACK detection; beyond it detection is skipped. */
const MAX_EPISODE_RANGES = 64;

/** What recovery reads from, and asks of, the sender. */
export interface RecoveryHost {
  /** Retransmission queue and scoreboard. */
  readonly sb: Scoreboard;
  /** RTT estimator (backoff is reset on a spurious RTO). */
  readonly rtt: RttEstimator;
  /** Congestion controller. */
  readonly cc: CongestionController | undefined;
  /** Effective send MSS in bytes. */
  readonly sendMss: number;
  /** SND.UNA. */
  readonly sndUna: number;
  /** SND.NXT. */
  readonly sndNxt: number;
  /** MAX.SND.WND (RFC 5961 §5.2). */
  readonly maxSndWnd: number;
  /** Connection tracer. */
  readonly tracer: Tracer;
  /** Retransmit `r` now, whatever the window (fast retransmit). */
  retransmit(r: SegmentRecord): void;
  /** The controller's window changed outside ACK processing: trace the new metrics (`metrics_updated`). */
  metricsChanged(): void;
}

/** Recovery state of one connection. */
export class LossRecovery {
  /** SACK negotiated (RFC 6675) rather than NewReno. */
  sackOk = false;
  /** Timestamps negotiated (Eifel detection possible). */
  tsOk = false;
  /** In a fast-recovery episode. */
  inRecovery = false;
  /** RecoveryPoint / NewReno `recover`: SND.NXT when the episode (or RTO) began. */
  recoveryPoint = 0;
  /** Episode counter (marks retransmissions, RFC 6675 HighRxt role). */
  epoch = 0;
  /** Bytes that duplicate ACKs say have left the network (NewReno only). */
  renoDupBytes = 0;
  /** Consecutive duplicate ACKs. */
  dupAcks = 0;
  /** Fast-retransmit / SACK recovery episodes. */
  fastRecoveries = 0;
  /** Retransmission episodes found spurious (Eifel). */
  spuriousRetransmissions = 0;
  /** Of those, found by D-SACK (RFC 3708); the rest by timestamps (Eifel). */
  spuriousByDsack = 0;
  /** SACK blocks received (D-SACK excluded). */
  sackBlocksReceived = 0;
  /** D-SACK blocks received (RFC 2883). */
  dsacksReceived = 0;

  // D-SACK detection (RFC 3708): the retransmitted ranges of the current episode.
  private readonly epRanges: number[] = [];
  private readonly epMarked: boolean[] = [];
  private epOverflow = false;
  private epUndone = true;
  private undoAwaiting = false;
  private undoArmed = false;
  private undoTsVal = 0;
  private undoEnd = 0;

  /**
   * @param s - the sender
   * @param clockNow - the stack clock (ms)
   */
  constructor(
    private readonly s: RecoveryHost,
    private readonly clockNow: () => number,
  ) {}

  /** Start: nothing before `iss + 1` can begin a recovery. */
  reset(sndUna: number): void {
    this.recoveryPoint = sndUna;
  }

  /**
   * Apply the SACK blocks of an ACK (`ack` = SEG.ACK unwrapped). D-SACK
   * blocks are counted; blocks outside [SND.UNA − MAX.SND.WND, SND.NXT] are ignored.
   * @returns bytes newly SACKed
   */
  processSack(o: TcpOptions, ack: number): number {
    if (!this.sackOk || o.sackCount === 0) return 0;
    const s = this.s;
    const una = s.sndUna;
    let n = 0;
    for (let k = 0; k < o.sackCount; k++) {
      const l = unwrapSeq(o.sack[2 * k], una);
      const r = unwrapSeq(o.sack[2 * k + 1], una);
      if (r <= l) continue;
      if (k === 0) {
        const dsack = r <= ack || (o.sackCount > 1 && l >= unwrapSeq(o.sack[2], una) && r <= unwrapSeq(o.sack[3], una));
        if (dsack) {
          this.dsacksReceived++;
          this.onDsack(l, r);
          continue;
        }
      }
      if (r > s.sndNxt || l < una - s.maxSndWnd) continue;
      this.sackBlocksReceived++;
      n += s.sb.markSacked(Math.max(l, ack), r);
    }
    return n;
  }

  /**
   * SND.UNA advanced by `acked` bytes to `ack` (already applied by the
   * sender): Eifel check, end of recovery, NewReno partial ACK.
   */
  onCumulativeAck(now: number, ack: number, acked: number, tsEcr: number): void {
    const s = this.s;
    this.dupAcks = 0;
    if (this.undoArmed && ack >= this.undoEnd) this.checkSpurious(now, tsEcr);
    if (!this.epUndone && ack >= this.recoveryPoint) this.checkDsackUndo(now);
    if (!this.inRecovery) return;
    this.renoDupBytes = Math.max(0, this.renoDupBytes - acked);
    if (ack >= this.recoveryPoint) {
      this.inRecovery = false;
      this.renoDupBytes = 0;
      s.cc?.onRecoveryEnd?.(now);
    } else if (!this.sackOk) {
      // NewReno partial ACK (RFC 6582 §3.2 step 3): retransmit the next hole at once.
      const head = s.sb.first();
      if (head !== undefined && head.rxEpoch !== this.epoch) {
        s.sb.markLost(head);
        s.retransmit(head);
      }
    }
  }

  /** A duplicate ACK (RFC 5681 §2) or an ACK with new SACK information (RFC 6675 §2). */
  onDuplicateAck(): void {
    this.dupAcks++;
    if (!this.sackOk) {
      const s = this.s;
      const cap = Math.max(0, s.sndNxt - s.sndUna - s.sendMss);
      this.renoDupBytes = Math.min(this.renoDupBytes + s.sendMss, cap);
    }
  }

  /** Loss detection after an ACK: start an episode or mark further losses. */
  detect(now: number, acked: number, newlySacked: number): void {
    const s = this.s;
    if (this.sackOk) {
      if (s.sb.sackedBytes === 0 || (newlySacked === 0 && acked === 0)) return;
      if (this.inRecovery) s.sb.detectLosses(s.sendMss, DUP_THRESH);
      else if (s.sndUna >= this.recoveryPoint) {
        // A head whose retransmission (from the episode that just ended) is still in flight is
        // not lost because of duplicate ACKs for data sent before that retransmission.
        const head = s.sb.first();
        const dupAckLoss = this.dupAcks >= DUP_THRESH && head !== undefined && head.retransmits === 0;
        if (dupAckLoss || s.sb.firstIsLost(s.sendMss, DUP_THRESH)) this.enterRecovery(now);
      }
    } else if (!this.inRecovery && this.dupAcks === DUP_THRESH && s.sndUna >= this.recoveryPoint) {
      this.enterRecovery(now);
    }
  }

  /** Fast retransmit: a new recovery episode (RFC 5681 §3.2, RFC 6582 §3.2, RFC 6675 §5). */
  private enterRecovery(now: number): void {
    const s = this.s;
    const head = s.sb.first();
    if (s.cc === undefined || head === undefined) return;
    // The reduction starts from FlightSize (RFC 5681 eq. 4, RFC 6675 §5 step 4.2), capped at
    // cwnd + DupThresh·SMSS. A cwnd-limited sender detects a loss with about cwnd in the pipe
    // plus the DupThresh segments whose SACKs revealed it, so the cap leaves the usual case
    // alone. FlightSize is far above it only when recovery sent new data past holes it had not
    // repaired yet (RFC 6675 NextSeg rule 2 while pipe < cwnd, e.g. when retransmissions were
    // lost): an episode that begins right after such a one saw SND.NXT − SND.UNA several times
    // what the path holds, and reducing from it RAISED cwnd (each later episode, and the queue
    // overflow, grew without bound). The cap keeps ssthresh "no more than" eq. 4 (RFC 5681 §3.2).
    const flight = Math.min(s.sndNxt - s.sndUna, s.cc.cwnd + DUP_THRESH * s.sendMss);
    this.inRecovery = true;
    this.epoch++;
    this.fastRecoveries++;
    this.recoveryPoint = s.sndNxt;
    s.sb.markLost(head);
    if (this.sackOk) s.sb.detectLosses(s.sendMss, DUP_THRESH);
    this.undoAwaiting = this.tsOk;
    this.undoArmed = false;
    this.newEpisode();
    if (s.tracer.enabled) s.tracer.emit('packet_lost', { seq: head.seq >>> 0, length: head.end - head.seq, trigger: 'fast_retransmit' });
    s.cc.onCongestionEvent({
      now,
      cause: 'loss',
      lostBytes: s.sb.lostBytes,
      bytesInFlight: flight,
      largestLostSentAt: head.sentAt,
      persistent: false,
    });
    s.metricsChanged();
    // The fast retransmission itself does not wait for the window (RFC 5681 §3.2 step 2, RFC 6675 §5 step 4.2).
    if (head.lost) s.retransmit(head);
  }

  /** The retransmission timer expired: everything outstanding is lost (RFC 6298 §5.4, RFC 5681 §3.1). */
  onRto(now: number): void {
    const s = this.s;
    // FlightSize with the same cap as a fast retransmit (see enterRecovery): a timeout during
    // recovery otherwise recomputed ssthresh from all the data sent past the holes (seen: 3×
    // what the path holds, so the slow start after the timeout overshot into the next one).
    const cwnd = s.cc === undefined ? Infinity : s.cc.cwnd;
    s.cc?.onRetransmissionTimeout({ now, bytesInFlight: Math.min(s.sndNxt - s.sndUna, cwnd + DUP_THRESH * s.sendMss) });
    s.sb.markAllLost(s.rtt.backoff > 0); // forget SACKs on a repeated timeout (RFC 2018 §8: reneging)
    this.epoch++;
    this.inRecovery = false;
    this.recoveryPoint = s.sndNxt;
    this.dupAcks = 0;
    this.renoDupBytes = 0;
    this.undoAwaiting = this.tsOk && s.rtt.backoff === 0;
    this.undoArmed = false;
    if (s.rtt.backoff === 0) this.newEpisode();
    else this.epOverflow = true; // a repeated timeout: no undo for this episode
  }

  private newEpisode(): void {
    this.epRanges.length = 0;
    this.epMarked.length = 0;
    this.epOverflow = false;
    this.epUndone = false;
  }

  /** A D-SACK for [l, r): mark the retransmissions of this episode it reports (RFC 3708 §3). */
  private onDsack(l: number, r: number): void {
    if (this.epUndone || this.epOverflow) return;
    for (let i = 0; i < this.epMarked.length; i++) {
      if (!this.epMarked[i] && l <= this.epRanges[2 * i] && this.epRanges[2 * i + 1] <= r) this.epMarked[i] = true;
    }
    if (this.s.sndUna >= this.recoveryPoint) this.checkDsackUndo(this.clockNow());
  }

  /** After the episode: every retransmission was D-SACKed, so none was needed (RFC 3708 §3). */
  private checkDsackUndo(now: number): void {
    if (this.epUndone || this.epOverflow || this.epMarked.length === 0) return;
    for (let i = 0; i < this.epMarked.length; i++) if (!this.epMarked[i]) return;
    this.epUndone = true;
    this.spuriousRetransmissions++;
    this.spuriousByDsack++;
    this.s.rtt.backoff = 0;
    this.s.cc?.onSpuriousCongestion?.(now);
    if (this.s.tracer.enabled) this.s.tracer.emit('spurious_retransmission', { detection: 'dsack', ranges: this.epMarked.length });
    this.s.metricsChanged();
  }

  /** A segment was retransmitted with `tsVal`: the first one of an episode arms Eifel detection. */
  onRetransmit(r: SegmentRecord, tsVal: number): void {
    if (!this.epUndone && !this.epOverflow) {
      if (this.epMarked.length >= MAX_EPISODE_RANGES) this.epOverflow = true;
      else {
        this.epRanges.push(r.seq, r.end);
        this.epMarked.push(false);
      }
    }
    if (!this.undoAwaiting) return;
    this.undoAwaiting = false;
    this.undoArmed = true;
    this.undoTsVal = tsVal;
    this.undoEnd = r.end;
  }

  /** Eifel detection (RFC 3522 §3.2): the ACK echoes a TSval older than our first retransmission. */
  private checkSpurious(now: number, tsEcr: number): void {
    this.undoArmed = false;
    if (!this.tsOk || tsEcr === 0 || ((tsEcr - this.undoTsVal) | 0) >= 0) return;
    const s = this.s;
    this.spuriousRetransmissions++;
    this.epUndone = true;
    s.sb.unmarkLost();
    this.inRecovery = false;
    this.renoDupBytes = 0;
    // No new episode before everything outstanding now is acknowledged: re-entering at once would
    // mark the same (delivered) segments lost again and retransmit them in a loop.
    this.recoveryPoint = Math.max(this.recoveryPoint, s.sndNxt);
    s.rtt.backoff = 0;
    s.cc?.onSpuriousCongestion?.(now);
    if (s.tracer.enabled) s.tracer.emit('spurious_retransmission', { seq: this.undoEnd >>> 0 });
    s.metricsChanged();
  }
}
