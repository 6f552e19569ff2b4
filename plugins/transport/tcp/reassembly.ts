/**
 * Out-of-order reassembly for the receive side (RFC 9293 §3.10.7.4):
 * segments above RCV.NXT are kept as non-overlapping blocks sorted by
 * sequence number; duplicates and overlaps are trimmed away, so every byte
 * is stored (and later delivered) once. Also produces SACK blocks
 * (RFC 2018 §4: the block holding the latest arrival first).
 *
 * Sequence numbers here are unwrapped (see `seq.ts`).
 *
 * @module
 */

/** One stored run of bytes. */
interface Block {
  seq: number;
  end: number;
  data: Uint8Array;
}

/** Sorted, non-overlapping out-of-order segments. */
export class Reassembly {
  private blocks: Block[] = [];
  /** Bytes stored. */
  bytes = 0;
  /** Sequence number of the most recently stored arrival (for SACK ordering), or -1. */
  private lastSeq = -1;

  /** Number of stored blocks. */
  get count(): number {
    return this.blocks.length;
  }

  /** Lowest stored sequence number, or Infinity when empty. */
  get firstSeq(): number {
    return this.blocks.length > 0 ? this.blocks[0].seq : Infinity;
  }

  /**
   * Store `data` starting at `seq` (all of it above the delivery point).
   * @returns bytes newly stored (0 if everything was a duplicate)
   */
  insert(seq: number, data: Uint8Array): number {
    const end = seq + data.length;
    if (data.length === 0) return 0;
    const bl = this.blocks;
    // First block whose end is > seq.
    let lo = 0;
    let hi = bl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bl[mid].end <= seq) lo = mid + 1;
      else hi = mid;
    }
    let added = 0;
    let cur = seq;
    let i = lo;
    while (cur < end) {
      const next = i < bl.length ? bl[i] : undefined;
      if (next === undefined || next.seq >= end) {
        bl.splice(i, 0, { seq: cur, end, data: data.subarray(cur - seq) });
        added += end - cur;
        break;
      }
      if (next.seq > cur) {
        bl.splice(i, 0, { seq: cur, end: next.seq, data: data.subarray(cur - seq, next.seq - seq) });
        added += next.seq - cur;
        i++;
      }
      cur = Math.max(cur, next.end);
      i++;
    }
    this.bytes += added;
    if (added > 0) this.lastSeq = seq;
    return added;
  }

  /**
   * Remove and return the next in-order piece at `rcvNxt` (trimming bytes
   * below it), or undefined when the first block does not reach `rcvNxt`.
   */
  shift(rcvNxt: number): Uint8Array | undefined {
    const bl = this.blocks;
    while (bl.length > 0) {
      const b = bl[0];
      if (b.seq > rcvNxt) return undefined;
      bl.shift();
      this.bytes -= b.end - b.seq;
      if (b.end <= rcvNxt) continue;
      return b.data.subarray(rcvNxt - b.seq);
    }
    return undefined;
  }

  /**
   * Write up to `max` SACK ranges (left, right, unwrapped) into `out`,
   * merging adjacent blocks; the range holding the latest arrival comes
   * first (RFC 2018 §4), then the others from the highest down.
   * @returns number of ranges written
   */
  sackRanges(out: number[], max: number): number {
    const bl = this.blocks;
    if (bl.length === 0 || max <= 0) return 0;
    // Merge adjacent blocks into ranges (from the highest, so recent data past holes comes first).
    const ranges: number[] = [];
    let l = bl[0].seq;
    let r = bl[0].end;
    for (let i = 1; i < bl.length; i++) {
      if (bl[i].seq === r) r = bl[i].end;
      else {
        ranges.push(l, r);
        l = bl[i].seq;
        r = bl[i].end;
      }
    }
    ranges.push(l, r);
    let n = 0;
    let first = -1;
    for (let k = 0; k < ranges.length; k += 2) {
      if (this.lastSeq >= ranges[k] && this.lastSeq < ranges[k + 1]) first = k;
    }
    if (first >= 0) {
      out[0] = ranges[first];
      out[1] = ranges[first + 1];
      n = 1;
    }
    for (let k = ranges.length - 2; k >= 0 && n < max; k -= 2) {
      if (k === first) continue;
      out[2 * n] = ranges[k];
      out[2 * n + 1] = ranges[k + 1];
      n++;
    }
    return n;
  }

  /** Drop everything. */
  clear(): void {
    this.blocks = [];
    this.bytes = 0;
    this.lastSeq = -1;
  }
}
