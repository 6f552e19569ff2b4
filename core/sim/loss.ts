/**
 * Random loss models of a link direction: Bernoulli and Gilbert–Elliott,
 * plus scripted drops for tests. Each model draws from the direction's own
 * seeded stream.
 *
 * @module
 */
import type { RandomSource } from '../random/random.js';
import { SimConfigError } from './errors.js';
import { rejectUnknownKeys } from './option-keys.js';

/** Independent loss with probability `p` per datagram. */
export interface BernoulliLossOptions {
  /** Model name. */
  readonly type: 'bernoulli';
  /** Loss probability per datagram, in [0, 1]. */
  readonly p: number;
}

/**
 * The Gilbert–Elliott two-state Markov loss model (as in netem's `loss
 * gemodel p r 1-h 1-k`). Per datagram: the loss is drawn in the current
 * state (lost with probability `1 - k` in Good, `1 - h` in Bad), then the
 * state moves (Good→Bad with `p`, Bad→Good with `r`). With `h = 0` and
 * `k = 1` (the defaults, "simple Gilbert"), loss bursts last 1/`r`
 * datagrams on average and the mean loss rate is p / (p + r).
 */
export interface GilbertElliottLossOptions {
  /** Model name. */
  readonly type: 'gilbert-elliott';
  /** P(Good → Bad) per datagram. */
  readonly p: number;
  /** P(Bad → Good) per datagram. */
  readonly r: number;
  /** Probability a datagram gets through in the Bad state (default 0). */
  readonly h?: number;
  /** Probability a datagram gets through in the Good state (default 1). */
  readonly k?: number;
}

/** A loss model: a Bernoulli probability as a bare number, or a model object. */
export type LossOptions = number | BernoulliLossOptions | GilbertElliottLossOptions;

/** A scripted drop list (datagram numbers counted from 1 on the direction) or a predicate. */
export type DropScript = readonly number[] | ((n: number, data: Uint8Array) => boolean);

/** A stateful loss decision maker. */
export interface LossModel {
  /** Whether the next datagram is lost. */
  lose(random: RandomSource): boolean;
}

/** Checks that `value` is a probability; returns it. */
export function checkProbability(value: unknown, path: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new SimConfigError(path, `expected a probability in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

class BernoulliLoss implements LossModel {
  constructor(private readonly p: number) {}
  lose(random: RandomSource): boolean {
    return this.p > 0 && random.float() < this.p;
  }
}

/** Gilbert–Elliott state machine (see {@link GilbertElliottLossOptions}). */
export class GilbertElliottLoss implements LossModel {
  /** True while in the Bad state. */
  bad = false;

  /**
   * @param p - P(Good → Bad)
   * @param r - P(Bad → Good)
   * @param h - P(delivered | Bad)
   * @param k - P(delivered | Good)
   */
  constructor(
    private readonly p: number,
    private readonly r: number,
    private readonly h: number,
    private readonly k: number,
  ) {}

  lose(random: RandomSource): boolean {
    const lost = random.float() >= (this.bad ? this.h : this.k);
    if (this.bad) {
      if (random.float() < this.r) this.bad = false;
    } else if (random.float() < this.p) {
      this.bad = true;
    }
    return lost;
  }
}

/**
 * Builds a loss model from options (validated), or undefined for no loss.
 *
 * @param options - the loss option
 * @param path - option path for errors
 */
export function createLossModel(options: LossOptions | undefined, path: string): LossModel | undefined {
  if (options === undefined) return undefined;
  if (typeof options === 'number') {
    const p = checkProbability(options, path);
    return p === 0 ? undefined : new BernoulliLoss(p);
  }
  if (options.type === 'bernoulli') {
    rejectUnknownKeys(options, ['type', 'p'], path);
    const p = checkProbability(options.p, `${path}.p`);
    return p === 0 ? undefined : new BernoulliLoss(p);
  }
  if (options.type === 'gilbert-elliott') {
    rejectUnknownKeys(options, ['type', 'p', 'r', 'h', 'k'], path);
    return new GilbertElliottLoss(
      checkProbability(options.p, `${path}.p`),
      checkProbability(options.r, `${path}.r`),
      checkProbability(options.h ?? 0, `${path}.h`),
      checkProbability(options.k ?? 1, `${path}.k`),
    );
  }
  throw new SimConfigError(`${path}.type`, `unknown loss model ${JSON.stringify((options as { type?: unknown }).type)}`);
}

/**
 * Stationary loss rate of a Gilbert–Elliott model:
 * π_bad (1 − h) + π_good (1 − k), with π_bad = p / (p + r).
 */
export function gilbertElliottLossRate(o: Omit<GilbertElliottLossOptions, 'type'>): number {
  const h = o.h ?? 0;
  const k = o.k ?? 1;
  const bad = o.p + o.r === 0 ? 0 : o.p / (o.p + o.r);
  return bad * (1 - h) + (1 - bad) * (1 - k);
}
