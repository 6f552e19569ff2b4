/**
 * The queue of messages waiting to be fragmented (RFC 9260 §6.1 / RFC 8260
 * §2): first in, first out with DATA (fragments of one message must have
 * consecutive TSNs), or round robin over streams, one fragment at a time,
 * with I-DATA, so that a large message on one stream does not hold up
 * the others (the point of message interleaving). An interleaving sender
 * starts a message only while the messages it has started and not
 * finished fit in the peer's receive window together: a receiver that
 * delivers messages whole (as this one) could otherwise fill its window
 * with parts of messages none of which can complete.
 *
 * @module
 */
import type { OutMessage } from './out-types.js';

class Fifo {
  items: OutMessage[] = [];
  head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  first(): OutMessage | undefined {
    return this.items[this.head];
  }
  shift(): void {
    this.items[this.head++] = undefined as unknown as OutMessage;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Messages not yet completely fragmented. */
export class SendQueue {
  private readonly fifo = new Fifo();
  private readonly perStream = new Map<number, Fifo>();
  private readonly ring: number[] = [];
  private rr = 0;
  /** Bytes of the messages started (first fragment taken) and not finished, when interleaving. */
  private started = 0;

  /**
   * @param interleave - round robin over streams per fragment (I-DATA) instead of FIFO
   * @param window - the peer's receive window (a_rwnd of INIT / INIT ACK): what started messages may total, when interleaving
   */
  constructor(
    readonly interleave: boolean,
    private readonly window = Infinity,
  ) {}

  /** Add a message at the tail (of its stream, when interleaving). */
  push(m: OutMessage): void {
    if (!this.interleave) {
      this.fifo.items.push(m);
      return;
    }
    let q = this.perStream.get(m.stream);
    if (q === undefined) {
      q = new Fifo();
      this.perStream.set(m.stream, q);
    }
    if (q.size === 0) this.ring.push(m.stream);
    q.items.push(m);
  }

  /** Whether no message waits. */
  get empty(): boolean {
    return this.interleave ? this.ring.length === 0 : this.fifo.size === 0;
  }

  /**
   * The message the next new fragment comes from. Abandoned messages are
   * skipped; `expired(m)` is asked for messages not yet started and drops them when true.
   */
  head(expired: (m: OutMessage) => boolean): OutMessage | undefined {
    if (!this.interleave) {
      for (let m = this.fifo.first(); m !== undefined; m = this.fifo.first()) {
        if (m.abandoned || (m.offset === 0 && expired(m))) this.fifo.shift();
        else return m;
      }
      return undefined;
    }
    let waiting = 0;
    while (this.ring.length > 0) {
      if (this.rr >= this.ring.length) this.rr = 0;
      const q = this.perStream.get(this.ring[this.rr]) as Fifo;
      const m = q.first();
      if (m !== undefined && !m.abandoned && !(m.offset === 0 && expired(m))) {
        // A message not started waits while it would not fit in the window with those started.
        if (m.offset !== 0 || this.started === 0 || this.started + m.data.length <= this.window || waiting >= this.ring.length) return m;
        waiting++;
        this.rr++;
        continue;
      }
      if (m !== undefined) {
        // Abandoned once started: it no longer counts (abandoning set its offset to its length).
        if (m.offset !== 0) this.started -= m.data.length;
        q.shift();
      }
      if (q.size === 0) this.ring.splice(this.rr, 1);
    }
    return undefined;
  }

  /**
   * Whether a message (not abandoned) on one of `streams` still waits here
   * (all streams when `streams` is empty). A walk over the queue: only asked
   * while a stream reset waits for its streams to drain (RFC 6525 §5.1.2).
   */
  holds(streams: ReadonlySet<number>): boolean {
    const all = streams.size === 0;
    if (!this.interleave) {
      const items = this.fifo.items;
      for (let i = this.fifo.head; i < items.length; i++) if (!items[i].abandoned && (all || streams.has(items[i].stream))) return true;
      return false;
    }
    for (const [sid, q] of this.perStream) {
      if (!all && !streams.has(sid)) continue;
      for (let i = q.head; i < q.items.length; i++) if (!q.items[i].abandoned) return true;
    }
    return false;
  }

  /** A fragment of `m` (the current head) was taken; `first` when it was its first, `finished` when its last. */
  advance(m: OutMessage, finished: boolean, first = false): void {
    if (!this.interleave) {
      if (finished) this.fifo.shift();
      return;
    }
    if (first !== finished) this.started += first ? m.data.length : -m.data.length;
    const q = this.perStream.get(m.stream) as Fifo;
    if (finished) q.shift();
    if (q.size === 0) this.ring.splice(this.rr, 1);
    else this.rr++;
  }
}
