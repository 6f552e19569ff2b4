/**
 * The SCTP packet: common header with verification tag and CRC32c
 * (RFC 9260 §3.1, Appendix A: the checksum goes on the wire
 * least-significant byte first), a cursor over its chunks (§3.2) and a
 * writer that bundles chunks into one packet.
 *
 * @module
 */
import { crc32cUpdate } from './crc32c.js';
import { COMMON_HEADER_SIZE } from './chunk-types.js';
import { pad4, u16, u32, w16, w32 } from './bytes.js';
import { SctpDecodeError } from './errors.js';

const ZERO4 = new Uint8Array(4);

/** Compute the CRC32c of a packet as if its checksum field (bytes 8–11) were zero. */
export function packetChecksum(p: Uint8Array): number {
  let c = crc32cUpdate(0xffffffff, p, 0, 8);
  c = crc32cUpdate(c, ZERO4, 0, 4);
  c = crc32cUpdate(c, p, 12, p.length);
  return ~c >>> 0;
}

/** Read the checksum field (stored least-significant byte first, RFC 9260 Appendix A). */
export function storedChecksum(p: Uint8Array): number {
  return (p[8] | (p[9] << 8) | (p[10] << 16) | (p[11] << 24)) >>> 0;
}

/** Write the checksum of `p` into bytes 8–11 (least-significant byte first). */
export function sealPacket(p: Uint8Array): void {
  const c = packetChecksum(p);
  p[8] = c & 0xff;
  p[9] = (c >>> 8) & 0xff;
  p[10] = (c >>> 16) & 0xff;
  p[11] = c >>> 24;
}

/** Verification tag of a packet (bytes 4–7). */
export function packetVtag(p: Uint8Array): number {
  return u32(p, 4);
}

/**
 * Validate length and CRC32c of a received packet (RFC 9260 §6.8). With
 * `acceptZero` (this endpoint announced Zero Checksum Acceptable, RFC 9653
 * §5.2), a checksum field of zero is accepted as well as a correct CRC32c.
 * @throws SctpDecodeError `ERR_SCTP_TRUNCATED` or `ERR_SCTP_BAD_CRC`
 */
export function checkPacket(p: Uint8Array, acceptZero = false): void {
  if (p.length < COMMON_HEADER_SIZE + 4) throw new SctpDecodeError('TRUNCATED', `SCTP packet of ${p.length} bytes is too short`);
  const stored = storedChecksum(p);
  if (acceptZero && stored === 0) return;
  if (packetChecksum(p) !== stored) throw new SctpDecodeError('BAD_CRC', 'CRC32c mismatch');
}

/**
 * A cursor over the chunks of a packet (RFC 9260 §3.2). Reusable: call
 * {@link ChunkReader.reset} per packet, then {@link ChunkReader.next} until it returns false.
 */
export class ChunkReader {
  /** The packet being read. */
  buf: Uint8Array = ZERO4;
  /** Type of the current chunk. */
  type = 0;
  /** Flags of the current chunk. */
  flags = 0;
  /** Offset of the current chunk's header. */
  start = 0;
  /** Offset of the current chunk's value (start + 4). */
  valueStart = 0;
  /** End of the current chunk's value (start + its length field, unpadded). */
  valueEnd = 0;
  private pos = 0;

  /** Start reading the chunks of `p` (after the common header). */
  reset(p: Uint8Array): void {
    this.buf = p;
    this.pos = COMMON_HEADER_SIZE;
  }

  /**
   * Advance to the next chunk; false at the end of the packet.
   * @throws SctpDecodeError `ERR_SCTP_BAD_CHUNK_LENGTH` when a length field is < 4 or runs past the packet
   */
  next(): boolean {
    const b = this.buf;
    const i = this.pos;
    if (i >= b.length) return false;
    if (i + 4 > b.length) throw new SctpDecodeError('BAD_CHUNK_LENGTH', 'chunk header truncated');
    const len = u16(b, i + 2);
    if (len < 4 || i + len > b.length) throw new SctpDecodeError('BAD_CHUNK_LENGTH', `chunk length ${len} invalid at offset ${i}`);
    this.type = b[i];
    this.flags = b[i + 1];
    this.start = i;
    this.valueStart = i + 4;
    this.valueEnd = i + len;
    this.pos = i + pad4(len);
    return true;
  }

  /** A copy-free view of the current chunk's value. */
  value(): Uint8Array {
    return this.buf.subarray(this.valueStart, this.valueEnd);
  }
}

/** The three fields of the common header (RFC 9260 §3.1). */
export interface CommonHeader {
  /** Source port number. */
  readonly srcPort: number;
  /** Destination port number. */
  readonly dstPort: number;
  /** Verification tag. */
  readonly vtag: number;
}

/** Parse the common header (no checksum check; see {@link checkPacket}). */
export function parseCommonHeader(p: Uint8Array): CommonHeader {
  if (p.length < COMMON_HEADER_SIZE) throw new SctpDecodeError('TRUNCATED', 'SCTP packet shorter than its common header');
  return { srcPort: u16(p, 0), dstPort: u16(p, 2), vtag: u32(p, 4) };
}

/** Size of the shared slabs packets are carved from. */
const SLAB_SIZE = 64 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabOff = 0;

/**
 * Builds one packet: common header, then chunks written in place. Packets
 * are carved one after another from a shared slab that is never written
 * twice (a new slab replaces a full one; the old one is freed with its last
 * packet): a packet costs no allocation of its own, its padding bytes are
 * already zero (RFC 9260 §3.2), and it is never touched again once handed
 * to `sendDown`. {@link PacketWriter.buf} is the slab: offsets returned by
 * {@link PacketWriter.chunk} index it directly.
 */
export class PacketWriter {
  /** The buffer the packet under construction is written into (from {@link PacketWriter.start}). */
  buf: Uint8Array = ZERO4;
  /** Offset of the packet in {@link PacketWriter.buf}. */
  start = 0;
  /** Write position (end of the last chunk, padded). */
  pos = 0;
  private end = 0;

  /** @param capacity - largest packet in bytes */
  constructor(readonly capacity: number) {}

  /** Start a packet. */
  begin(srcPort: number, dstPort: number, vtag: number): void {
    const size = this.capacity;
    if (slabOff + size > slab.length) {
      slab = new Uint8Array(Math.max(SLAB_SIZE, size));
      slabOff = 0;
    }
    const b = slab;
    const i = slabOff;
    // Reserved until finish(): a packet begun meanwhile (by another writer) goes after it.
    slabOff += size;
    this.buf = b;
    this.start = i;
    this.end = i + size;
    w16(b, i, srcPort);
    w16(b, i + 2, dstPort);
    w32(b, i + 4, vtag);
    this.pos = i + COMMON_HEADER_SIZE;
  }

  /** Whether no chunk was written since {@link PacketWriter.begin}. */
  get empty(): boolean {
    return this.pos === this.start + COMMON_HEADER_SIZE;
  }

  /** Bytes still free in the packet. */
  get free(): number {
    return this.end - this.pos;
  }

  /**
   * Reserve a chunk of `length` bytes (header included, unpadded) and
   * write its header; returns the offset of the chunk's value in
   * {@link PacketWriter.buf}. The padding bytes are left as they are: zero.
   */
  chunk(type: number, flags: number, length: number): number {
    const b = this.buf;
    const i = this.pos;
    b[i] = type;
    b[i + 1] = flags;
    w16(b, i + 2, length);
    this.pos = i + pad4(length);
    return i + 4;
  }

  /** Append an already encoded chunk (padded or not). */
  put(chunk: Uint8Array): void {
    this.buf.set(chunk, this.pos);
    this.pos += pad4(chunk.length);
  }

  /**
   * Seal the packet and return it: CRC32c, or with `zeroChecksum` the
   * checksum field left zero (RFC 9653 §5.1, when the peer takes it).
   */
  finish(zeroChecksum = false): Uint8Array {
    const b = this.buf;
    const p = new Uint8Array(b.buffer, b.byteOffset + this.start, this.pos - this.start);
    // Give back the unused tail unless another packet was begun since (8-byte aligned).
    if (b === slab && slabOff === this.end) slabOff = (this.pos + 7) & ~7;
    if (!zeroChecksum) sealPacket(p);
    this.buf = ZERO4;
    return p;
  }
}

/** Build and seal a packet from encoded chunks (used for control packets and stateless replies). */
export function buildPacket(srcPort: number, dstPort: number, vtag: number, chunks: readonly Uint8Array[]): Uint8Array {
  let size = COMMON_HEADER_SIZE;
  for (const c of chunks) size += pad4(c.length);
  const w = new PacketWriter(size);
  w.begin(srcPort, dstPort, vtag);
  for (const c of chunks) w.put(c);
  return w.finish();
}
