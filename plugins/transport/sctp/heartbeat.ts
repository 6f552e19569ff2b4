/**
 * Path heartbeats (RFC 9260 §8.3): on an idle path, a HEARTBEAT every
 * RTO + HB.interval (with ±50 % RTO jitter) carrying a time stamp and a
 * nonce; the HEARTBEAT ACK gives an RTT sample and clears the error
 * counter; an unanswered one counts toward Path.Max.Retrans.
 *
 * @module
 */
import type { RandomSource } from '../../../core/random/random.js';
import type { Timer } from '../../../core/time/clock.js';
import { u32, w32 } from './bytes.js';
import { encodeHeartbeat } from './chunks/control.js';
import type { RtoEstimator } from './rto.js';

/** What heartbeats need from the association. */
export interface HeartbeatHost {
  /** The stack clock (ms). */
  now(): number;
  /** Count one timeout; true when the association failed. */
  timeout(): boolean;
  /** The peer answered: clear the error counter. */
  progress(): void;
  /** Whether no DATA is outstanding (heartbeats only go to idle paths). */
  idle(): boolean;
  /** Send a HEARTBEAT chunk in its own packet. */
  send(chunk: Uint8Array): void;
  /** Count a drop. */
  drop(reason: string): void;
}

/** The heartbeat state of the association's single path. */
export class Heartbeat {
  /** HEARTBEATs sent. */
  sent = 0;
  private outstanding = false;
  private nonce = 0;
  private readonly timer: Timer;

  /**
   * @param interval - HB.interval in ms (0 disables heartbeats)
   * @param rto - the path's RTO estimator (jitter and RTT samples)
   * @param random - random source for jitter and nonces
   * @param host - the association
   * @param createTimer - the session's timer factory
   */
  constructor(
    private readonly interval: number,
    private readonly rto: RtoEstimator,
    private readonly random: RandomSource,
    private readonly host: HeartbeatHost,
    createTimer: (cb: () => void) => Timer,
  ) {
    this.timer = createTimer(() => this.onTimer());
  }

  /** Arm the timer for the next heartbeat. */
  arm(): void {
    if (this.interval <= 0) return;
    this.timer.arm(this.host.now() + this.interval + this.rto.rto * (0.5 + this.random.float()));
  }

  private onTimer(): void {
    if (this.outstanding) {
      this.outstanding = false;
      if (this.host.timeout()) return;
      this.rto.backoff();
    }
    if (this.host.idle()) {
      const info = new Uint8Array(16);
      new DataView(info.buffer).setFloat64(0, this.host.now());
      this.nonce = this.random.uint32();
      w32(info, 8, this.nonce);
      this.outstanding = true;
      this.sent++;
      this.host.send(encodeHeartbeat(info));
    }
    this.arm();
  }

  /** A HEARTBEAT ACK echoed `info` (RFC 9260 §8.3): check the nonce, take an RTT sample. */
  onAck(info: Uint8Array): void {
    if (!this.outstanding || info.length !== 16 || u32(info, 8) !== this.nonce) return void this.host.drop('sctp_bad_heartbeat_ack');
    this.outstanding = false;
    this.host.progress();
    this.rto.sample(this.host.now() - new DataView(info.buffer, info.byteOffset, 16).getFloat64(0));
  }

  /** Stop heartbeats. */
  stop(): void {
    this.timer.cancel();
  }
}
