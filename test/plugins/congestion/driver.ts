/**
 * A synthetic ACK-clock driver for controller-level tests: a bulk sender
 * behind one FIFO drop-tail bottleneck with a constant base RTT, per-packet
 * ACKs (each packet acknowledged individually, as with SACK or QUIC),
 * loss declared when three later packets are acknowledged, one congestion
 * event per recovery epoch and an RTO with back-off. Deterministic: virtual
 * time and a seeded random source for Bernoulli loss.
 *
 * The first controller drives the sending decisions; any further
 * controllers ("followers") receive exactly the same events, so their
 * windows can be compared ACK by ACK with the leader's.
 *
 * @module
 */
import type {
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionParameters,
} from '../../../core/contracts/congestion.js';
import { SmoothedRtt } from '../../../core/congestion/smoothed-rtt.js';
import { SeededRandom } from '../../../core/random/random.js';
import type { Tracer } from '../../../core/trace/tracer.js';
import { nullTracer } from '../../../core/trace/tracer.js';

/** Driver configuration (bytes and ms). */
export interface DriverConfig {
  /** Segment size in bytes. */
  mss?: number;
  /** Base (propagation) round-trip time in ms. */
  rttMs: number;
  /** Bottleneck rate in bytes per ms (1 Mbit/s = 125 B/ms). */
  rate: number;
  /** Bottleneck buffer in bytes (drop-tail). */
  buffer: number;
  /** Bernoulli loss probability applied to every packet. */
  lossRate?: number;
  /** Seed for the loss process. */
  seed?: number;
  /** Drop a packet at send time when this returns true. */
  dropWhen?: (info: { pn: number; now: number; cwnd: number; retransmission: boolean }) => boolean;
  /** Report every lost packet as a congestion event (controllers must still reduce once per epoch). */
  reportEveryLoss?: boolean;
  /** Transport parameters for the controllers. */
  params?: CongestionParameters;
  /** Tracer given to the leader. */
  tracer?: Tracer;
  /** Declare every n-th congestion event spurious right after it (all controllers undo). */
  undoEvery?: number;
  /** Pace packets at cwnd/SRTT (spreads the ACK clock evenly over the RTT). */
  pacing?: boolean;
}

/** Mutable RTT estimator (RFC 6298 §2) shared with the controllers. */
export class RttEstimator extends SmoothedRtt {
  /** Feed one sample in ms. */
  update(r: number): void {
    this.sample(r);
  }
}

interface Packet {
  pn: number;
  sentAt: number;
  bytes: number;
  ackAt: number;
  dropped: boolean;
  state: 'flight' | 'acked' | 'lost';
  retransmission: boolean;
}

/** The driver. */
export class AckClockDriver {
  /** Virtual time in ms. */
  now = 0;
  /** Shared RTT estimator. */
  readonly rtt = new RttEstimator();
  /** The controllers (leader first). */
  readonly controllers: CongestionController[];
  /** Bytes currently in flight. */
  inFlight = 0;
  /** Unique bytes delivered (acknowledged for the first time). */
  delivered = 0;
  /** Packets dropped by the bottleneck or the loss process. */
  drops = 0;
  /** Congestion events reported. */
  congestionEvents = 0;
  /** Retransmission timeouts. */
  rtos = 0;
  /** Whether the transport considers itself in recovery. */
  inRecovery = false;
  readonly mss: number;
  private readonly packets: Packet[] = [];
  private firstOutstanding = 0;
  private ackQueue: Packet[] = [];
  private ackHead = 0;
  private linkFree = 0;
  private recoveryStart = -Infinity;
  private rtoDeadline = Infinity;
  private rtoBackoff = 1;
  private pendingRetransmit = 0;
  private nextSendAt = 0;
  private paceDeadline = Infinity;
  private readonly random: SeededRandom;

  /**
   * @param cfg - path and loss configuration
   * @param factories - controller factories; the first drives the sender
   */
  constructor(
    private readonly cfg: DriverConfig,
    factories: readonly CongestionControllerFactory[],
  ) {
    this.mss = cfg.mss ?? 1460;
    this.random = new SeededRandom(cfg.seed ?? 1);
    const clock = { now: () => this.now };
    this.controllers = factories.map((f, i) => {
      const ctx: CongestionContext = {
        mss: this.mss,
        clock,
        rtt: this.rtt,
        tracer: i === 0 ? (cfg.tracer ?? nullTracer) : nullTracer,
        params: cfg.params ?? {},
      };
      return f.create(ctx);
    });
  }

  /** The leading controller. */
  get cc(): CongestionController {
    return this.controllers[0];
  }

  /** Run until `until` ms, calling `onAck` after each ACK is processed. */
  run(until: number, onAck?: (d: AckClockDriver) => void): void {
    this.fill();
    for (;;) {
      const nextAck = this.ackHead < this.ackQueue.length ? this.ackQueue[this.ackHead].ackAt : Infinity;
      const next = Math.min(nextAck, this.rtoDeadline, this.paceDeadline);
      if (next > until) break;
      this.now = next;
      if (next === this.paceDeadline) {
        this.paceDeadline = Infinity;
      } else if (nextAck <= this.rtoDeadline) {
        this.onAck(this.ackQueue[this.ackHead++]);
        if (this.ackHead > 4096) {
          this.ackQueue = this.ackQueue.slice(this.ackHead);
          this.ackHead = 0;
        }
        onAck?.(this);
      } else {
        this.onRto();
      }
      this.fill();
    }
    this.now = until;
  }

  private fill(): void {
    const cc = this.cc;
    while (cc.canSend(this.inFlight)) {
      if (this.cfg.pacing === true && this.rtt.smoothed > 0) {
        if (this.now < this.nextSendAt) {
          this.paceDeadline = this.nextSendAt;
          return;
        }
        this.nextSendAt = Math.max(this.now, this.nextSendAt) + (this.mss * this.rtt.smoothed) / cc.cwnd;
      }
      this.send();
    }
  }

  private send(): void {
    const retransmission = this.pendingRetransmit > 0;
    if (retransmission) this.pendingRetransmit--;
    const bytes = this.mss;
    const pn = this.packets.length;
    const ev = { now: this.now, bytes, bytesInFlight: this.inFlight, retransmission, appLimited: false };
    for (const c of this.controllers) c.onPacketSent(ev);
    this.inFlight += bytes;
    const p: Packet = { pn, sentAt: this.now, bytes, ackAt: 0, dropped: false, state: 'flight', retransmission };
    this.packets.push(p);
    const backlog = Math.max(0, this.linkFree - this.now) * this.cfg.rate;
    const forced = this.cfg.dropWhen?.({ pn, now: this.now, cwnd: this.cc.cwnd, retransmission }) === true;
    const random = (this.cfg.lossRate ?? 0) > 0 && this.random.float() < (this.cfg.lossRate ?? 0);
    if (forced || backlog + bytes > this.cfg.buffer + this.mss) {
      p.dropped = true;
      this.drops++;
    } else {
      this.linkFree = Math.max(this.linkFree, this.now) + bytes / this.cfg.rate;
      if (random) {
        p.dropped = true;
        this.drops++;
      } else {
        p.ackAt = this.linkFree + this.cfg.rttMs;
        this.ackQueue.push(p);
      }
    }
    if (this.rtoDeadline === Infinity) this.armRto();
  }

  private armRto(): void {
    const rto = this.rtt.smoothed === 0 ? 1000 : Math.max(200, this.rtt.smoothed + 4 * this.rtt.variance);
    this.rtoDeadline = this.now + rto * this.rtoBackoff;
  }

  private onAck(p: Packet): void {
    if (p.state === 'acked') return;
    const wasLost = p.state === 'lost';
    p.state = 'acked';
    if (wasLost) return;
    this.delivered += p.bytes;
    const prior = this.inFlight;
    this.inFlight -= p.bytes;
    const sample = this.now - p.sentAt;
    this.rtt.update(sample);
    this.rtoBackoff = 1;
    if (p.sentAt > this.recoveryStart) this.inRecovery = false;
    for (const c of this.controllers) {
      c.onAckBegin(this.now);
      c.onPacketAcked({ bytes: p.bytes, sentAt: p.sentAt });
      c.onAckEnd({
        now: this.now,
        ackedBytes: p.bytes,
        priorBytesInFlight: prior,
        bytesInFlight: this.inFlight,
        rttSample: sample,
        appLimited: false,
        inRecovery: this.inRecovery,
      });
    }
    this.detectLosses(p.pn);
    this.rtoDeadline = Infinity;
    if (this.inFlight > 0) this.armRto();
  }

  private detectLosses(largestAcked: number): void {
    const flight = this.inFlight;
    let lostBytes = 0;
    let largestLostSentAt = -Infinity;
    let i = this.firstOutstanding;
    for (; i <= largestAcked - 3; i++) {
      const q = this.packets[i];
      if (q.state !== 'flight') continue;
      q.state = 'lost';
      this.inFlight -= q.bytes;
      this.pendingRetransmit++;
      lostBytes += q.bytes;
      if (q.sentAt > largestLostSentAt) largestLostSentAt = q.sentAt;
      if (this.cfg.reportEveryLoss === true) this.report(q.bytes, q.sentAt, flight);
    }
    while (this.firstOutstanding < this.packets.length && this.packets[this.firstOutstanding].state !== 'flight') {
      this.firstOutstanding++;
    }
    if (lostBytes > 0 && this.cfg.reportEveryLoss !== true && largestLostSentAt > this.recoveryStart) {
      this.report(lostBytes, largestLostSentAt, flight);
    }
  }

  private report(lostBytes: number, largestLostSentAt: number, flight: number): void {
    this.congestionEvents++;
    if (largestLostSentAt > this.recoveryStart) {
      this.recoveryStart = this.now;
      this.inRecovery = true;
    }
    const ev = { now: this.now, cause: 'loss' as const, lostBytes, bytesInFlight: flight, largestLostSentAt, persistent: false };
    for (const c of this.controllers) c.onCongestionEvent(ev);
    const k = this.cfg.undoEvery;
    if (k !== undefined && this.congestionEvents % k === 0) {
      for (const c of this.controllers) c.onSpuriousCongestion?.(this.now);
    }
  }

  private onRto(): void {
    this.rtos++;
    const flight = this.inFlight;
    for (let i = this.firstOutstanding; i < this.packets.length; i++) {
      const q = this.packets[i];
      if (q.state !== 'flight') continue;
      q.state = 'lost';
      this.pendingRetransmit++;
    }
    this.inFlight = 0;
    this.recoveryStart = this.now;
    this.inRecovery = true;
    for (const c of this.controllers) c.onRetransmissionTimeout({ now: this.now, bytesInFlight: flight });
    this.rtoBackoff = Math.min(this.rtoBackoff * 2, 64);
    this.rtoDeadline = Infinity;
  }
}

/** Megabit per second in bytes per ms. */
export function mbps(n: number): number {
  return (n * 1e6) / 8 / 1000;
}
