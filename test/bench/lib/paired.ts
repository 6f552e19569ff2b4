/**
 * Paired rounds (`npm run bench -- <case> --paired N`): the raw UDP pair
 * and a stack's pair are started once, warmed once, then measured in turn,
 * N times each, in the order raw–stack, stack–raw, raw–stack, … so that a
 * drift of the machine's speed during the run falls on both alike. Each
 * round gives one ratio (stack ÷ the raw measurement next to it), and the
 * case reports the median ratio with a distribution-free confidence
 * interval. Against the separate raw runs of a normal round, this removes
 * process start-up and warm-up from every measurement and gives many more
 * ratios per minute, which is what a target close to the run-to-run spread
 * (GUE + datagram at 0.9×) needs.
 *
 * @module
 */
import type { Worker } from './child.js';
import { measureConnected, startPair } from './measure.js';
import type { ConnectedResult, RunningPair } from './measure.js';
import { median } from './rounds.js';
import type { BenchTarget } from './types.js';

/** One side of a paired comparison: a worker script and what its two processes get. */
export interface PairSpec {
  /** Worker script under `test/bench/workers/`. */
  readonly script: string;
  /** Arguments of the receiving process (`role: 'receiver'` is added). */
  readonly receiverArgs: Readonly<Record<string, unknown>>;
  /** Arguments of the sending process (`role`, `port` and `durationMs` are added). */
  readonly senderArgs: Readonly<Record<string, unknown>>;
}

/** One round: both pairs measured back to back. */
export interface PairedRound {
  /** The baseline's measurement (raw UDP). */
  readonly baseline: ConnectedResult;
  /** The candidate's measurement (the stack). */
  readonly candidate: ConnectedResult;
  /** Candidate ÷ baseline received throughput. */
  readonly ratio: number;
}

/** A distribution-free confidence interval for a median. */
export interface MedianInterval {
  /** Lower bound (an order statistic of the sample). */
  readonly low: number;
  /** Upper bound. */
  readonly high: number;
  /** Coverage actually achieved (at least the level asked for). */
  readonly coverage: number;
}

/** Summary of a set of paired rounds. */
export interface PairedSummary {
  /** Median of the per-round ratios. */
  readonly ratio: number;
  /** 95 % interval for the median ratio, or undefined with fewer than 6 rounds. */
  readonly interval: MedianInterval | undefined;
  /** Median received throughput of the candidate, bytes/s. */
  readonly candidateBytesPerSecond: number;
  /** Median received throughput of the baseline, bytes/s. */
  readonly baselineBytesPerSecond: number;
  /** Smallest and largest per-round ratio. */
  readonly range: readonly [number, number];
}

/**
 * The confidence interval for the median of `values` from order statistics
 * (the sign-test interval): [x₍k₎, x₍n−k+1₎] with the largest k for which
 * P(B ≤ k − 1) ≤ (1 − level) / 2, B ~ Binomial(n, ½). It assumes only that
 * the values are independent draws from one distribution.
 *
 * @param values - the sample (any order)
 * @param level - coverage wanted, e.g. 0.95
 * @returns undefined when the sample is too small for that level (n ≤ 5 at 95 %)
 */
export function medianInterval(values: readonly number[], level = 0.95): MedianInterval | undefined {
  const n = values.length;
  if (n === 0 || n > 1000 || !(level > 0 && level < 1)) return undefined;
  const tail = (1 - level) / 2;
  // Walk the Binomial(n, ½) distribution: cdf = P(B ≤ i). Each i with P(B ≤ i) ≤ tail
  // allows k = i + 1; `below` is then the probability left outside on each side.
  let pmf = Math.pow(0.5, n);
  let cdf = pmf;
  let k = 0;
  let below = 0;
  for (let i = 0; i < n && cdf <= tail; i++) {
    k = i + 1;
    below = cdf;
    pmf = (pmf * (n - i)) / (i + 1);
    cdf += pmf;
  }
  if (k < 1) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { low: sorted[k - 1], high: sorted[n - k], coverage: 1 - 2 * below };
}

/** Median ratio, its interval, and the median throughputs of `rounds`. */
export function summarisePaired(rounds: readonly PairedRound[]): PairedSummary {
  const ratios = rounds.map((r) => r.ratio);
  return {
    ratio: median(ratios),
    interval: medianInterval(ratios),
    candidateBytesPerSecond: median(rounds.map((r) => r.candidate.bytesPerSecond)),
    baselineBytesPerSecond: median(rounds.map((r) => r.baseline.bytesPerSecond)),
    range: [Math.min(...ratios), Math.max(...ratios)],
  };
}

/** Measure one pair once: zero the receiver's meter, then run the sender for `durationMs`. */
async function measureOnce(pair: RunningPair, durationMs: number): Promise<ConnectedResult> {
  await pair.rx.request({ type: 'restart' }, 'restarted', 5000);
  return measureConnected(pair.rx, pair.tx, durationMs);
}

/**
 * Start both pairs, run each once unmeasured (JIT warm-up, socket buffers,
 * a transport's first slow start), then measure `rounds` rounds of
 * `durationMs` per pair, alternating which pair goes first. Only one pair
 * sends at a time; the idle pair's processes wait on their sockets.
 *
 * @param baseline - the reference pair (raw UDP)
 * @param candidate - the pair compared with it (a stack)
 * @param onRound - called after each round (progress output)
 */
export async function measurePaired(
  baseline: PairSpec,
  candidate: PairSpec,
  rounds: number,
  durationMs: number,
  onRound?: (round: PairedRound, index: number) => void,
): Promise<PairedRound[]> {
  const workers: Worker[] = [];
  try {
    const base = await startPair(baseline.script, baseline.receiverArgs, baseline.senderArgs, durationMs, workers);
    const cand = await startPair(candidate.script, candidate.receiverArgs, candidate.senderArgs, durationMs, workers);
    await measureOnce(base, durationMs);
    await measureOnce(cand, durationMs);
    const out: PairedRound[] = [];
    for (let i = 0; i < rounds; i++) {
      let b: ConnectedResult;
      let c: ConnectedResult;
      if (i % 2 === 0) {
        b = await measureOnce(base, durationMs);
        c = await measureOnce(cand, durationMs);
      } else {
        c = await measureOnce(cand, durationMs);
        b = await measureOnce(base, durationMs);
      }
      const round: PairedRound = { baseline: b, candidate: c, ratio: b.bytesPerSecond > 0 ? c.bytesPerSecond / b.bytesPerSecond : 0 };
      out.push(round);
      onRound?.(round, i);
    }
    return out;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** How a paired result stands against a target on the ratio. */
export interface PairedVerdict {
  /** `ok` only when the whole interval meets the target. */
  readonly status: 'ok' | 'missed';
  /** Why, in words: met, missed, or undecided (the interval contains the target). */
  readonly reason: string;
}

/**
 * Judge a paired result: a target counts as met only when the whole 95 %
 * interval for the median ratio meets it, and as missed otherwise; when the
 * interval contains the target the reason says the runs cannot decide. With
 * too few rounds for an interval the median alone is judged, and the reason
 * says so.
 */
export function judgePaired(summary: PairedSummary, target: BenchTarget | undefined): PairedVerdict {
  if (target === undefined) return { status: 'ok', reason: 'no target' };
  const meets = (v: number): boolean => (target.op === '>=' ? v >= target.value : v <= target.value);
  const iv = summary.interval;
  if (iv === undefined) {
    return { status: meets(summary.ratio) ? 'ok' : 'missed', reason: 'median only: too few rounds for a 95 % interval' };
  }
  const worst = target.op === '>=' ? iv.low : iv.high;
  const best = target.op === '>=' ? iv.high : iv.low;
  if (meets(worst)) return { status: 'ok', reason: 'met: the whole interval meets the target' };
  if (!meets(best)) return { status: 'missed', reason: 'missed: the whole interval misses the target' };
  return { status: 'missed', reason: 'undecided: the interval contains the target' };
}
