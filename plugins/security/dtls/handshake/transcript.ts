/**
 * The handshake transcript (RFC 5246 §7.4.9 `handshake_messages`; in DTLS
 * every message with an unfragmented 12-byte header, RFC 6347 §4.2.6): the
 * messages in order and a running SHA-256 over them, so that the extended
 * master secret (RFC 7627 §4) and both Finished messages hash only the bytes
 * added since, not the whole transcript again. Messages are hashed lazily:
 * the ones added since the last digest go into the hash in one update.
 *
 * @module
 */
import { joinBytes } from '../../../../core/bytes.js';
import type { CryptoProvider, Sha256Stream } from '../crypto/provider.js';
import { HANDSHAKE_HEADER_LENGTH, writeHandshakeHeader } from './header.js';

/** Handshake messages so far, with a running hash. */
export class Transcript {
  private parts: Uint8Array[] = [];
  /** Messages not hashed yet: they are hashed together, with one update, when a digest is asked for. */
  private pending: Uint8Array[] = [];
  /** Created with the first digest (a client resets once or twice before that). */
  private hash: Sha256Stream | undefined;
  /** The last digest, while nothing was added after it (EMS and the client Finished hash the same messages). */
  private last: Uint8Array | undefined;

  /** @param crypto - provider of the running hash */
  constructor(private readonly crypto: CryptoProvider) {}

  /** Append a whole encoded message (header included). */
  add(message: Uint8Array): void {
    this.parts.push(message);
    this.pending.push(message);
    this.last = undefined;
  }

  /** Append a received message: an unfragmented header for `body`, then `body` (kept by reference). */
  addMessage(msgType: number, messageSeq: number, body: Uint8Array): void {
    const header = new Uint8Array(HANDSHAKE_HEADER_LENGTH);
    writeHandshakeHeader(header, 0, msgType, body.length, messageSeq, 0, body.length);
    this.add(header);
    if (body.length > 0) this.add(body);
  }

  /** Forget everything (a ClientHello answered by a HelloVerifyRequest is not part of it, RFC 6347 §4.2.1). */
  reset(): void {
    this.parts = [];
    this.pending = [];
    this.hash = undefined;
    this.last = undefined;
  }

  /** SHA-256 of the messages so far (read-only; the same array until more is added); more may be added afterwards. */
  digest(): Uint8Array {
    if (this.last !== undefined) return this.last;
    const hash = (this.hash ??= this.crypto.sha256Stream());
    const pending = this.pending;
    if (pending.length > 0) {
      // One hash update for everything added since the last digest, not one per message part.
      hash.update(pending.length === 1 ? pending[0] : joinBytes(pending));
      this.pending = [];
    }
    return (this.last = hash.digest());
  }

  /** The messages so far as one array (what CertificateVerify signs, RFC 5246 §7.4.8). */
  bytes(): Uint8Array {
    return joinBytes(this.parts);
  }
}
