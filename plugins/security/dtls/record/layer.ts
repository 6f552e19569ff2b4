/**
 * Record-layer state of one session (RFC 6347 §4.1): read and write epochs,
 * explicit per-epoch sequence numbers, AEAD protections, per-epoch replay
 * windows, and records of the next epoch buffered until its keys are active.
 *
 * @module
 */
import { ContentType, DTLS10, DTLS12 } from '../constants.js';
import { RECORD_HEADER_LENGTH, plaintextRecord } from './codec.js';
import type { RecordCursor } from './codec.js';
import type { RecordProtection } from './protection.js';
import { ReplayWindow } from './replay.js';
import { joinBytes } from '../../../../core/bytes.js';

/** Records of the next epoch buffered at most. */
export const MAX_FUTURE_RECORDS = 32;

/** Epochs, keys, sequence numbers and replay state of one session. */
export class RecordLayer {
  /** Epoch whose records are accepted (epoch-0 handshake records are always accepted). */
  readEpoch = 0;
  /** Keys of the next read epoch, once derived (applied at the peer's ChangeCipherSpec). */
  pendingRead: RecordProtection | undefined;
  private readProtection: RecordProtection | undefined;
  private writeProtection: RecordProtection | undefined;
  private readonly writeSeq = [0, 0];
  /** Replay window of epoch 1 (epoch-0 records are unauthenticated: no window, see {@link RecordLayer.open}). */
  private readonly replay = new ReplayWindow();
  private future: Uint8Array[] = [];

  /**
   * Check and open the record under `cur`: returns its plaintext, `null`
   * when it was buffered for the next epoch, or the drop reason. Replay
   * state advances only after authentication (§4.1.2.6).
   */
  open(cur: RecordCursor, established: boolean): Uint8Array | string | null {
    const epoch = cur.epoch;
    if (epoch > 0 && cur.version !== DTLS12) return 'dtls_bad_version';
    if (epoch === 0 && (epoch === this.readEpoch || cur.type === ContentType.handshake)) {
      // No replay window in epoch 0: it may advance only after a record authenticated (§4.1.2.6), and
      // epoch-0 records never do. One with a forged or damaged sequence number near 2^48 would
      // otherwise move the window past every later record, and the peer's ChangeCipherSpec would be
      // dropped as a replay for the rest of the handshake. Duplicates are harmless here: reassembly
      // absorbs handshake fragments, a second ChangeCipherSpec is dropped, and a restarted client
      // reuses low sequence numbers anyway (§4.2.8).
      if (cur.type === ContentType.application_data) return 'dtls_unprotected_data';
      if (cur.type === ContentType.alert && established) return 'dtls_unprotected_alert';
      return cur.fragment();
    }
    if (epoch === 1 && this.readEpoch === 1) {
      if (!this.replay.check(cur.seq)) return 'dtls_replay';
      const opened = this.readProtection!.open(cur.type, cur.version, epoch, cur.seq, cur.fragment());
      if (opened === null) return 'dtls_bad_record_mac';
      this.replay.accept(cur.seq);
      return opened;
    }
    if (epoch === 1 && this.readEpoch === 0) {
      if (this.future.length >= MAX_FUTURE_RECORDS) return 'dtls_buffer_full';
      this.future.push(cur.record().slice());
      return null;
    }
    return 'dtls_bad_epoch';
  }

  /** Switch reading to epoch 1 with {@link RecordLayer.pendingRead}; returns the records buffered for it. */
  activateRead(): Uint8Array[] {
    this.readProtection = this.pendingRead;
    this.pendingRead = undefined;
    this.readEpoch = 1;
    const buffered = this.future;
    this.future = [];
    return buffered;
  }

  /** Install our epoch-1 keys. */
  setWriteKeys(p: RecordProtection): void {
    this.writeProtection = p;
  }

  /** Whether epoch-1 write keys exist. */
  get canWriteEpoch1(): boolean {
    return this.writeProtection !== undefined;
  }

  /** Record expansion in `epoch` (header, plus nonce and tag when protected). */
  expansion(epoch: number): number {
    return epoch === 0 ? RECORD_HEADER_LENGTH : this.writeProtection!.overhead;
  }

  /** Build one record of `type` in `epoch` with the next sequence number; `legacy` uses version 0xFEFF in epoch 0. */
  seal(type: number, epoch: number, parts: readonly Uint8Array[], legacy = false): Uint8Array[] {
    const seq = this.writeSeq[epoch]++;
    if (epoch === 0) return [plaintextRecord(type, legacy ? DTLS10 : DTLS12, 0, seq, parts.length === 1 ? parts[0] : concat(parts))];
    return this.writeProtection!.seal(type, DTLS12, epoch, seq, parts);
  }

  /** Continue epoch-`epoch` sequence numbers at `next` (never going back). */
  skipWriteSeq(epoch: number, next: number): void {
    if (next > this.writeSeq[epoch]) this.writeSeq[epoch] = next;
  }

  /** Drop buffered records. */
  clear(): void {
    this.future = [];
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return joinBytes(parts);
}
