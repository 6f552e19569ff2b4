/**
 * HyStart++ (RFC 9406): a slow-start exit heuristic driven by RTT increase.
 * It watches the minimum RTT of each round; when a round's minimum grows by
 * more than a threshold it moves to Conservative Slow Start (CSS), which
 * grows cwnd four times more slowly, and after {@link CSS_ROUNDS} CSS rounds
 * it tells the controller to enter congestion avoidance.
 *
 * Rounds are delimited by send times rather than sequence numbers (the
 * congestion contract reports the send time of each acknowledged packet): at
 * the start of a round the send time of the newest packet sent so far is
 * recorded (the "SND.NXT" of RFC 9406 §4.2), and the round ends when a packet
 * sent after it is acknowledged.
 *
 * @module
 */

/** Lower bound of the RTT increase threshold, in ms (RFC 9406 §4.3 MIN_RTT_THRESH). */
export const MIN_RTT_THRESH = 4;
/** Upper bound of the RTT increase threshold, in ms (RFC 9406 §4.3 MAX_RTT_THRESH). */
export const MAX_RTT_THRESH = 16;
/** The threshold is lastRoundMinRTT divided by this (RFC 9406 §4.3 MIN_RTT_DIVISOR). */
export const MIN_RTT_DIVISOR = 8;
/** RTT samples needed in a round before the exit check runs (RFC 9406 §4.3 N_RTT_SAMPLE). */
export const N_RTT_SAMPLE = 8;
/** Growth divisor during Conservative Slow Start (RFC 9406 §4.3 CSS_GROWTH_DIVISOR). */
export const CSS_GROWTH_DIVISOR = 4;
/** CSS rounds before entering congestion avoidance (RFC 9406 §4.3 CSS_ROUNDS). */
export const CSS_ROUNDS = 5;

/** HyStart++ state (RFC 9406 §4.2). */
export type HyStartState = 'slow-start' | 'css' | 'done';

/** What the controller must do after an ACK was fed to {@link HyStartPlusPlus.onAck}. */
export type HyStartVerdict = 'continue' | 'exit';

/** Per-connection HyStart++ state machine. Allocation-free per ACK. */
export class HyStartPlusPlus {
  /** Current state: standard slow start, Conservative Slow Start, or finished. */
  state: HyStartState = 'slow-start';
  /** Minimum RTT of the previous round in ms (RFC 9406 lastRoundMinRTT). */
  lastRoundMinRtt = Infinity;
  /** Minimum RTT of the current round in ms (RFC 9406 currentRoundMinRTT). */
  currentRoundMinRtt = Infinity;
  /** RTT samples in the current round (RFC 9406 rttSampleCount). */
  rttSampleCount = 0;
  /** Round minimum RTT when CSS was entered, in ms (RFC 9406 cssBaselineMinRtt). */
  cssBaselineMinRtt = Infinity;
  /** Completed CSS rounds. */
  cssRounds = 0;
  /** Rounds started so far (for traces and tests). */
  rounds = 0;
  /** Send time (ms) of the newest packet sent when the current round started; -Infinity before the first round. */
  private windowEnd = -Infinity;

  /** Whether the state machine still shapes slow start. */
  get active(): boolean {
    return this.state !== 'done';
  }

  /** Slow-start increment after the CSS divisor (RFC 9406 §4.2): `inc / CSS_GROWTH_DIVISOR` in CSS. */
  scaleIncrease(inc: number): number {
    return this.state === 'css' ? inc / CSS_GROWTH_DIVISOR : inc;
  }

  /**
   * Feed one ACK (RFC 9406 §4.2).
   * @param largestAckedSentAt - send time (ms) of the newest packet this ACK acknowledged
   * @param rttSample - RTT sample of this ACK in ms, if any
   * @param lastSentAt - send time (ms) of the newest packet sent so far
   * @returns `'exit'` when slow start must end (ssthresh = cwnd, enter avoidance)
   */
  onAck(largestAckedSentAt: number, rttSample: number | undefined, lastSentAt: number): HyStartVerdict {
    if (this.state === 'done') return 'continue';
    if (largestAckedSentAt > this.windowEnd) {
      this.windowEnd = lastSentAt;
      this.rounds++;
      this.lastRoundMinRtt = this.currentRoundMinRtt;
      this.currentRoundMinRtt = Infinity;
      this.rttSampleCount = 0;
      if (this.state === 'css' && ++this.cssRounds >= CSS_ROUNDS) {
        this.state = 'done';
        return 'exit';
      }
    }
    if (rttSample === undefined || !(rttSample > 0)) return 'continue';
    if (rttSample < this.currentRoundMinRtt) this.currentRoundMinRtt = rttSample;
    this.rttSampleCount++;
    if (this.rttSampleCount < N_RTT_SAMPLE) return 'continue';
    if (this.state === 'slow-start') {
      if (this.currentRoundMinRtt === Infinity || this.lastRoundMinRtt === Infinity) return 'continue';
      const rttThresh = Math.max(MIN_RTT_THRESH, Math.min(this.lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH));
      if (this.currentRoundMinRtt >= this.lastRoundMinRtt + rttThresh) {
        this.cssBaselineMinRtt = this.currentRoundMinRtt;
        this.state = 'css';
        this.cssRounds = 0;
      }
    } else if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
      // The RTT increase was spurious: resume standard slow start (RFC 9406 §4.2).
      this.cssBaselineMinRtt = Infinity;
      this.state = 'slow-start';
    }
    return 'continue';
  }

  /** Loss, ECN or a timeout ended slow start: HyStart++ is done for this connection (RFC 9406 §4.2). */
  finish(): void {
    this.state = 'done';
  }
}
