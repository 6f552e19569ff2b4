/**
 * The receiver's TSN map (RFC 9260 §6.2): the cumulative TSN, a ring
 * bitmap of TSNs received above it, gap ack blocks and duplicate TSNs
 * for the next SACK.
 *
 * @module
 */
import { tsnAdd, tsnDiff } from './bytes.js';

/** Outcome of {@link TsnMap.offer}. */
export const TsnOffer = {
  /** A new TSN: recorded. */
  New: 0,
  /** Already received (duplicate): recorded in the duplicates list. */
  Duplicate: 1,
  /** Too far beyond the cumulative TSN for the map: not recorded. */
  Beyond: 2,
} as const;

/** One of the {@link TsnOffer} values. */
export type TsnOfferResult = (typeof TsnOffer)[keyof typeof TsnOffer];

/** Tracks received TSNs relative to the cumulative TSN ack point. */
export class TsnMap {
  /** Cumulative TSN: every TSN up to here was received (or skipped by FORWARD TSN). */
  cumTsn: number;
  /** Highest TSN received so far. */
  highest: number;
  /** Duplicate TSNs received since the last SACK (bounded). */
  readonly duplicates: number[] = [];
  private readonly bits: Uint8Array;
  private readonly mask: number;

  /**
   * @param peerInitialTsn - the peer's Initial TSN (cumulative TSN starts one below)
   * @param capacity - TSNs tracked beyond the cumulative TSN (power of two ≤ 65536)
   */
  constructor(peerInitialTsn: number, readonly capacity = 16384) {
    this.cumTsn = tsnAdd(peerInitialTsn, -1);
    this.highest = this.cumTsn;
    this.bits = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  /** Whether `tsn` has been received (at or below the cumulative TSN counts as received). */
  has(tsn: number): boolean {
    const d = tsnDiff(tsn, this.cumTsn);
    if (d <= 0) return true;
    if (d > this.capacity) return false;
    return this.bits[tsn & this.mask] === 1;
  }

  /** Record an arriving TSN. */
  offer(tsn: number): TsnOfferResult {
    const d = tsnDiff(tsn, this.cumTsn);
    if (d > this.capacity) return TsnOffer.Beyond;
    if (d <= 0 || this.bits[tsn & this.mask] === 1) {
      if (this.duplicates.length < 32) this.duplicates.push(tsn);
      return TsnOffer.Duplicate;
    }
    this.bits[tsn & this.mask] = 1;
    if (tsnDiff(tsn, this.highest) > 0) this.highest = tsn;
    this.advance();
    return TsnOffer.New;
  }

  /** Move the cumulative TSN over consecutively received TSNs. */
  private advance(): void {
    for (;;) {
      const next = tsnAdd(this.cumTsn, 1);
      if (tsnDiff(next, this.highest) > 0 || this.bits[next & this.mask] !== 1) return;
      this.bits[next & this.mask] = 0;
      this.cumTsn = next;
    }
  }

  /** FORWARD TSN (RFC 3758 §3.6): treat every TSN up to `newCum` as received. */
  forwardTo(newCum: number): void {
    const d = tsnDiff(newCum, this.cumTsn);
    if (d <= 0) return;
    if (d >= this.capacity) this.bits.fill(0);
    else for (let t = tsnAdd(this.cumTsn, 1), i = 0; i < d; i++, t = tsnAdd(t, 1)) this.bits[t & this.mask] = 0;
    this.cumTsn = newCum;
    if (tsnDiff(newCum, this.highest) > 0) this.highest = newCum;
    this.advance();
  }

  /** Whether some TSN above the cumulative TSN is still missing. */
  get hasGaps(): boolean {
    return this.highest !== this.cumTsn;
  }

  /**
   * Gap ack blocks as flattened (start, end) offsets from the cumulative TSN,
   * at most `maxBlocks` blocks (RFC 9260 §3.3.4).
   */
  gaps(maxBlocks: number): number[] {
    const out: number[] = [];
    const span = tsnDiff(this.highest, this.cumTsn);
    let runStart = 0;
    for (let off = 1; off <= span; off++) {
      const set = this.bits[(this.cumTsn + off) & this.mask] === 1;
      if (set && runStart === 0) runStart = off;
      else if (!set && runStart !== 0) {
        out.push(runStart, off - 1);
        runStart = 0;
        if (out.length >= 2 * maxBlocks) return out;
      }
    }
    if (runStart !== 0) out.push(runStart, span);
    return out;
  }
}
