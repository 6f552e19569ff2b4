/**
 * Graceful shutdown (RFC 9260 §9.2): SHUTDOWN-PENDING until everything
 * sent is acknowledged, then SHUTDOWN / SHUTDOWN ACK / SHUTDOWN COMPLETE
 * under the T2-shutdown timer, including crossing SHUTDOWNs and the
 * SHUTDOWN answering DATA received in SHUTDOWN-SENT.
 *
 * @module
 */
import type { Timer } from '../../../core/time/clock.js';
import { tsnLt } from './bytes.js';
import { ChunkType, FLAG_T } from './chunk-types.js';
import { encodeEmpty, encodeShutdown } from './chunks/control.js';
import { encodeSack } from './chunks/sack.js';
import type { Receiver } from './receiver.js';
import type { RtoEstimator } from './rto.js';
import type { Sender } from './sender.js';
import type { AssociationState } from './state.js';

/** What the shutdown procedure needs from the association. */
export interface ShutdownHost {
  /** Current association state. */
  state(): AssociationState;
  /** Move to `s` (traced). */
  setState(s: AssociationState): void;
  /** Send side, after setup. */
  sender(): Sender | null;
  /** Receive side, after setup. */
  receiver(): Receiver | null;
  /** A stream reset (RFC 6525) is outstanding or waiting, possibly holding messages. */
  resetPending(): boolean;
  /** Send a chunk in its own packet with the peer's tag (`reflected`: own tag and T bit, for OOTB answers). */
  send(chunk: Uint8Array): void;
  /** Bundle a chunk into the next packet. */
  queue(chunk: Uint8Array): void;
  /** Count one timeout; true when the association failed. */
  timeout(): boolean;
  /** Tell the application the peer will send no more. */
  remoteEnded(): void;
  /** Close the association normally. */
  close(): void;
  /** The stack clock. */
  now(): number;
}

/** The shutdown side of the state machine. */
export class Shutdown {
  /** The application asked for shutdown (possibly before the association was up). */
  requested = false;
  private readonly t2: Timer;

  /**
   * @param rto - the path's RTO (T2 uses it, and backs it off)
   * @param host - the association
   * @param createTimer - the session's timer factory
   */
  constructor(
    private readonly rto: RtoEstimator,
    private readonly host: ShutdownHost,
    createTimer: (cb: () => void) => Timer,
  ) {
    this.t2 = createTimer(() => this.onT2());
  }

  /** The application ended: SHUTDOWN-PENDING, then SHUTDOWN once idle. */
  end(opened: boolean): void {
    this.requested = true;
    if (!opened) return;
    if (this.host.state() === 'ESTABLISHED') this.host.setState('SHUTDOWN-PENDING');
    this.check();
  }

  /** Progress when everything sent has been acknowledged. */
  check(): void {
    const tx = this.host.sender();
    // RFC 6525: messages held for a stream reset are still to be sent.
    if (tx === null || !tx.out.idle || this.host.resetPending()) return;
    const state = this.host.state();
    if (state === 'SHUTDOWN-PENDING') {
      this.host.setState('SHUTDOWN-SENT');
      tx.stopTimer();
      this.sendShutdown();
    } else if (state === 'SHUTDOWN-RECEIVED') {
      this.host.setState('SHUTDOWN-ACK-SENT');
      tx.stopTimer();
      this.host.send(encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.armT2();
    }
  }

  private armT2(): void {
    this.t2.arm(this.host.now() + this.rto.rto);
  }

  private sendShutdown(): void {
    this.host.send(encodeShutdown((this.host.receiver() as Receiver).map.cumTsn));
    this.armT2();
  }

  /** A SHUTDOWN arrived carrying `cumTsnAck`. */
  onShutdown(cumTsnAck: number): void {
    const tx = this.host.sender();
    if (tx === null) return;
    // The SHUTDOWN's cumulative TSN ack acts as a SACK without gap blocks.
    const out = tx.out;
    if (tsnLt(out.cumAck, cumTsnAck) && tsnLt(cumTsnAck, out.nextTsn)) {
      const sack = encodeSack(cumTsnAck, out.peerRwnd + out.bytesInFlight, [], []);
      tx.onSack(sack, 4, sack.length);
    }
    const state = this.host.state();
    if (state === 'ESTABLISHED' || state === 'SHUTDOWN-PENDING') {
      this.host.setState('SHUTDOWN-RECEIVED');
      this.host.remoteEnded();
      this.check();
    } else if (state === 'SHUTDOWN-SENT') {
      // SHUTDOWN crossing ours: answer SHUTDOWN ACK.
      this.host.remoteEnded();
      this.host.setState('SHUTDOWN-ACK-SENT');
      this.host.send(encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.armT2();
    }
  }

  /** A SHUTDOWN ACK arrived. */
  onShutdownAck(): void {
    const state = this.host.state();
    if (state === 'SHUTDOWN-SENT' || state === 'SHUTDOWN-ACK-SENT') {
      this.host.send(encodeEmpty(ChunkType.SHUTDOWN_COMPLETE));
      this.host.remoteEnded();
      this.host.close();
    } else if (state === 'COOKIE-WAIT' || state === 'COOKIE-ECHOED') {
      // §8.4 rule 5: out of the blue for us.
      this.host.send(encodeEmpty(ChunkType.SHUTDOWN_COMPLETE, FLAG_T));
    }
  }

  /** DATA arrived in SHUTDOWN-SENT: answer with SHUTDOWN (its cum TSN) and restart T2. */
  onDataWhileShutdownSent(cumTsn: number): void {
    this.host.queue(encodeShutdown(cumTsn));
    this.armT2();
  }

  private onT2(): void {
    if (this.host.timeout()) return;
    this.rto.backoff();
    const state = this.host.state();
    if (state === 'SHUTDOWN-SENT') this.sendShutdown();
    else if (state === 'SHUTDOWN-ACK-SENT') {
      this.host.send(encodeEmpty(ChunkType.SHUTDOWN_ACK));
      this.armT2();
    }
  }

  /** Stop the T2-shutdown timer. */
  stop(): void {
    this.t2.cancel();
  }
}
