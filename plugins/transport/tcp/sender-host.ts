/**
 * What the send half of a connection needs from its session (the session
 * implements it; the sender never sees the rest of the session).
 *
 * @module
 */
import type { TransportContext } from '../../../core/contracts/transport.js';
import type { TcpConfig } from './config.js';
import type { SegmentWriter } from './output.js';
import type { TcpReceiver } from './receiver.js';
import type { TcpOptionsBuilder } from './segment-options.js';
import type { TcpState } from './types.js';

/** What the send half needs from its session. */
export interface SenderHost {
  /** Stack context. */
  readonly ctx: TransportContext;
  /** Plugin options. */
  readonly cfg: TcpConfig;
  /** Segment writer. */
  readonly out: SegmentWriter;
  /** Option state. */
  readonly opts: TcpOptionsBuilder;
  /** Receive half (for ACK numbers, windows and SACK blocks). */
  readonly rcv: TcpReceiver;
  /** Connection state. */
  readonly state: TcpState;
  /** Whether the peer's ISN is known (ACK flag allowed). */
  readonly haveIrs: boolean;
  /** The window field to send. */
  windowField(): number;
  /** An ACK went out (piggybacked or not). */
  ackSent(): void;
  /** Count a drop. */
  drop(reason: string): void;
  /** Give up: too many retransmissions. */
  failTimeout(what: string): void;
  /** Our FIN was acknowledged. */
  finAcked(): void;
  /** The send buffer drained below the high-water mark. */
  writable(): void;
  /** Count a SYN retransmission; false when exhausted. */
  synRetry(): boolean;
  /** Run a timer callback, counting instead of throwing if it fails. */
  guarded(fn: () => void): void;
}
