/**
 * The CUBIC window function and its constants (RFC 9438 §4). Windows in these
 * formulas are in segments and times in seconds, as in the RFC; the
 * controller converts from bytes and ms.
 *
 * @module
 */

/** CUBIC aggressiveness constant C in segments/s³ (RFC 9438 §4.2, §5). */
export const CUBIC_C = 0.4;
/** Multiplicative decrease factor β_cubic (RFC 9438 §4.6). */
export const BETA_CUBIC = 0.7;
/** Reno-friendly additive increase α_cubic = 3(1 − β)/(1 + β) (RFC 9438 §4.3). */
export const ALPHA_CUBIC = (3 * (1 - BETA_CUBIC)) / (1 + BETA_CUBIC);
/** Target growth cap: the target never exceeds 1.5·cwnd (RFC 9438 §4.2). */
export const TARGET_CAP = 1.5;

/**
 * K, the time in seconds the window function takes to reach W_max from
 * cwnd_epoch (RFC 9438 §4.2 eq. 2): K = ∛((W_max − cwnd_epoch)/C). 0 when
 * cwnd_epoch ≥ W_max.
 * @param wMax - W_max in segments
 * @param cwndEpoch - cwnd at the start of the epoch in segments
 * @param c - the constant C
 */
export function cubicK(wMax: number, cwndEpoch: number, c: number = CUBIC_C): number {
  return wMax > cwndEpoch ? Math.cbrt((wMax - cwndEpoch) / c) : 0;
}

/**
 * W_cubic(t) = C·(t − K)³ + W_max (RFC 9438 §4.2 eq. 1), in segments.
 * @param t - seconds since the epoch began
 * @param k - K in seconds
 * @param wMax - W_max in segments
 * @param c - the constant C
 */
export function wCubic(t: number, k: number, wMax: number, c: number = CUBIC_C): number {
  const d = t - k;
  return c * d * d * d + wMax;
}
