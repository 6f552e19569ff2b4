/**
 * Reassembly of handshake messages from out-of-order, duplicated and
 * overlapping fragments (RFC 6347 §4.2.3), delivered strictly in
 * message_seq order (§4.2.2).
 *
 * @module
 */
import type { HandshakeFragment } from './header.js';

/** A complete handshake message. */
export interface HandshakeMessage {
  /** msg_type. */
  readonly msgType: number;
  /** message_seq. */
  readonly messageSeq: number;
  /** The whole body. */
  readonly body: Uint8Array;
}

interface Partial {
  msgType: number;
  body: Uint8Array;
  mask: Uint8Array;
  filled: number;
}

/** Mask of a message that arrived whole (never read: a complete message takes no more bytes). */
const COMPLETE = new Uint8Array(0);

/** Outcome of {@link Reassembler.add}. */
export type FragmentOutcome = 'buffered' | 'old' | 'future' | 'mismatch';

/** Messages further ahead than this are dropped rather than buffered. */
export const MAX_BUFFERED_MESSAGES = 16;

/** Buffers fragments and releases whole messages in message_seq order. */
export class Reassembler {
  /** The next message_seq to deliver. */
  nextSeq: number;
  private readonly partial = new Map<number, Partial>();

  /** @param nextSeq - first expected message_seq */
  constructor(nextSeq = 0) {
    this.nextSeq = nextSeq;
  }

  /**
   * Add a fragment. `old`: its message was already delivered (a
   * retransmission); `future`: too far ahead, dropped; `mismatch`: conflicts
   * with earlier fragments of the same message, dropped.
   */
  add(f: HandshakeFragment): FragmentOutcome {
    if (f.messageSeq < this.nextSeq) return 'old';
    if (f.messageSeq >= this.nextSeq + MAX_BUFFERED_MESSAGES) return 'future';
    let p = this.partial.get(f.messageSeq);
    if (p === undefined) {
      if (f.fragmentOffset === 0 && f.body.length === f.length) {
        // The usual case, a whole message in one fragment: one copy, no byte mask.
        this.partial.set(f.messageSeq, { msgType: f.msgType, body: f.body.slice(), mask: COMPLETE, filled: f.length });
        return 'buffered';
      }
      p = { msgType: f.msgType, body: new Uint8Array(f.length), mask: new Uint8Array(f.length), filled: 0 };
      this.partial.set(f.messageSeq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      return 'mismatch';
    }
    if (p.filled === p.body.length) return 'buffered'; // already complete: a duplicate adds nothing
    const { body, mask } = p;
    const src = f.body;
    const off = f.fragmentOffset;
    for (let i = 0; i < src.length; i++) {
      if (mask[off + i] === 0) {
        mask[off + i] = 1;
        body[off + i] = src[i];
        p.filled++;
      }
    }
    return 'buffered';
  }

  /** The next complete message in order, if any. */
  pop(): HandshakeMessage | undefined {
    const p = this.partial.get(this.nextSeq);
    if (p === undefined || p.filled !== p.body.length) return undefined;
    this.partial.delete(this.nextSeq);
    return { msgType: p.msgType, messageSeq: this.nextSeq++, body: p.body };
  }

  /** Forget every buffered fragment and expect `nextSeq` next. */
  reset(nextSeq: number): void {
    this.partial.clear();
    this.nextSeq = nextSeq;
  }
}
