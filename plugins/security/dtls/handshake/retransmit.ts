/**
 * Flight transmission and retransmission (RFC 6347 §4.2.4): the current
 * flight is kept whole; it is resent when the timer expires (doubling from
 * the initial value up to 60 s) or when the peer retransmits the flight ours
 * answers, at most once per quarter of the initial timer. A new flight keeps
 * the timer of the previous one if that needed a retransmission, and starts
 * from the initial value again after one that went through without loss
 * (§4.2.4.1).
 *
 * @module
 */
import type { Clock, Timer, TimerService } from '../../../../core/time/clock.js';
import type { FlightEntry } from './flight.js';

/** Maximum retransmission timer (RFC 6347 §4.2.4.1: at least 60 s). */
export const MAX_RETRANSMIT_TIMEOUT = 60_000;

/** Sends a flight's datagrams (building fresh records each time). */
export type FlightTransmitter = (entries: readonly FlightEntry[]) => void;

/**
 * The flight state machine of one session (one Timer, re-armed).
 *
 * The retransmission timer follows RFC 6347 §4.2.4.1: it starts at the
 * initial value, doubles on each timeout up to {@link MAX_RETRANSMIT_TIMEOUT},
 * and is retained by the next flight "until a transmission without loss
 * occurs": only a flight sent once (neither its timer nor the peer's
 * retransmission made us resend it) lets the next flight start from the
 * initial value again.
 */
export class FlightSender {
  /** Retransmissions so far. */
  retransmissions = 0;
  /** Flights sent so far. */
  flights = 0;
  private flight: FlightEntry[] | undefined;
  private expectsReply = false;
  private rto: number;
  /** Whether the current flight was resent (a loss): the next flight then keeps `rto`. */
  private resent = false;
  private lastTransmit = -Infinity;
  private answeredPeerSeq = -1;
  private readonly timer: Timer;

  /**
   * @param initialRto - initial retransmission timeout in ms
   * @param clock - stack clock
   * @param timers - stack timer service
   * @param transmit - sends the flight's datagrams
   * @param onRetransmit - called before each retransmission (tracing)
   */
  constructor(
    private readonly initialRto: number,
    private readonly clock: Clock,
    timers: TimerService,
    private readonly transmit: FlightTransmitter,
    private readonly onRetransmit: (why: 'timeout' | 'peer_retransmission') => void,
  ) {
    this.rto = initialRto;
    this.timer = timers.createTimer(() => this.onTimer());
  }

  /** Whether a flight is kept (to answer retransmissions). */
  get active(): boolean {
    return this.flight !== undefined;
  }

  /**
   * Send a new flight answering the peer message `answeredPeerSeq`; when
   * `expectsReply`, retransmit it on timer expiry until {@link FlightSender.answered}.
   * Its timer is the previous flight's if that one was resent, else the
   * initial value (RFC 6347 §4.2.4.1).
   */
  send(entries: FlightEntry[], expectsReply: boolean, answeredPeerSeq: number): void {
    this.flight = entries;
    this.expectsReply = expectsReply;
    this.answeredPeerSeq = answeredPeerSeq;
    if (!this.resent) this.rto = this.initialRto;
    this.resent = false;
    this.flights++;
    this.emit();
  }

  /** The peer sent (again) the whole message `messageSeq` of an older flight. */
  peerRetransmitted(messageSeq: number): void {
    if (this.flight === undefined || messageSeq !== this.answeredPeerSeq) return;
    if (this.clock.now() - this.lastTransmit < this.initialRto / 4) return;
    this.retransmit('peer_retransmission');
  }

  /** The peer answered: stop the timer, keep the flight for answering retransmissions. */
  answered(): void {
    this.timer.cancel();
    this.expectsReply = false;
  }

  /** Forget the flight and stop the timer. */
  forget(): void {
    this.flight = undefined;
    this.timer.cancel();
  }

  private retransmit(why: 'timeout' | 'peer_retransmission'): void {
    this.retransmissions++;
    this.resent = true;
    this.onRetransmit(why);
    this.emit();
  }

  private emit(): void {
    const flight = this.flight;
    if (flight === undefined) return;
    this.transmit(flight);
    this.lastTransmit = this.clock.now();
    if (this.expectsReply) this.timer.arm(this.lastTransmit + this.rto);
    else this.timer.cancel();
  }

  private onTimer(): void {
    if (this.flight === undefined || !this.expectsReply) return;
    this.rto = Math.min(this.rto * 2, MAX_RETRANSMIT_TIMEOUT);
    this.retransmit('timeout');
  }
}
