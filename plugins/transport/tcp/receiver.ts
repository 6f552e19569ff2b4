/**
 * The receive half of a connection (RFC 9293 §3.10.7.4, §3.8.6.2): RCV.NXT,
 * the receive window (with RFC 7323 scaling and receiver-side SWS avoidance,
 * never shrinking the advertised right edge), out-of-order reassembly,
 * in-order delivery with application backpressure, FIN sequencing, SACK and
 * D-SACK (RFC 2018, RFC 2883) block generation.
 *
 * Sequence numbers are unwrapped (see `seq.ts`).
 *
 * @module
 */
import { Reassembly } from './reassembly.js';

/** What the receiver needs from its session. */
export interface ReceiverHost {
  /** Deliver in-order bytes; false when the application is full. */
  deliver(data: Uint8Array): boolean;
  /** All data up to the peer's FIN was delivered. */
  remoteEnded(): void;
}

/** Outcomes of {@link TcpReceiver.receive}. */
export const ReceiveResult = {
  /** Data (or FIN) advanced RCV.NXT and nothing was out of order. */
  InOrder: 0,
  /** Data was stored above a hole, or nothing fitted the window (ACK at once, RFC 5681 §4.2). */
  OutOfOrder: 1,
  /** Everything was a duplicate (ACK at once, with D-SACK). */
  Duplicate: 2,
  /** RCV.NXT advanced and filled (part of) a hole (ACK at once). */
  FilledHole: 3,
} as const;

/** One of the {@link ReceiveResult} values. */
export type ReceiveResult = (typeof ReceiveResult)[keyof typeof ReceiveResult];

/** Receive-side state of one connection. */
export class TcpReceiver {
  /** Initial receive sequence number (IRS). */
  irs = 0;
  /** RCV.NXT (unwrapped). */
  rcvNxt = 0;
  /** Right edge RCV.NXT + RCV.WND last advertised (never moves left). */
  advRight = 0;
  /** Our window-scale shift (0 when not negotiated). */
  shift = 0;
  /** Unwrapped sequence number of the peer's FIN, or -1. */
  finSeq = -1;
  /** The FIN was reached (RCV.NXT advanced past it). */
  finReceived = false;
  /** Bytes received in order but not yet accepted by the application. */
  pendingBytes = 0;
  /** Out-of-order storage. */
  readonly reasm = new Reassembly();
  /** Pending D-SACK range (RFC 2883), `dsackLeft < 0` when none. */
  dsackLeft = -1;
  /** End of the pending D-SACK range. */
  dsackRight = -1;
  /** Bytes delivered to the application. */
  bytesDelivered = 0;
  /** Bytes received, duplicates included. */
  bytesReceived = 0;
  /** Duplicate bytes received. */
  duplicateBytes = 0;

  private pending: Uint8Array[] = [];
  private blocked = false;
  private endSignalled = false;

  /**
   * @param host - delivery callbacks
   * @param bufferSize - receive buffer in bytes (largest window)
   */
  constructor(
    private readonly host: ReceiverHost,
    readonly bufferSize: number,
  ) {}

  /** Start at the peer's ISN (RFC 9293 §3.10.7.3: RCV.NXT = SEG.SEQ + 1). */
  init(irs: number): void {
    this.irs = irs;
    this.rcvNxt = irs + 1;
    this.advRight = this.rcvNxt + this.freeSpace();
  }

  /** Buffer space not held by undelivered in-order bytes. */
  private freeSpace(): number {
    return Math.max(0, this.bufferSize - this.pendingBytes);
  }

  /** Current RCV.WND (bytes from RCV.NXT to the advertised right edge). */
  get window(): number {
    return Math.max(0, this.advRight - this.rcvNxt);
  }

  /**
   * The window to advertise now, in bytes, and move the right edge:
   * grows only by at least min(buffer/2, mss) (receiver SWS avoidance,
   * RFC 9293 §3.8.6.2.2) and never shrinks (RFC 9293 §3.8.6.2.1).
   */
  advertise(mss: number): number {
    const right = this.rcvNxt + this.freeSpace();
    const gran = 1 << this.shift;
    if (right - this.advRight >= Math.min(this.bufferSize >> 1, mss)) {
      this.advRight = right - ((right - this.rcvNxt) % gran);
    }
    if (this.advRight < this.rcvNxt) this.advRight = this.rcvNxt;
    return this.advRight - this.rcvNxt;
  }

  /** The window field for a non-SYN segment (scaled, rounded up so the edge never shrinks). */
  windowField(mss: number): number {
    const w = this.advertise(mss);
    const gran = 1 << this.shift;
    const field = Math.min(0xffff, Math.ceil(w / gran));
    // The peer sees field << shift: accept up to that edge so rounding never drops data.
    const edge = this.rcvNxt + field * gran;
    if (edge > this.advRight) this.advRight = edge;
    return field;
  }

  /** Whether a window update ACK is worth sending (the edge may move by 2·MSS or half the buffer). */
  windowUpdateDue(mss: number): boolean {
    const right = this.rcvNxt + this.freeSpace();
    return right - this.advRight >= Math.min(this.bufferSize >> 1, 2 * mss);
  }

  /**
   * RFC 9293 §3.10.7.4 acceptability test for a segment of `len` sequence
   * numbers at `seq` (RCV.WND = 0 accepts only empty segments at RCV.NXT).
   */
  acceptable(seq: number, len: number): boolean {
    const wnd = this.window;
    const nxt = this.rcvNxt;
    if (len === 0) return wnd === 0 ? seq === nxt : seq >= nxt && seq < nxt + wnd;
    if (wnd === 0) return false;
    return (seq >= nxt && seq < nxt + wnd) || (seq + len - 1 >= nxt && seq + len - 1 < nxt + wnd);
  }

  /**
   * Take the payload (and FIN) of an acceptable segment: trim to the
   * window, store or deliver, and advance RCV.NXT.
   */
  receive(seq: number, payload: Uint8Array, fin: boolean): ReceiveResult {
    this.bytesReceived += payload.length;
    let data = payload;
    let s = seq;
    // Duplicate part below RCV.NXT (RFC 2883 D-SACK reports it).
    if (s < this.rcvNxt) {
      const dup = Math.min(this.rcvNxt - s, data.length);
      if (dup > 0) {
        this.duplicateBytes += dup;
        this.dsackLeft = s;
        this.dsackRight = s + dup;
      }
      data = data.subarray(dup);
      s += dup;
    }
    // Bytes beyond the window are not accepted (RFC 9293 §3.10.7.4).
    const room = this.advRight - s;
    let finHere = fin;
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      finHere = false;
    }
    if (finHere && this.finSeq < 0) this.finSeq = s + data.length;
    // Nothing exists beyond the peer's FIN (RFC 9293 §3.10.7.4 eighth check).
    if (this.finSeq >= 0 && s + data.length > this.finSeq) data = data.subarray(0, Math.max(0, this.finSeq - s));
    if (data.length === 0 && !finHere) {
      return payload.length > 0 && s <= this.rcvNxt ? ReceiveResult.Duplicate : ReceiveResult.OutOfOrder;
    }
    const hadHoles = this.reasm.count > 0;
    if (s > this.rcvNxt) {
      const added = this.reasm.insert(s, data);
      if (added < data.length) {
        this.duplicateBytes += data.length - added;
        if (added === 0 && data.length > 0) {
          this.dsackLeft = s;
          this.dsackRight = s + data.length;
        }
      }
      return ReceiveResult.OutOfOrder;
    }
    // In order.
    if (data.length > 0) {
      this.rcvNxt += data.length;
      this.push(data);
    }
    for (let next = this.reasm.shift(this.rcvNxt); next !== undefined; next = this.reasm.shift(this.rcvNxt)) {
      const piece = this.finSeq >= 0 && this.rcvNxt + next.length > this.finSeq ? next.subarray(0, Math.max(0, this.finSeq - this.rcvNxt)) : next;
      if (piece.length > 0) {
        this.rcvNxt += piece.length;
        this.push(piece);
      }
      if (this.finSeq >= 0 && this.rcvNxt >= this.finSeq) break;
    }
    if (this.finSeq >= 0 && !this.finReceived && this.rcvNxt === this.finSeq) {
      this.finReceived = true;
      this.rcvNxt += 1;
      this.reasm.clear();
      this.maybeSignalEnd();
    }
    if (this.advRight < this.rcvNxt) this.advRight = this.rcvNxt;
    return hadHoles ? ReceiveResult.FilledHole : ReceiveResult.InOrder;
  }

  private push(data: Uint8Array): void {
    if (!this.blocked && this.pending.length === 0) {
      this.bytesDelivered += data.length;
      if (!this.host.deliver(data)) this.blocked = true;
      return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
  }

  private maybeSignalEnd(): void {
    if (this.finReceived && !this.endSignalled && this.pending.length === 0 && !this.blocked) {
      this.endSignalled = true;
      this.host.remoteEnded();
    }
  }

  /** A segment entirely below RCV.NXT arrived: report it as a D-SACK (RFC 2883 §4). */
  noteDuplicate(seq: number, len: number): void {
    this.bytesReceived += len;
    this.duplicateBytes += len;
    this.dsackLeft = seq;
    this.dsackRight = seq + len;
  }

  /** The application consumed data: deliver what is pending. */
  resume(): void {
    this.blocked = false;
    while (this.pending.length > 0 && !this.blocked) {
      const d = this.pending.shift() as Uint8Array;
      this.pendingBytes -= d.length;
      this.bytesDelivered += d.length;
      if (!this.host.deliver(d)) this.blocked = true;
    }
    this.maybeSignalEnd();
  }

  /**
   * Fill `out` with up to `max` SACK edges (left, right pairs, unwrapped):
   * a pending D-SACK first (RFC 2883 §4), then the reassembly ranges.
   * @returns number of blocks
   */
  sackBlocks(out: number[], max: number): number {
    let n = 0;
    if (this.dsackLeft >= 0 && max > 0) {
      out[0] = this.dsackLeft;
      out[1] = this.dsackRight;
      n = 1;
      this.dsackLeft = -1;
      this.dsackRight = -1;
    }
    if (n < max) {
      const tmp = this.sackTmp;
      const m = this.reasm.sackRanges(tmp, max - n);
      for (let k = 0; k < m; k++, n++) {
        out[2 * n] = tmp[2 * k];
        out[2 * n + 1] = tmp[2 * k + 1];
      }
    }
    return n;
  }
  private readonly sackTmp: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
}
