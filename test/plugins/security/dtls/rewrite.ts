/**
 * Test helpers that play a man in the middle on a {@link SecurityPair} link:
 * rewrite one epoch-0 handshake message in the datagrams that pass, and list
 * the handshake messages a side sent.
 *
 * @module
 */
import type { SideLog } from '../../../../core/testing/security.js';
import { ContentType } from '../../../../plugins/security/dtls/constants.js';
import { HANDSHAKE_HEADER_LENGTH, encodeHandshake, parseHandshakeFragments } from '../../../../plugins/security/dtls/handshake/header.js';
import { ByteWriter } from '../../../../plugins/security/dtls/bytes.js';
import { RecordCursor, plaintextRecord } from '../../../../plugins/security/dtls/record/codec.js';

/**
 * `d` with every whole epoch-0 handshake message of type `msgType` replaced
 * by one with the body `edit` returns (same message_seq); other records and
 * messages are copied unchanged.
 */
export function rewriteHandshake(d: Uint8Array, msgType: number, edit: (body: Uint8Array) => Uint8Array): Uint8Array {
  const c = new RecordCursor(d);
  const parts: Uint8Array[] = [];
  while (c.next()) {
    if (c.type !== ContentType.handshake || c.epoch !== 0) {
      parts.push(c.record().slice());
      continue;
    }
    const fragment = c.fragment();
    const out: Uint8Array[] = [];
    let offset = 0;
    let changed = false;
    for (const f of parseHandshakeFragments(fragment)) {
      const size = HANDSHAKE_HEADER_LENGTH + f.body.length;
      if (f.msgType === msgType && f.fragmentOffset === 0 && f.body.length === f.length) {
        out.push(encodeHandshake(msgType, f.messageSeq, edit(f.body.slice())));
        changed = true;
      } else out.push(fragment.slice(offset, offset + size));
      offset += size;
    }
    parts.push(changed ? plaintextRecord(c.type, c.version, c.epoch, c.seq, Buffer.concat(out)) : c.record().slice());
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** Every epoch-0 handshake message (fragments) a side sent, retransmissions included, in order. */
export function sentHandshakes(log: SideLog): { msgType: number; body: Uint8Array }[] {
  const out: { msgType: number; body: Uint8Array }[] = [];
  for (const s of log.sent) {
    const c = new RecordCursor(s.data);
    while (c.next()) {
      if (c.type !== ContentType.handshake || c.epoch !== 0) continue;
      for (const f of parseHandshakeFragments(c.fragment())) out.push({ msgType: f.msgType, body: f.body.slice() });
    }
  }
  return out;
}

/** An extensions block (RFC 5246 §7.4.1.4) from (type, data) pairs, duplicates allowed: 2-byte length ‖ entries. */
export function extensionBlock(entries: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const inner = new ByteWriter();
  for (const [type, data] of entries) inner.u16(type).vec16(data);
  return new ByteWriter().vec16(inner.finish()).finish();
}
