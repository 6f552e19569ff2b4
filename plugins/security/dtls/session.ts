/**
 * The handshake plumbing of a DTLS 1.2 session shared by client and server:
 * fragment reassembly in message_seq order (RFC 6347 §4.2.2–4.2.3), the
 * transcript, flight transmission and retransmission (§4.2.4) and the
 * handshake deadline. The records are handled by {@link DtlsRecordSession};
 * the handshake logic lives in the client and server subclasses.
 *
 * @module
 */
import type { HandshakeInfo, SecurityContext } from '../../../core/contracts/security.js';
import type { Timer } from '../../../core/time/clock.js';
import { AlertDescription, AlertLevel } from './constants.js';
import { DtlsDecodeError, DtlsHandshakeTimeoutError } from './errors.js';
import { encodeHandshake, parseHandshakeFragments } from './handshake/header.js';
import type { HandshakeFragment } from './handshake/header.js';
import { Reassembler } from './handshake/reassembly.js';
import type { HandshakeMessage } from './handshake/reassembly.js';
import { packFlight } from './handshake/flight.js';
import type { FlightEntry } from './handshake/flight.js';
import { FlightSender } from './handshake/retransmit.js';
import { Transcript } from './handshake/transcript.js';
import { DtlsRecordSession } from './record-session.js';
import type { SessionConfig } from './record-session.js';

export type { SessionConfig, SessionState } from './record-session.js';

/** Base class of {@link DtlsClient} and {@link DtlsServer}. */
export abstract class DtlsSession extends DtlsRecordSession {
  /** Handshake transcript: whole messages with unfragmented headers (RFC 6347 §4.2.6). */
  protected readonly transcript: Transcript;
  /** Next outgoing message_seq. */
  protected sendMessageSeq = 0;
  /** Incoming handshake reassembly. */
  protected readonly reassembler = new Reassembler(0);
  /** message_seq of the last peer message processed. */
  protected lastPeerSeq = -1;
  /** When the handshake started (stack clock, ms). */
  protected startedAt = 0;
  private readonly flight: FlightSender;
  private readonly handshakeTimer: Timer;

  /**
   * @param ctx - the session context
   * @param config - shared configuration
   */
  constructor(ctx: SecurityContext, config: SessionConfig) {
    super(ctx, config);
    this.transcript = new Transcript(config.crypto);
    this.flight = new FlightSender(
      config.options.retransmitTimeout,
      ctx.clock,
      ctx.timers,
      (entries) => this.transmitFlight(entries),
      (why) => this.trace('flight retransmitted', { why }),
    );
    this.handshakeTimer = ctx.timers.createTimer(() => this.onHandshakeTimeout());
  }

  /** Start the handshake clock (subclasses call this from `start()`). */
  protected beginHandshake(): void {
    this.startedAt = this.ctx.clock.now();
    this.handshakeTimer.arm(this.startedAt + this.config.options.handshakeTimeout);
  }

  /** Handle one complete handshake message in order. */
  protected abstract onHandshakeMessage(msg: HandshakeMessage, epoch: number): void;

  /** Inspect a fragment before reassembly; return true when it was consumed (e.g. HelloVerifyRequest). */
  protected abstract preFragment(f: HandshakeFragment, epoch: number): boolean;

  /** Parse a handshake record into fragments, reassemble them and handle each complete message in order. */
  protected onHandshakeRecord(plaintext: Uint8Array, epoch: number): void {
    let frags: HandshakeFragment[];
    try {
      frags = parseHandshakeFragments(plaintext);
    } catch (err) {
      if (err instanceof DtlsDecodeError) return this.drop(err.reason);
      throw err;
    }
    for (const f of frags) {
      if (this.preFragment(f, epoch)) continue;
      const outcome = this.reassembler.add(f);
      if (outcome === 'old') {
        // A whole old message: if it ends the peer flight ours answers, ours was lost (§4.2.4).
        if (f.fragmentOffset + f.body.length === f.length) this.flight.peerRetransmitted(f.messageSeq);
        continue;
      }
      if (outcome !== 'buffered') {
        this.drop(`dtls_fragment_${outcome}`);
        continue;
      }
      for (let msg = this.reassembler.pop(); msg !== undefined; msg = this.reassembler.pop()) {
        this.lastPeerSeq = msg.messageSeq;
        this.onHandshakeMessage(msg, epoch);
        if (this.state === 'failed' || this.state === 'closed' || this.suspended) return;
      }
    }
  }

  /** Continue delivering reassembled messages (after a suspension ended). */
  protected resumeHandshake(): void {
    for (let msg = this.reassembler.pop(); msg !== undefined; msg = this.reassembler.pop()) {
      this.lastPeerSeq = msg.messageSeq;
      this.onHandshakeMessage(msg, this.records.readEpoch);
      if (this.state === 'failed' || this.state === 'closed' || this.suspended) return;
    }
  }

  /** A whole handshake message with the next message_seq, added to the transcript unless `transcript` is false. */
  protected handshakeMessage(msgType: number, body: Uint8Array, transcript = true): Uint8Array {
    const msg = encodeHandshake(msgType, this.sendMessageSeq++, body);
    if (transcript) this.transcript.add(msg);
    return msg;
  }

  /** Add a received message to the transcript (with an unfragmented header). */
  protected addToTranscript(msg: HandshakeMessage): void {
    this.transcript.addMessage(msg.msgType, msg.messageSeq, msg.body);
  }

  /** SHA-256 of the transcript so far. */
  protected transcriptHash(): Uint8Array {
    return this.transcript.digest();
  }

  /**
   * Our ECDSA signature over `data` (ServerKeyExchange, RFC 8422 §5.4;
   * CertificateVerify, RFC 5246 §7.4.8): hedged RFC 6979 with 32 bytes of
   * the stack's random source as the additional data (RFC 6979 §3.6), so the
   * signature, like every other handshake byte, follows from that source.
   */
  protected sign(data: Uint8Array): Uint8Array {
    const extraEntropy = new Uint8Array(32);
    this.ctx.random.fill(extraEntropy);
    return this.config.signer!.sign(data, extraEntropy);
  }

  /** Send a new flight; when `expectsReply`, retransmit it on timer expiry until the peer answers. */
  protected sendFlight(entries: FlightEntry[], expectsReply: boolean): void {
    this.flight.send(entries, expectsReply, this.lastPeerSeq);
  }

  private transmitFlight(entries: readonly FlightEntry[]): void {
    const legacy = this.useLegacyRecordVersion();
    const datagrams = packFlight(
      entries,
      this.mtu,
      (epoch) => this.records.expansion(epoch),
      (type, epoch, payload) => this.records.seal(type, epoch, [payload], legacy),
    );
    for (const d of datagrams) this.sendDown(d, 'handshake');
  }

  private onHandshakeTimeout(): void {
    if (this.state !== 'handshaking') return;
    this.fail(new DtlsHandshakeTimeoutError(this.config.options.handshakeTimeout));
  }

  /** Stop retransmitting the current flight (the peer answered it); keep it for answering retransmissions. */
  protected flightAnswered(): void {
    this.flight.answered();
  }

  /** Forget the last flight (the client after the handshake). */
  protected forgetFlight(): void {
    this.flight.forget();
  }

  /** Whether epoch-0 records use version 0xFEFF (a ClientHello before the ServerHello). */
  protected useLegacyRecordVersion(): boolean {
    return false;
  }

  /** The handshake completed: stop the timers, report, release buffered data. */
  protected completeHandshake(info: Omit<HandshakeInfo, 'durationMs'>): void {
    this.state = 'established';
    this.handshakeTimer.cancel();
    const full: HandshakeInfo = { ...info, durationMs: this.ctx.clock.now() - this.startedAt };
    this.trace('established', { cipherSuite: info.cipherSuite });
    this.ctx.established(full);
    this.ctx.emitEvent('handshake', full);
    this.releaseEarlyData();
  }

  /** Refuse a renegotiation attempt (RFC 5746 §4.2 / RFC 5246 §7.4.1.1) with a no_renegotiation warning. */
  protected refuseRenegotiation(): void {
    this.trace('renegotiation refused');
    this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
  }

  /** The session ended: forget the flight, stop the handshake deadline. */
  protected onEnded(): void {
    this.flight.forget();
    this.handshakeTimer.cancel();
  }

  /** Flights sent and retransmissions, for `stats()`. */
  protected handshakeStats(): Record<string, number> {
    return { flightsSent: this.flight.flights, retransmissions: this.flight.retransmissions };
  }
}
