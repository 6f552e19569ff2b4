/**
 * Types shared by the `tcp` session and protocol: connection states, the
 * reset error, the TIME-WAIT hand-over and the protocol hooks.
 *
 * @module
 */
import { ToukitError } from '../../../core/errors.js';
import type { TcpSession } from './session.js';

/** Connection states (RFC 9293 §3.3.2). */
export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

/** A connection reset by the peer (RST received, RFC 9293 §3.10.7.4). */
export class TcpResetError extends ToukitError {
  /** @param refused - true when the RST answered our SYN (connection refused) */
  constructor(refused: boolean) {
    super(
      refused ? 'ERR_TCP_CONNECTION_REFUSED' : 'ERR_TCP_CONNECTION_RESET',
      refused ? 'connection refused by the peer (RST)' : 'connection reset by the peer (RST)',
    );
  }
}

/** What a TIME-WAIT entry needs to answer retransmitted FINs after the session is gone (RFC 9293 §3.10.7.4). */
export interface TimeWaitInfo {
  /** Demux key of the connection. */
  readonly demuxKey: number;
  /** SND.NXT (32 bit). */
  readonly sndNxt: number;
  /** RCV.NXT (32 bit). */
  readonly rcvNxt: number;
  /** Duration in ms. */
  readonly duration: number;
  /** Timestamps in use: TS.Recent and our TS clock offset, or undefined. */
  readonly ts: TimeWaitTimestamps | undefined;
}

/** Timestamp state a TIME-WAIT entry keeps (RFC 7323 §5, PAWS). */
export interface TimeWaitTimestamps {
  /** TS.Recent: the peer's latest TSval. */
  readonly recent: number;
  /** Our TS clock offset (the TSval we send is clock + offset). */
  readonly offset: number;
}

/** Hooks the protocol gives its sessions. */
export interface TcpSessionHooks {
  /** The session left SYN-RECEIVED (established or failed): one half-open slot is free. */
  halfOpenEnded?(): void;
  /** The session entered TIME-WAIT and is about to report `closed()`. */
  timeWait?(info: TimeWaitInfo): void;
  /**
   * The application let go of a connection whose sending side it had
   * already ended: keep routing its segments here until it finishes (an
   * "orphan", as in Linux), since the stack no longer demultiplexes to it.
   */
  orphan?(session: TcpSession): void;
  /** An orphan finished. */
  orphanEnded?(session: TcpSession): void;
}
