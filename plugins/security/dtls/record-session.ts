/**
 * The record side of a DTLS 1.2 session, shared by client and server
 * (RFC 6347 §4.1): reading the records of a datagram (epochs, replay window,
 * silent discard of bad records), ChangeCipherSpec and epoch switch, alerts
 * and close_notify, failure handling, application data, counters. The
 * handshake plumbing is in {@link DtlsSession}.
 *
 * @module
 */
import type { SecurityContext, SecuritySession } from '../../../core/contracts/security.js';
import { totalLength } from '../../../core/bytes.js';
import { PayloadTooLargeError, StateError } from '../../../core/errors.js';
import { AlertDescription, AlertLevel, ContentType } from './constants.js';
import { DtlsAlertError, DtlsDecodeError, DtlsHandshakeError } from './errors.js';
import type { CryptoProvider, SigningKey } from './crypto/provider.js';
import { MAX_PLAINTEXT_LENGTH, RECORD_HEADER_LENGTH, RecordCursor } from './record/codec.js';
import type { RecordProtection } from './record/protection.js';
import { RecordLayer } from './record/layer.js';
import type { DtlsCredentials, DtlsOptions } from './options.js';
import type { CipherSuite } from './suites.js';
import type { CertificateCache } from './x509/cache.js';

/** Shared, per-stack configuration handed to each session. */
export interface SessionConfig {
  /** Crypto provider. */
  readonly crypto: CryptoProvider;
  /** Parsed options. */
  readonly options: DtlsOptions;
  /** Resolved credentials. */
  readonly credentials: DtlsCredentials;
  /** Enabled suites in preference order. */
  readonly suites: readonly CipherSuite[];
  /** Our ECDSA key, imported once per stack (when credentials include a private key). */
  readonly signer?: SigningKey;
  /** Our Certificate message body (RFC 5246 §7.4.2), encoded once per stack (when credentials include a chain and key). */
  readonly certificateBody?: Uint8Array;
  /** Peer certificates parsed and fingerprinted, by exact DER, shared by the stack's sessions. */
  readonly peerCertificates?: CertificateCache;
}

/** Lifecycle of a session. */
export type SessionState = 'handshaking' | 'established' | 'closed' | 'failed';

/** Records or datagrams held back at most (early data, input during a suspension). */
const MAX_BUFFERED_RECORDS = 32;

/** Base of {@link DtlsSession}: everything about records, nothing about handshake messages. */
export abstract class DtlsRecordSession implements SecuritySession {
  /** Lifecycle state. */
  state: SessionState = 'handshaking';
  /** Negotiated suite (after the hello exchange). */
  protected suite: CipherSuite | undefined;
  /** Epoch used for alerts and application data. */
  protected writeEpoch = 0;
  /** Epochs, keys, sequence numbers, replay windows. */
  protected readonly records = new RecordLayer();
  /** Input is held back until an asynchronous step (a PSK lookup) settles. */
  protected suspended = false;
  /** Sequence number of the record being processed. */
  protected currentRecordSeq = 0;
  /** Datagram budget in bytes. */
  protected readonly mtu: number;
  /** Crypto provider. */
  protected readonly crypto: CryptoProvider;
  private earlyCcs = false;
  private earlyData: Uint8Array[] = [];
  private readonly cursor = new RecordCursor(new Uint8Array(0));
  private cursorInUse = false;
  private suspendedInput: Uint8Array[] = [];
  private readonly counters = {
    recordsSent: 0,
    recordsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    drops: {} as Record<string, number>,
  };

  /**
   * @param ctx - the session context
   * @param config - shared configuration
   */
  constructor(
    protected readonly ctx: SecurityContext,
    protected readonly config: SessionConfig,
  ) {
    this.crypto = config.crypto;
    this.mtu = Math.min(config.options.mtu ?? ctx.maxDatagramSize, ctx.maxDatagramSize);
  }

  /** {@inheritDoc SecuritySession.overhead} */
  get overhead(): number {
    return this.suite?.overhead ?? Math.max(...this.config.suites.map((s) => s.overhead));
  }

  /** {@inheritDoc SecuritySession.established} */
  get established(): boolean {
    return this.state === 'established';
  }

  abstract start(): void;

  /** A handshake record's plaintext (fragments to reassemble). */
  protected abstract onHandshakeRecord(plaintext: Uint8Array, epoch: number): void;

  /** Continue the handshake after a suspension ended. */
  protected abstract resumeHandshake(): void;

  /** The session ended: stop handshake timers and flights. */
  protected abstract onEnded(): void;

  /** Handshake counters for {@link DtlsRecordSession.stats}. */
  protected abstract handshakeStats(): Record<string, number>;

  /** The peer's ChangeCipherSpec was applied (read epoch is now 1). */
  protected abstract onPeerCcs(): void;

  // ---------------------------------------------------------------- receive

  /** {@inheritDoc SecuritySession.handleDatagram} */
  handleDatagram(data: Uint8Array): void {
    if (this.state === 'closed' || this.state === 'failed') {
      this.drop('dtls_session_ended');
      return;
    }
    if (this.suspended) {
      if (this.suspendedInput.length < MAX_BUFFERED_RECORDS) this.suspendedInput.push(data.slice());
      else this.drop('dtls_buffer_full');
      return;
    }
    try {
      this.processDatagram(data);
    } catch (err) {
      this.onError(err);
    }
  }

  private processDatagram(data: Uint8Array): void {
    // One cursor per session; a nested call (records buffered for epoch 1, replayed at the CCS) gets its own.
    const cur = this.cursorInUse ? new RecordCursor(data) : this.cursor.reset(data);
    const outer = !this.cursorInUse;
    this.cursorInUse = true;
    try {
      this.processRecords(cur, data);
    } finally {
      if (outer) this.cursorInUse = false;
    }
  }

  private processRecords(cur: RecordCursor, data: Uint8Array): void {
    for (;;) {
      let more: boolean;
      try {
        more = cur.next();
      } catch (err) {
        if (err instanceof DtlsDecodeError) {
          this.drop(err.reason);
          return;
        }
        throw err;
      }
      if (!more) return;
      this.processRecord(cur);
      if (this.state === 'closed' || this.state === 'failed') return;
      if (this.suspended) {
        if (cur.offset < data.length) this.suspendedInput.push(data.slice(cur.offset));
        return;
      }
    }
  }

  private processRecord(cur: RecordCursor): void {
    const opened = this.records.open(cur, this.state === 'established');
    if (opened === null) return;
    if (typeof opened === 'string') return this.drop(opened);
    this.counters.recordsReceived++;
    this.counters.bytesReceived += cur.length + RECORD_HEADER_LENGTH;
    this.currentRecordSeq = cur.seq;
    this.dispatch(cur.type, cur.epoch, opened);
  }

  private dispatch(type: number, epoch: number, plaintext: Uint8Array): void {
    switch (type) {
      case ContentType.application_data:
        if (this.state === 'established') this.ctx.deliver(plaintext);
        else if (this.earlyData.length < MAX_BUFFERED_RECORDS) this.earlyData.push(plaintext.slice());
        else this.drop('dtls_buffer_full');
        return;
      case ContentType.handshake:
        return this.onHandshakeRecord(plaintext, epoch);
      case ContentType.change_cipher_spec:
        if (plaintext.length !== 1 || plaintext[0] !== 1) return this.drop('dtls_bad_ccs');
        return this.onCcs();
      case ContentType.alert:
        return this.onAlert(plaintext);
      default:
        return this.drop('dtls_unexpected_content_type');
    }
  }

  private onCcs(): void {
    if (this.records.readEpoch !== 0) return this.drop('dtls_duplicate_ccs');
    if (this.records.pendingRead === undefined) {
      this.earlyCcs = true;
      return;
    }
    this.activateReadEpoch();
  }

  private activateReadEpoch(): void {
    const buffered = this.records.activateRead();
    this.earlyCcs = false;
    this.trace('ChangeCipherSpec received');
    this.onPeerCcs();
    for (const rec of buffered) {
      if (this.ended()) return;
      this.processDatagram(rec);
    }
  }

  /** The peer's epoch-1 keys are known; apply its CCS now if it already arrived. */
  protected setReadKeys(p: RecordProtection): void {
    this.records.pendingRead = p;
    if (this.earlyCcs) this.activateReadEpoch();
  }

  /** Our epoch-1 keys (used from the next entry sent in epoch 1). */
  protected setWriteKeys(p: RecordProtection): void {
    this.records.setWriteKeys(p);
  }

  private onAlert(plaintext: Uint8Array): void {
    if (plaintext.length !== 2) return this.drop('dtls_bad_alert');
    const level = plaintext[0];
    const desc = plaintext[1];
    this.trace('alert received', { level, description: desc });
    if (desc === AlertDescription.close_notify) return this.onCloseNotify();
    if (level === AlertLevel.fatal) {
      const err = new DtlsAlertError(desc, true);
      this.trace('failed', { code: err.code, alert: desc });
      this.end('failed');
      this.ctx.failed(err);
    }
  }

  /**
   * The peer closed (RFC 5246 §7.2.1, kept by RFC 6347 §4.1): answer with a
   * close_notify of our own, as {@link DtlsRecordSession.close} would send
   * it (only once established), and close at once, discarding pending
   * writes. It is answered once: the session is then closed and drops what
   * follows, and a session that sent its close_notify first is closed
   * already, so the peer's close_notify, the answer, is not answered.
   */
  private onCloseNotify(): void {
    if (this.state === 'established') {
      this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.trace('close_notify answered');
    }
    this.endClosed();
  }

  // ---------------------------------------------------------------- errors

  private onError(err: unknown): void {
    if (err instanceof DtlsHandshakeError) return this.fail(err);
    if (err instanceof DtlsDecodeError) {
      this.drop(err.reason);
      return this.fail(new DtlsHandshakeError('ERR_DTLS_DECODE', err.message, AlertDescription.decode_error));
    }
    this.fail(new DtlsHandshakeError('ERR_DTLS_INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`, AlertDescription.internal_error));
  }

  /** End the session with `err`, sending its fatal alert if it has one (and `alert` is true). */
  protected fail(err: Error, alert = true): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    if (alert && err instanceof DtlsHandshakeError) this.sendAlert(AlertLevel.fatal, err.alert);
    this.trace('failed', { code: (err as { code?: string }).code ?? 'unknown' });
    this.end('failed');
    this.ctx.failed(err);
  }

  private end(state: 'closed' | 'failed'): void {
    this.state = state;
    this.onEnded();
    this.records.clear();
    this.earlyData = [];
    this.suspendedInput = [];
  }

  /** End the session as closed and tell the stack (it then forgets this peer). */
  protected endClosed(): void {
    this.end('closed');
    this.ctx.closed();
  }

  /** Send an already-built datagram (e.g. a stateless HelloVerifyRequest). */
  protected sendRaw(parts: Uint8Array[]): void {
    this.sendDown(parts, 'handshake');
  }

  /** Whether the session is closed or failed. */
  protected ended(): boolean {
    return this.state === 'closed' || this.state === 'failed';
  }

  /** Count a dropped record. */
  protected drop(reason: string): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
    this.ctx.drop(reason);
  }

  /** Emit a `handshake_step` trace event. */
  protected trace(step: string, data?: Record<string, unknown>): void {
    if (this.ctx.tracer.enabled) this.ctx.tracer.emit('handshake_step', { role: this.ctx.role, step, ...data });
  }

  // ---------------------------------------------------------------- async pause

  /** Stop processing input until `work` settles (e.g. an asynchronous PSK lookup). */
  protected suspend(work: Promise<void>): void {
    this.suspended = true;
    work.then(
      () => this.resume(),
      (err: unknown) => {
        this.suspended = false;
        this.onError(err);
      },
    );
  }

  private resume(): void {
    this.suspended = false;
    if (this.state === 'failed' || this.state === 'closed') return;
    try {
      this.resumeHandshake();
    } catch (err) {
      this.onError(err);
    }
    while (!this.suspended && this.suspendedInput.length > 0 && !this.ended()) {
      this.handleDatagram(this.suspendedInput.shift()!);
    }
  }

  // ---------------------------------------------------------------- send

  /** Send one datagram made of `parts`, counting it. */
  protected sendDown(parts: Uint8Array[], kind: 'handshake' | 'application'): void {
    this.counters.recordsSent++;
    this.counters.bytesSent += totalLength(parts);
    this.ctx.sendDown(parts, kind);
  }

  /** Send an alert in the current write epoch. */
  protected sendAlert(level: number, description: number): void {
    if (this.writeEpoch === 1 && !this.records.canWriteEpoch1) return;
    this.sendDown(this.records.seal(ContentType.alert, this.writeEpoch, [Uint8Array.of(level, description)]), 'handshake');
  }

  /** Deliver the application data that arrived before the handshake completed. */
  protected releaseEarlyData(): void {
    const early = this.earlyData;
    this.earlyData = [];
    for (const d of early) {
      if (this.state !== 'established') return;
      this.ctx.deliver(d);
    }
  }

  /** {@inheritDoc SecuritySession.send} */
  send(parts: readonly Uint8Array[]): void {
    if (this.state !== 'established') throw new StateError('ERR_DTLS_NOT_ESTABLISHED', `cannot send application data in state ${this.state}`);
    let n = 0;
    for (let i = 0; i < parts.length; i++) n += parts[i].length;
    if (n > MAX_PLAINTEXT_LENGTH) throw new PayloadTooLargeError(n, MAX_PLAINTEXT_LENGTH);
    const out = this.records.seal(ContentType.application_data, 1, parts);
    this.counters.recordsSent++;
    this.counters.bytesSent += n + this.records.expansion(1);
    this.ctx.sendDown(out, 'application');
  }

  /** {@inheritDoc SecuritySession.close} */
  close(): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    if (this.state === 'established') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.trace('closed');
    this.end('closed');
  }

  /** {@inheritDoc SecuritySession.stats} */
  stats(): Record<string, unknown> {
    return {
      state: this.state,
      role: this.ctx.role,
      cipherSuite: this.suite?.name ?? null,
      ...this.counters,
      ...this.handshakeStats(),
      drops: { ...this.counters.drops },
    };
  }
}
