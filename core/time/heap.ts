/**
 * An indexed binary min-heap ordered by (deadline, insertion sequence).
 * Used by the real timer service and the simulator's event scheduler:
 * arming, re-arming and cancelling are O(log n) with no allocation.
 *
 * @module
 */

/** An entry that can live in a {@link DeadlineHeap}. */
export interface HeapEntry {
  /** Absolute deadline (ms); smaller fires first. */
  deadline: number;
  /** Tie-breaker: insertion order among equal deadlines. */
  seq: number;
  /** Position in the heap array, or -1 when not queued. */
  heapIndex: number;
}

/** Indexed min-heap of {@link HeapEntry} objects. */
export class DeadlineHeap<T extends HeapEntry> {
  private readonly items: T[] = [];
  private nextSeq = 0;

  /** Number of queued entries. */
  get size(): number {
    return this.items.length;
  }

  /** The entry with the smallest (deadline, seq), or undefined. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Queue `entry` at `deadline`, or move it there if already queued (it then goes behind equal deadlines). */
  schedule(entry: T, deadline: number): void {
    entry.deadline = deadline;
    entry.seq = this.nextSeq++;
    if (entry.heapIndex < 0) {
      entry.heapIndex = this.items.length;
      this.items.push(entry);
      this.up(entry.heapIndex);
    } else {
      const i = entry.heapIndex;
      this.up(i);
      this.down(entry.heapIndex);
    }
  }

  /** Remove `entry` if queued. */
  remove(entry: T): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    const last = this.items.pop() as T;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.items[i] = last;
      last.heapIndex = i;
      this.up(i);
      this.down(last.heapIndex);
    }
  }

  /** Remove and return the first entry, or undefined when empty. */
  pop(): T | undefined {
    const first = this.items[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Remove every entry. */
  clear(): void {
    for (const e of this.items) e.heapIndex = -1;
    this.items.length = 0;
  }

  private less(a: T, b: T): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const e = items[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p];
      if (!this.less(e, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = e;
    e.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const e = items[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r], items[l]) ? r : l;
      if (!this.less(items[c], e)) break;
      items[i] = items[c];
      items[i].heapIndex = i;
      i = c;
    }
    items[i] = e;
    e.heapIndex = i;
  }
}
