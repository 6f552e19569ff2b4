/**
 * Hello extensions (RFC 5246 §7.4.1.4): a list of type(2) ‖ data<0..2^16-1>.
 *
 * @module
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { decodeError } from '../errors.js';

/** Extensions by type (duplicates are rejected when parsing). */
export type Extensions = Map<number, Uint8Array>;

/** Parse the extensions block (without its outer length); throws on duplicates or truncation. */
export function parseExtensions(r: ByteReader): Extensions {
  const out: Extensions = new Map();
  if (r.remaining === 0) return out;
  const block = new ByteReader(r.buf, r.pos + 2, r.pos + 2 + r.u16());
  if (block.end > r.end) throw decodeError('dtls_truncated', 'extensions block exceeds the message');
  while (block.remaining > 0) {
    const type = block.u16();
    const data = block.vec16();
    if (out.has(type)) throw decodeError('dtls_duplicate_extension', `extension ${type} appears twice`);
    out.set(type, data);
  }
  r.pos = block.end;
  return out;
}

/** Write extensions (with the outer 2-byte length); nothing when empty. */
export function writeExtensions(w: ByteWriter, exts: readonly (readonly [number, Uint8Array])[]): void {
  if (exts.length === 0) return;
  const inner = new ByteWriter();
  for (const [type, data] of exts) inner.u16(type).vec16(data);
  w.vec16(inner.finish());
}

/** A list of u16 values with a 2-byte length (supported_groups, signature_algorithms). */
export function u16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter().u16(values.length * 2);
  for (const v of values) w.u16(v);
  return w.finish();
}

/** Parse a list of u16 values with a 2-byte length. */
export function parseU16List(data: Uint8Array): number[] {
  const r = new ByteReader(data);
  const inner = new ByteReader(data, 2, 2 + r.u16());
  if (inner.end !== data.length || (inner.end - 2) % 2 !== 0) throw decodeError('dtls_bad_extension', 'bad u16 list');
  const out: number[] = [];
  while (inner.remaining > 0) out.push(inner.u16());
  return out;
}
