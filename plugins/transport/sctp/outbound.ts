/**
 * The sending side of an association, new data: the message queue,
 * fragmentation and TSN assignment (RFC 9260 §6.9, §6.1), SSNs or I-DATA
 * MIDs per stream (RFC 8260 §2.1) and their reset (RFC 6525 §5.1.2), and
 * messages dropped for a lifetime that ended before they were sent
 * (RFC 3758 §3.5 A3). Chunks sent go to the {@link RetransmissionQueue} it
 * extends (SACK processing, fast retransmit, T3-rtx, PR-SCTP abandonment).
 *
 * Congestion control is not here: the association reports what this
 * module found to the shared congestion controller.
 *
 * @module
 */
import { DATA_HEADER_SIZE, FLAG_B, FLAG_E, FLAG_U, I_DATA_HEADER_SIZE } from './chunk-types.js';
import { SendQueue } from './send-queue.js';
import type { OutChunk, OutMessage } from './out-types.js';
import { RetransmissionQueue } from './retransmission-queue.js';

export type { OutChunk, OutMessage, SackOutcome } from './out-types.js';

/** The sending half of an association. */
export class Outbound extends RetransmissionQueue {
  private readonly queue: SendQueue;
  private readonly hdr: number;
  private readonly midOrdered: Uint32Array | null;
  private readonly midUnordered: Uint32Array | null;
  private readonly ssn: Uint16Array;
  /** Per-stream counters: messages and bytes sent. */
  readonly streamMessages: Uint32Array;
  /** Per-stream bytes queued. */
  readonly streamBytes: Float64Array;

  /**
   * @param initialTsn - own Initial TSN
   * @param outboundStreams - negotiated outbound streams
   * @param peerArwnd - the peer's initial a_rwnd
   * @param iData - I-DATA negotiated (RFC 8260): MIDs, FSNs, interleaving
   */
  constructor(
    initialTsn: number,
    readonly outboundStreams: number,
    peerArwnd: number,
    iData = false,
  ) {
    super(initialTsn, peerArwnd, iData);
    this.queue = new SendQueue(iData, peerArwnd);
    this.hdr = iData ? I_DATA_HEADER_SIZE : DATA_HEADER_SIZE;
    this.midOrdered = iData ? new Uint32Array(outboundStreams) : null;
    this.midUnordered = iData ? new Uint32Array(outboundStreams) : null;
    this.ssn = new Uint16Array(outboundStreams);
    this.streamMessages = new Uint32Array(outboundStreams);
    this.streamBytes = new Float64Array(outboundStreams);
  }

  /** Queue a message. */
  enqueue(m: OutMessage): void {
    this.queue.push(m);
    this.bufferedAmount += m.data.length;
    this.unsentBytes += m.data.length;
    this.streamMessages[m.stream]++;
    this.streamBytes[m.stream] += m.data.length;
  }

  /** Whether chunks are waiting for (re)transmission. */
  get hasDataToSend(): boolean {
    return this.rtxCount > 0 || !this.queue.empty;
  }

  /** Whether new (never sent) data is queued. */
  get hasNewData(): boolean {
    return !this.queue.empty;
  }

  /** Whether everything queued was sent and acknowledged (or abandoned). */
  get idle(): boolean {
    return this.queue.empty && this.outstanding === 0;
  }

  /** Size of a DATA (or I-DATA) chunk header in bytes. */
  get chunkHeaderSize(): number {
    return this.hdr;
  }

  /** Size in bytes of the next chunk to send, or 0 if none (expired unsent messages are dropped here). */
  peekSize(maxData: number, now: number): number {
    const rtx = this.retransmissionSize();
    if (rtx !== 0) return rtx;
    this.expiryNow = now;
    const m = this.queue.head(this.expired);
    return m === undefined ? 0 : this.hdr + Math.min(maxData, m.data.length - m.offset);
  }

  private expiryNow = 0;
  /** RFC 3758 §3.5 A3: a message whose lifetime ended before it was sent is dropped (created once, no closure per call). */
  private readonly expired = (m: OutMessage): boolean => {
    if (!(this.expiryNow >= m.expiresAt)) return false;
    this.abandonUnsent(m);
    return true;
  };

  /**
   * Take the next chunk to send (a retransmission first), after {@link Outbound.peekSize}
   * said there is one. Marks it sent at `now` and in flight.
   */
  take(maxData: number, now: number): OutChunk {
    const r = this.takeRetransmission(now);
    if (r !== undefined) return r;
    this.expiryNow = now;
    const m = this.queue.head(this.expired) as OutMessage;
    const len = Math.min(maxData, m.data.length - m.offset);
    let flags = m.unordered ? FLAG_U : 0;
    if (m.offset === 0) {
      flags |= FLAG_B;
      const mids = m.unordered ? this.midUnordered : this.midOrdered;
      if (mids !== null) {
        // RFC 8260 §2.1: one MID sequence per stream for ordered and one for unordered messages.
        m.ssn = mids[m.stream];
        mids[m.stream] = (m.ssn + 1) >>> 0;
      } else if (!m.unordered) {
        m.ssn = this.ssn[m.stream];
        this.ssn[m.stream] = (m.ssn + 1) & 0xffff;
      }
    }
    const fsn = m.fsn ?? 0;
    m.fsn = fsn + 1;
    const data = m.offset === 0 && len === m.data.length ? m.data : m.data.subarray(m.offset, m.offset + len);
    m.offset += len;
    this.unsentBytes -= len;
    if (m.offset === m.data.length) flags |= FLAG_E;
    this.queue.advance(m, m.offset === m.data.length, fsn === 0);
    const c: OutChunk = {
      tsn: this.nextTsn,
      msg: m,
      flags,
      fsn,
      data,
      size: this.hdr + len,
      sentAt: now,
      transmissions: 1,
      acked: false,
      inFlight: true,
      retransmit: false,
      misses: 0,
      fastRetransmitted: false,
      abandoned: false,
    };
    this.pushSent(c, now);
    return c;
  }

  /** Whether messages on `streams` (all when empty) wait to be fragmented (RFC 6525 §5.1.2: a reset waits for them). */
  holdsUnsent(streams: ReadonlySet<number>): boolean {
    return this.queue.holds(streams);
  }

  /** Reset the SSNs (and I-DATA MIDs) of outgoing `streams` (all when empty) to 0 (RFC 6525 §5.1.2, RFC 8260 §2.3). */
  resetStreams(streams: readonly number[]): void {
    const n = streams.length === 0 ? this.outboundStreams : streams.length;
    for (let k = 0; k < n; k++) {
      const sid = streams.length === 0 ? k : streams[k];
      this.ssn[sid] = 0;
      if (this.midOrdered !== null) this.midOrdered[sid] = 0;
      if (this.midUnordered !== null) this.midUnordered[sid] = 0;
    }
  }
}
