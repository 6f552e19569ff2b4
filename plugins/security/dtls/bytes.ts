/**
 * Bounds-checked big-endian reading and growable writing of TLS vectors
 * (RFC 5246 §4). Every read past the end throws a {@link DtlsDecodeError},
 * never a RangeError.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { decodeError } from './errors.js';
import { joinBytes } from '../../../core/bytes.js';

/** A cursor over a byte array; all reads are bounds-checked. */
export class ByteReader {
  /** Current offset. */
  pos: number;
  /** Exclusive end offset. */
  readonly end: number;

  /**
   * @param buf - the bytes
   * @param start - first offset to read (default 0)
   * @param end - exclusive end (default `buf.length`)
   */
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw decodeError('dtls_truncated', `need ${n} bytes, ${this.end - this.pos} left`);
  }

  /** Read an unsigned 8-bit integer. */
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  /** Read an unsigned 16-bit big-endian integer. */
  u16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos] << 8) | b[this.pos + 1];
    this.pos += 2;
    return v;
  }

  /** Read an unsigned 24-bit big-endian integer. */
  u24(): number {
    this.need(3);
    const b = this.buf;
    const v = (b[this.pos] << 16) | (b[this.pos + 1] << 8) | b[this.pos + 2];
    this.pos += 3;
    return v;
  }

  /** Read `n` bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Read a vector with a 1-byte length prefix. */
  vec8(): Uint8Array {
    return this.bytes(this.u8());
  }

  /** Read a vector with a 2-byte length prefix. */
  vec16(): Uint8Array {
    return this.bytes(this.u16());
  }

  /** Read a vector with a 3-byte length prefix. */
  vec24(): Uint8Array {
    return this.bytes(this.u24());
  }

  /** Throw unless every byte was consumed. */
  done(what: string): void {
    if (this.pos !== this.end) throw decodeError('dtls_trailing_bytes', `${this.end - this.pos} trailing bytes in ${what}`);
  }
}

/**
 * Initial capacity of a {@link ByteWriter}: most handshake fields and small
 * messages fit, and V8 keeps a typed array this small on its heap (a larger
 * one gets a separately allocated backing store).
 */
const INITIAL_WRITER_CAPACITY = 64;

/** A growable byte writer for handshake messages (not used per packet). */
export class ByteWriter {
  private buf: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  /** @param capacity - initial buffer size in bytes (it grows as needed) */
  constructor(capacity = INITIAL_WRITER_CAPACITY) {
    this.buf = new Uint8Array(Math.max(1, capacity));
  }

  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Write an 8-bit integer. */
  u8(v: number): this {
    this.grow(1);
    this.buf[this.length++] = v;
    return this;
  }

  /** Write a 16-bit big-endian integer. */
  u16(v: number): this {
    this.grow(2);
    this.buf[this.length++] = v >>> 8;
    this.buf[this.length++] = v;
    return this;
  }

  /** Write a 24-bit big-endian integer. */
  u24(v: number): this {
    this.grow(3);
    this.buf[this.length++] = v >>> 16;
    this.buf[this.length++] = v >>> 8;
    this.buf[this.length++] = v;
    return this;
  }

  /** Write raw bytes. */
  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Write a vector with a 1-byte length prefix. */
  vec8(b: Uint8Array): this {
    return this.u8(b.length).bytes(b);
  }

  /** Write a vector with a 2-byte length prefix. */
  vec16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }

  /** Write a vector with a 3-byte length prefix. */
  vec24(b: Uint8Array): this {
    return this.u24(b.length).bytes(b);
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Concatenate byte arrays (handshake path only). */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return joinBytes(parts);
}

/** Lower-case hex of `b`. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Bytes of a hex string (colons and whitespace ignored); throws a DtlsDecodeError on bad hex. */
export function fromHex(s: string): Uint8Array {
  const clean = s.replace(/[:\s]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw decodeError('dtls_bad_hex', 'invalid hex string');
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Constant-time equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
