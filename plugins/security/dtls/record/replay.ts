/**
 * Anti-replay sliding window for one epoch (RFC 6347 §4.1.2.6, the RFC 4303
 * §3.4.3 algorithm): 64 entries; the window advances only after the record
 * authenticated.
 *
 * @module
 */

/** Window size in records. */
export const REPLAY_WINDOW = 64;

/** A 64-entry replay bitmap (two 32-bit words, no BigInt on the per-packet path). */
export class ReplayWindow {
  /** Highest sequence number accepted so far (-1 before the first). */
  private top = -1;
  private lo = 0;
  private hi = 0;

  /** Whether `seq` is new and inside the window (check before decrypting). */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    const d = this.top - seq;
    if (d >= REPLAY_WINDOW) return false;
    return d < 32 ? (this.lo & (1 << d)) === 0 : (this.hi & (1 << (d - 32))) === 0;
  }

  /** Mark `seq` as received (call only after the record authenticated). */
  accept(seq: number): void {
    if (seq > this.top) {
      const shift = this.top < 0 ? REPLAY_WINDOW : seq - this.top;
      if (shift >= REPLAY_WINDOW) {
        this.lo = 0;
        this.hi = 0;
      } else if (shift >= 32) {
        this.hi = this.lo << (shift - 32);
        this.lo = 0;
      } else {
        this.hi = (this.hi << shift) | (this.lo >>> (32 - shift));
        this.lo = this.lo << shift;
      }
      this.lo |= 1;
      this.top = seq;
      return;
    }
    const d = this.top - seq;
    if (d < 32) this.lo |= 1 << d;
    else if (d < REPLAY_WINDOW) this.hi |= 1 << (d - 32);
  }
}
