/**
 * The receiving side of an association (RFC 9260 §6.5, §6.6, §6.9):
 * reassembly of fragmented messages, per-stream ordered delivery by stream
 * sequence number, immediate delivery of unordered messages, skipping of
 * abandoned messages on FORWARD TSN (RFC 3758 §3.6), and the receive
 * buffer accounting behind a_rwnd.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { MessageInfo } from '../../../core/contracts/transport.js';
import { FLAG_B, FLAG_E, FLAG_U } from './chunk-types.js';
import { ssnLt, tsnAdd, tsnLe, tsnLt } from './bytes.js';
import type { DataChunk } from './chunks/data.js';
import type { IDataChunk } from './chunks/idata.js';
import { InStream, type Deferred, type Fragment, type IPartial, type InStreamStats, type Message } from './in-types.js';

/** Where complete messages go; returns false for backpressure (see `TransportContext.deliver`). */
export interface MessageSink {
  /** Deliver one message. */
  deliver(data: Uint8Array, info: MessageInfo): boolean;
}

/** Reassembly and delivery state of one association. */
export class Inbound {
  /** Bytes held (fragments, out-of-order messages, undelivered messages): counts against a_rwnd. */
  bufferedBytes = 0;
  /** Whether the application asked us to stop delivering. */
  blocked = false;
  /** The message a `false` from {@link Inbound.receive} or {@link Inbound.receiveI} refers to: its stream and bytes so far. */
  readonly tooLarge = { stream: 0, size: 0 };
  /** Bytes of complete messages waiting for the application (part of {@link Inbound.bufferedBytes}). */
  private readyBytes = 0;
  private readonly fragments = new Map<number, Fragment>();
  private readonly partials = new Map<string, IPartial>();
  private readonly streams: InStream[] = [];
  private readonly ready: Message[] = [];
  private readyHead = 0;
  /** A deferred stream reset (RFC 6525 §5.2.2): ordered messages above `lastTsn` on its streams wait for it. */
  private deferral: { readonly lastTsn: number; readonly streams: readonly number[]; readonly held: Deferred[] } | null = null;

  /**
   * @param inboundStreams - negotiated number of inbound streams
   * @param maxMessageSize - largest message accepted in bytes
   * @param sink - where complete messages go
   */
  constructor(
    readonly inboundStreams: number,
    private readonly maxMessageSize: number,
    private readonly sink: MessageSink,
  ) {
    this.streams.length = 0;
  }

  /** The state of stream `sid`, created on first use. */
  private stream(sid: number): InStream {
    let s = this.streams[sid];
    if (s === undefined) this.streams[sid] = s = new InStream();
    return s;
  }

  /**
   * Accept one new (non-duplicate) DATA chunk with a valid stream id (`c`
   * itself is not kept: the caller may reuse it). Returns false when a
   * reassembled message exceeds `maxMessageSize`.
   */
  receive(c: DataChunk): boolean {
    // A view, not a copy: the received packet is owned by the transport once handed up
    // (as with tcp); a fragmented message is copied once, when it is reassembled.
    const data = c.data;
    this.bufferedBytes += data.length;
    if ((c.flags & (FLAG_B | FLAG_E)) === (FLAG_B | FLAG_E)) {
      this.complete(c.tsn, c.stream, c.ssn, c.ppid, (c.flags & FLAG_U) !== 0, data);
      return true;
    }
    const f: Fragment = { tsn: c.tsn, stream: c.stream, ssn: c.ssn, ppid: c.ppid, flags: c.flags, data };
    this.fragments.set(c.tsn, f);
    // Only an E fragment, or one followed by a stored fragment, can complete a message.
    if ((c.flags & FLAG_E) === 0 && !this.fragments.has(tsnAdd(c.tsn, 1))) return true;
    return this.tryAssemble(f);
  }

  private tryAssemble(f: Fragment): boolean {
    const u = f.flags & FLAG_U;
    let first = f;
    while ((first.flags & FLAG_B) === 0) {
      const prev = this.fragments.get(tsnAdd(first.tsn, -1));
      if (prev === undefined || prev.stream !== f.stream || (prev.flags & FLAG_U) !== u || (prev.flags & FLAG_E) !== 0) return true;
      first = prev;
    }
    let last = f;
    let size = f.data.length;
    for (let p = first; p !== f; p = this.fragments.get(tsnAdd(p.tsn, 1)) as Fragment) size += p.data.length;
    while ((last.flags & FLAG_E) === 0) {
      const next = this.fragments.get(tsnAdd(last.tsn, 1));
      if (next === undefined || next.stream !== f.stream || (next.flags & FLAG_U) !== u || (next.flags & FLAG_B) !== 0) return true;
      last = next;
      size += next.data.length;
    }
    if (size > this.maxMessageSize) return this.overLimit(f.stream, size);
    // Every byte is overwritten below: no zero-fill.
    const out: Uint8Array = Buffer.allocUnsafe(size);
    let off = 0;
    for (let t = first.tsn; ; t = tsnAdd(t, 1)) {
      const p = this.fragments.get(t) as Fragment;
      out.set(p.data, off);
      off += p.data.length;
      this.fragments.delete(t);
      if (t === last.tsn) break;
    }
    this.complete(f.tsn, first.stream, first.ssn, first.ppid, u !== 0, out);
    return true;
  }

  /** Note the message that exceeded `maxMessageSize` (see {@link Inbound.tooLarge}); false. */
  private overLimit(stream: number, size: number): false {
    Object.assign(this.tooLarge, { stream, size });
    return false;
  }

  /** Queue a complete message for the application. */
  private toReady(m: Message): void {
    this.ready.push(m);
    this.readyBytes += m.data.length;
  }

  /**
   * Bytes held that no reading by the application can free: fragments,
   * incomplete I-DATA messages and ordered messages waiting for an earlier
   * one (messages held by a deferred stream reset are counted as free).
   */
  get incompleteBytes(): number {
    let held = 0;
    if (this.deferral !== null) for (const h of this.deferral.held) held += h.data.length;
    return this.bufferedBytes - this.readyBytes - held;
  }

  /**
   * Bytes of the DATA message that the fragment with TSN `tsn` (not B)
   * continues: its stored fragments just below `tsn`, back to its first.
   * A walk, asked only before giving up on a window that cannot take `tsn`.
   */
  fragmentsBefore(tsn: number): number {
    let bytes = 0;
    for (let t = tsnAdd(tsn, -1); ; t = tsnAdd(t, -1)) {
      const f = this.fragments.get(t);
      if (f === undefined || (f.flags & FLAG_E) !== 0) return bytes;
      bytes += f.data.length;
      if ((f.flags & FLAG_B) !== 0) return bytes;
    }
  }

  /** Bytes held of the incomplete I-DATA message (`stream`, `unordered`, `mid`), 0 if none. */
  partialBytes(stream: number, unordered: boolean, mid: number): number {
    return this.partials.get(`${stream}:${unordered ? 1 : 0}:${mid}`)?.bytes ?? 0;
  }

  private complete(tsn: number, stream: number, ssn: number, ppid: number, unordered: boolean, data: Uint8Array): void {
    const m: Message = { data, info: { stream, ppid, unordered } };
    if (unordered) {
      this.toReady(m);
      return;
    }
    if (this.deferral !== null && this.defers(tsn, stream)) return void this.deferral.held.push({ tsn, stream, ssn, ppid, iData: false, data });
    const s = this.stream(stream);
    if (ssn !== s.nextSsn) {
      if (ssnLt(ssn, s.nextSsn) || s.pending.has(ssn)) {
        // A stale SSN (already delivered or skipped): drop it.
        this.bufferedBytes -= data.length;
        return;
      }
      s.pending.set(ssn, m);
      return;
    }
    this.toReady(m);
    s.nextSsn = (s.nextSsn + 1) & 0xffff;
    this.drainStream(s);
  }

  /**
   * Defer a stream reset (RFC 6525 §5.2.2): until {@link Inbound.resetStreams},
   * ordered messages on `streams` (all when empty) whose TSN is above the
   * sender's last assigned TSN are held, not sequenced: they already use
   * the new numbering.
   */
  deferReset(lastTsn: number, streams: readonly number[]): void {
    this.deferral = { lastTsn, streams, held: [] };
  }

  private defers(tsn: number, stream: number): boolean {
    const d = this.deferral as { readonly lastTsn: number; readonly streams: readonly number[] };
    return tsnLt(d.lastTsn, tsn) && (d.streams.length === 0 || d.streams.includes(stream));
  }

  /**
   * Reset the expected SSN (and I-DATA MID) of incoming `streams` (all when
   * empty) to 0 (RFC 6525 §5.2.2), once every TSN up to the sender's last
   * assigned TSN arrived; messages held by a deferral are then sequenced.
   */
  resetStreams(streams: readonly number[]): void {
    const n = streams.length === 0 ? this.inboundStreams : streams.length;
    for (let k = 0; k < n; k++) {
      const s = this.streams[streams.length === 0 ? k : streams[k]];
      if (s === undefined) continue;
      s.nextSsn = 0;
      s.nextMid = 0;
    }
    const d = this.deferral;
    if (d === null) return;
    this.deferral = null;
    for (const h of d.held) {
      if (h.iData) this.completeI(h.tsn, h.stream, h.ssn, h.ppid, false, h.data);
      else this.complete(h.tsn, h.stream, h.ssn, h.ppid, false, h.data);
    }
  }

  private drainStream(s: InStream): void {
    for (;;) {
      const m = s.pending.get(s.nextSsn);
      if (m === undefined) return;
      s.pending.delete(s.nextSsn);
      this.toReady(m);
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
    }
  }

  /**
   * Accept one new I-DATA chunk (RFC 8260 §2.1): reassemble by (stream,
   * U, MID) in FSN order. Returns false when the message exceeds `maxMessageSize`.
   */
  receiveI(c: IDataChunk): boolean {
    const data = c.data;
    this.bufferedBytes += data.length;
    const unordered = (c.flags & FLAG_U) !== 0;
    if ((c.flags & (FLAG_B | FLAG_E)) === (FLAG_B | FLAG_E)) {
      this.completeI(c.tsn, c.stream, c.mid, c.ppid, unordered, data);
      return true;
    }
    const key = `${c.stream}:${unordered ? 1 : 0}:${c.mid}`;
    let p = this.partials.get(key);
    if (p === undefined) {
      p = { ppid: 0, parts: new Map(), last: -1, bytes: 0 };
      this.partials.set(key, p);
    }
    if (p.parts.has(c.fsn)) {
      this.bufferedBytes -= data.length;
      return true;
    }
    p.parts.set(c.fsn, data);
    p.bytes += data.length;
    if ((c.flags & FLAG_B) !== 0) p.ppid = c.ppid;
    if ((c.flags & FLAG_E) !== 0) p.last = c.fsn;
    if (p.bytes > this.maxMessageSize) return this.overLimit(c.stream, p.bytes);
    if (p.last < 0 || p.parts.size !== p.last + 1) return true;
    const out: Uint8Array = Buffer.allocUnsafe(p.bytes);
    let off = 0;
    for (let f = 0; f <= p.last; f++) {
      const part = p.parts.get(f) as Uint8Array;
      out.set(part, off);
      off += part.length;
    }
    this.partials.delete(key);
    this.completeI(c.tsn, c.stream, c.mid, p.ppid, unordered, out);
    return true;
  }

  private completeI(tsn: number, stream: number, mid: number, ppid: number, unordered: boolean, data: Uint8Array): void {
    const m: Message = { data, info: { stream, ppid, unordered } };
    if (unordered) {
      this.toReady(m);
      return;
    }
    if (this.deferral !== null && this.defers(tsn, stream)) return void this.deferral.held.push({ tsn, stream, ssn: mid, ppid, iData: true, data });
    const s = this.stream(stream);
    if (mid !== s.nextMid) {
      if (tsnLt(mid, s.nextMid) || s.pendingMid.has(mid)) {
        this.bufferedBytes -= data.length;
        return;
      }
      s.pendingMid.set(mid, m);
      return;
    }
    this.toReady(m);
    s.nextMid = (mid + 1) >>> 0;
    this.drainMid(s);
  }

  private drainMid(s: InStream): void {
    for (;;) {
      const m = s.pendingMid.get(s.nextMid);
      if (m === undefined) return;
      s.pendingMid.delete(s.nextMid);
      this.toReady(m);
      s.nextMid = (s.nextMid + 1) >>> 0;
    }
  }

  /**
   * I-FORWARD-TSN (RFC 8260 §2.3): drop partial messages named by the
   * (stream, U, MID) triples; on ordered streams deliver what is complete up
   * to the MID and move past it.
   */
  skipI(entries: readonly number[]): void {
    for (let k = 0; k + 2 < entries.length; k += 3) {
      const sid = entries[k];
      const mid = entries[k + 2];
      if (sid >= this.inboundStreams) continue;
      if (entries[k + 1] === 1) {
        this.dropPartial(`${sid}:1:${mid}`);
        continue;
      }
      const prefix = `${sid}:0:`;
      for (const key of this.partials.keys()) {
        if (key.startsWith(prefix) && tsnLe(Number(key.slice(prefix.length)), mid)) this.dropPartial(key);
      }
      const s = this.stream(sid);
      if (tsnLt(mid, s.nextMid)) continue;
      while (tsnLe(s.nextMid, mid)) {
        const m = s.pendingMid.get(s.nextMid);
        if (m !== undefined) {
          s.pendingMid.delete(s.nextMid);
          this.toReady(m);
        }
        s.nextMid = (s.nextMid + 1) >>> 0;
      }
      this.drainMid(s);
    }
  }

  private dropPartial(key: string): void {
    const p = this.partials.get(key);
    if (p === undefined) return;
    this.partials.delete(key);
    this.bufferedBytes -= p.bytes;
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): drop fragments up to `newCum`, then for each
   * (stream, ssn) pair deliver what is complete up to `ssn` and move on past it.
   */
  skip(newCum: number, pairs: readonly number[]): void {
    for (const [tsn, f] of this.fragments) {
      if (tsnLe(tsn, newCum)) {
        this.fragments.delete(tsn);
        this.bufferedBytes -= f.data.length;
      }
    }
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      if (pairs[k] >= this.inboundStreams) continue;
      const s = this.stream(pairs[k]);
      const ssn = pairs[k + 1];
      if (ssnLt(ssn, s.nextSsn)) continue;
      // Deliver complete messages up to ssn in order, skipping missing ones.
      while (ssnLt(s.nextSsn, (ssn + 1) & 0xffff)) {
        const m = s.pending.get(s.nextSsn);
        if (m !== undefined) {
          s.pending.delete(s.nextSsn);
          this.toReady(m);
        }
        s.nextSsn = (s.nextSsn + 1) & 0xffff;
      }
      this.drainStream(s);
    }
  }

  /** Hand ready messages to the sink until it pushes back. */
  flush(): void {
    while (!this.blocked && this.readyHead < this.ready.length) {
      const m = this.ready[this.readyHead];
      this.ready[this.readyHead++] = undefined as unknown as Message;
      this.bufferedBytes -= m.data.length;
      this.readyBytes -= m.data.length;
      const s = this.stream(m.info.stream);
      s.delivered++;
      s.bytes += m.data.length;
      if (!this.sink.deliver(m.data, m.info)) this.blocked = true;
    }
    if (this.readyHead === this.ready.length) {
      if (this.readyHead !== 0) this.ready.length = 0;
      this.readyHead = 0;
    } else if (this.readyHead > 1024) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  /** Messages waiting for the application. */
  get readyCount(): number {
    return this.ready.length - this.readyHead;
  }

  /** Per-stream counters for streams that delivered something. */
  streamStats(): InStreamStats[] {
    const out: InStreamStats[] = [];
    this.streams.forEach((s, stream) => {
      if (s !== undefined && s.delivered > 0) out.push({ stream, messages: s.delivered, bytes: s.bytes });
    });
    return out;
  }
}
