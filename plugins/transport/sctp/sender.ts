/**
 * The data sender of an association: SACK processing with congestion
 * control reporting (RFC 9260 §6.2.1, §7.2), fast retransmit and fast
 * recovery (§7.2.4), the T3-rtx timer (§6.3.2, §6.3.3), FORWARD TSN
 * (RFC 3758 §3.5) and filling packets with DATA within cwnd, the peer's
 * window and Max.Burst (§6.1, §7.2.4).
 *
 * @module
 */
import type { CongestionController } from '../../../core/contracts/congestion.js';
import { ReusedCongestionEvents } from '../../../core/congestion/reused-events.js';
import type { Timer } from '../../../core/time/clock.js';
import { nullTracer, type Tracer } from '../../../core/trace/tracer.js';
import { tsnAdd, tsnLe } from './bytes.js';
import { encodeForwardTsn } from './chunks/forward-tsn.js';
import { encodeIForwardTsn } from './chunks/idata.js';
import { decodeSack } from './chunks/sack.js';
import type { SctpOptions } from './options.js';
import { Outbound, type OutMessage } from './outbound.js';
import type { Packetizer, PacketSentListener } from './packetizer.js';
import type { RtoEstimator } from './rto.js';

/** Smallest fragment (user data bytes) put into the free tail of a packet that already carries DATA. */
const MIN_TAIL_FRAGMENT = 64;

/** What the sender needs from its association. */
export interface SenderHost {
  /** Send what can be sent now. */
  flush(): void;
  /** Count one timeout toward Association.Max.Retrans; true when the association failed. */
  timeout(): boolean;
  /** The peer acknowledged something: it is alive (§8.3). */
  progress(): void;
  /** The peer acknowledged a TSN never sent: abort (protocol violation). */
  violation(message: string): void;
  /** Called after each SACK or T3 expiry (writable / shutdown checks). */
  afterAck(): void;
  /** The stack clock. */
  now(): number;
}

/** Send side of one association. */
export class Sender implements PacketSentListener {
  /** Message queue and retransmission queue. */
  readonly out: Outbound;
  /** Counters for stats. */
  readonly counters = { fastRetransmits: 0, t3Expirations: 0, forwardTsnSent: 0, dataBytesSent: 0, sacksReceived: 0 };
  private fastRtxPending = false;
  private readonly t3: Timer;
  /** Reused congestion events: no allocation per packet or per acked chunk. */
  private readonly events = new ReusedCongestionEvents();

  /**
   * @param initialTsn - own Initial TSN
   * @param outboundStreams - negotiated outbound streams
   * @param peerArwnd - the peer's initial a_rwnd
   * @param forwardTsn - PR-SCTP negotiated
   * @param iData - I-DATA negotiated (RFC 8260)
   * @param cc - the path's congestion controller
   * @param rto - the path's RTO estimator
   * @param opts - plugin options
   * @param maxData - largest DATA payload per chunk in bytes
   * @param host - the association
   * @param createTimer - the session's timer factory
   * @param tracer - the session's tracer (`packet_lost` at fast retransmit and T3-rtx expiry)
   */
  constructor(
    initialTsn: number,
    outboundStreams: number,
    peerArwnd: number,
    readonly forwardTsn: boolean,
    iData: boolean,
    readonly cc: CongestionController,
    private readonly rto: RtoEstimator,
    private readonly opts: SctpOptions,
    private readonly maxData: number,
    private readonly host: SenderHost,
    createTimer: (cb: () => void) => Timer,
    private readonly tracer: Tracer = nullTracer,
  ) {
    this.out = new Outbound(initialTsn, outboundStreams, peerArwnd, iData);
    this.t3 = createTimer(() => this.onT3());
  }

  /** Queue a message; PR-SCTP options are dropped when the peer did not offer FORWARD TSN (RFC 3758 §3.3). */
  enqueue(m: OutMessage): void {
    if (!this.forwardTsn && (m.maxRetransmits >= 0 || m.expiresAt !== Infinity)) {
      this.out.enqueue({ ...m, maxRetransmits: -1, expiresAt: Infinity });
    } else this.out.enqueue(m);
  }

  /** Process a SACK chunk value at `p[start, end)`. */
  onSack(p: Uint8Array, start: number, end: number): void {
    const out = this.out;
    const cc = this.cc;
    const s = decodeSack(p, start, end);
    this.counters.sacksReceived++;
    const now = this.host.now();
    const o = out.onSack(s, now);
    if (o.stale) return;
    if (o.invalid) return this.host.violation('SACK acknowledges a TSN never sent');
    if (o.rttSample >= 0) this.rto.sample(o.rttSample);
    // §8.3, and §6.1: SACKs answering zero-window probes also prove the peer alive.
    if (o.ackedBytes > 0 || o.cumAdvanced || s.arwnd === 0) this.host.progress();
    cc.onAckBegin(now);
    // RFC 9260 §7.2: every chunk newly acknowledged, by the cumulative ack or a Gap Ack Block, counts
    // (§7.2.2 partial_bytes_acked); the controller bounds slow start to one MTU per SACK (§7.2.1,
    // slowStartIncreaseLimit).
    for (const c of o.acked) this.events.packetAcked(cc, c.size, c.sentAt);
    if (out.recoverTsn !== null && tsnLe(out.recoverTsn, out.cumAck)) {
      out.recoverTsn = null;
      cc.onRecoveryEnd?.(now);
    }
    if (o.fastRetransmits > 0) {
      this.counters.fastRetransmits += o.fastRetransmits;
      this.fastRtxPending = true;
      if (this.tracer.enabled) this.tracer.emit('packet_lost', { transport: 'sctp', trigger: 'fast_retransmit', chunks: o.fastRetransmits });
      if (out.recoverTsn === null) {
        // §7.2.4: enter Fast Recovery; one window reduction per recovery.
        out.recoverTsn = tsnAdd(out.nextTsn, -1);
        cc.onCongestionEvent({
          now,
          cause: 'loss',
          lostBytes: o.lostBytes,
          bytesInFlight: o.priorInFlight,
          largestLostSentAt: o.largestLostSentAt,
          persistent: false,
        });
      }
    }
    this.events.ackEnd(
      cc,
      now,
      o.ackedBytes,
      o.priorInFlight,
      out.bytesInFlight,
      o.rttSample >= 0 ? o.rttSample : undefined,
      !out.hasDataToSend,
      out.recoverTsn !== null,
    );
    // RFC 3758 §3.5: a SACK that stays below the Advanced.Peer.Ack.Point means the FORWARD TSN was lost.
    if (out.forwardTsnPending && !o.cumAdvanced) out.forwardTsnDue = true;
    // §6.3.2 R2/R3: restart T3 when the cum ack advanced, stop it when nothing is outstanding.
    if (!out.needsT3) this.t3.cancel();
    else if (o.cumAdvanced) this.t3.arm(now + this.rto.rto);
    this.host.afterAck();
  }

  private onT3(): void {
    const out = this.out;
    const now = this.host.now();
    this.counters.t3Expirations++;
    if (this.host.timeout()) return;
    this.rto.backoff(); // §6.3.3 E2
    if (this.tracer.enabled) this.tracer.emit('packet_lost', { transport: 'sctp', tsn: tsnAdd(out.cumAck, 1), trigger: 'retransmission_timeout', rto: this.rto.rto });
    // §7.2.3 slow start, except for a zero window probe alone in flight: the receiver dropped
    // it for want of window, not for congestion (as usrsctp: no cwnd penalty on window probes).
    if (!out.probing) this.cc.onRetransmissionTimeout({ now, bytesInFlight: out.bytesInFlight });
    out.onT3(now); // §6.3.3 E3
    if (out.forwardTsnPending) out.forwardTsnDue = true;
    this.host.flush();
    if (out.needsT3) this.t3.arm(this.host.now() + this.rto.rto);
    this.host.afterAck();
  }

  /** FORWARD TSN (if due) and DATA into `pk`, within cwnd, the peer's window and Max.Burst. */
  fill(pk: Packetizer, now: number, dataAllowed: boolean): void {
    const out = this.out;
    if (out.forwardTsnDue && this.forwardTsn) {
      const f = out.forwardTsn();
      pk.put(out.iData ? encodeIForwardTsn(f.newCumTsn, f.entries) : encodeForwardTsn(f.newCumTsn, f.streams));
      out.forwardTsnDue = false;
      this.counters.forwardTsnSent++;
      if (!this.t3.armed) this.t3.arm(now + this.rto.rto);
    }
    if (!dataAllowed) return;
    const cc = this.cc;
    let packets = 0;
    // §7.2.4: the first fast retransmission goes out regardless of cwnd.
    let ignoreCwnd = this.fastRtxPending;
    this.fastRtxPending = false;
    for (;;) {
      const size = out.peekSize(this.maxData, now);
      if (size === 0) break;
      const isRtx = out.hasRetransmissions;
      if (pk.dataBytes === 0) {
        // Per packet: cwnd (§7.2.1), the peer's window with one probe when nothing is in flight (§6.1 A/B), Max.Burst.
        if (!ignoreCwnd && !cc.canSend(out.bytesInFlight)) break;
        if (!isRtx && out.bytesInFlight > 0 && size > out.peerRwnd) break;
        if (packets >= this.opts.maxBurst) break;
      } else if (!isRtx && size > out.peerRwnd) break;
      let limit = this.maxData;
      if (!pk.fits(size)) {
        // §6.9 allows fragments of any size: a message that is fragmented anyway starts in the
        // free tail of this packet instead of leaving it empty (fewer packets per byte).
        const hdr = out.chunkHeaderSize;
        const room = (pk.free - hdr) & ~3;
        if (isRtx || pk.dataBytes === 0 || room < MIN_TAIL_FRAGMENT || out.peekSize(Infinity, now) <= hdr + this.maxData) {
          if (pk.dataBytes > 0) packets++;
          pk.send();
          ignoreCwnd = false;
          continue;
        }
        limit = room;
      }
      const flight = out.bytesInFlight;
      const c = out.take(limit, now);
      const rtx = c.transmissions > 1;
      if (!rtx) {
        // A new chunk beyond the peer's window went out under §6.1 rule A: a zero window probe.
        if (c.size > out.peerRwnd) out.probeTsn = c.tsn;
        out.peerRwnd = Math.max(0, out.peerRwnd - c.size);
      }
      pk.data(c.flags, c.tsn, c.msg.stream, c.msg.ssn, c.msg.ppid, out.iData ? c.fsn : -1, c.data, c.size, flight, rtx);
      this.counters.dataBytesSent += c.data.length;
    }
    if (out.bytesInFlight > 0 && !this.t3.armed) this.t3.arm(now + this.rto.rto);
  }

  /** A packet carrying `dataBytes` of DATA chunks was sent with `flightBefore` bytes in flight: tell the congestion controller. */
  onDataPacketSent(dataBytes: number, flightBefore: number, retransmission: boolean): void {
    this.events.packetSent(this.cc, this.host.now(), dataBytes, flightBefore, retransmission, !this.out.hasDataToSend);
  }

  /** Stop the T3-rtx timer. */
  stopTimer(): void {
    this.t3.cancel();
  }
}
