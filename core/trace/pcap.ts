/**
 * A classic libpcap file writer (magic 0xa1b2c3d4, version 2.4, microsecond
 * timestamps, link type 101 = raw IP). Each UDP datagram the stack sends or
 * receives is written with a synthesized outer IPv4 or IPv6 header and UDP
 * header, both with correct checksums (RFC 791 header checksum, RFC 768 /
 * RFC 8200 §8.1 UDP checksum with pseudo-header), so Wireshark and tshark
 * validate and dissect captures as if they came off the wire.
 *
 * Writes are buffered in memory and flushed synchronously (`fs.writeSync`)
 * in batches, or kept in memory for tests ({@link PcapWriter.toBuffer}).
 * Timestamps are the stack clock in milliseconds.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseIpAddress } from '../ip-address.js';
import type { PeerAddress } from '../contracts/address.js';
import { totalLength } from '../bytes.js';
import type { DatagramCapture } from './capture.js';
import { StateError, ToukitError } from '../errors.js';

/** libpcap magic number for microsecond timestamps. */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** libpcap file format major version. */
export const PCAP_VERSION_MAJOR = 2;
/** libpcap file format minor version. */
export const PCAP_VERSION_MINOR = 4;
/** Link type 101: raw IPv4/IPv6 packets, no link-layer header. */
export const LINKTYPE_RAW = 101;
/** Length of the pcap global header in bytes. */
export const PCAP_GLOBAL_HEADER_LEN = 24;
/** Length of a pcap per-record header in bytes. */
export const PCAP_RECORD_HEADER_LEN = 16;
/** Default snapshot length written to the global header (bytes). */
export const PCAP_DEFAULT_SNAPLEN = 262144;

const IPV4_HEADER_LEN = 20;
const IPV6_HEADER_LEN = 40;
const UDP_HEADER_LEN = 8;
const IPPROTO_UDP = 17;
const DEFAULT_TTL = 64;

/** Options of {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** File to (over)write; omit to keep the capture in memory. */
  readonly path?: string;
  /** Bytes buffered before a synchronous write (default 64 KiB). */
  readonly bufferSize?: number;
  /** Snapshot length announced in the global header (default 262144 bytes). */
  readonly snaplen?: number;
}

/**
 * Parses a textual IPv4 or IPv6 address into 4 or 16 bytes.
 * @throws ToukitError `ERR_PCAP_BAD_ADDRESS` when it is not an IP address
 */
export function ipAddressBytes(address: string): Uint8Array {
  const bytes = parseIpAddress(address);
  if (bytes === undefined) throw new ToukitError('ERR_PCAP_BAD_ADDRESS', `not an IP address: ${address}`);
  return bytes;
}

/** The IPv4-mapped IPv6 form `::ffff:a.b.c.d` of a 4-byte address. */
function mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Writes UDP datagrams into a libpcap capture with synthesized IP/UDP headers. */
export class PcapWriter implements DatagramCapture {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly fd: number | undefined;
  private readonly chunks: Uint8Array[] = [];
  private readonly addresses = new Map<string, Uint8Array>();
  private ipId = 0;
  private closed = false;
  private failure: ToukitError | undefined;
  /** Number of datagrams accepted (written, or buffered for the next flush). */
  packets = 0;
  /** Datagrams discarded because an earlier file write failed (see {@link PcapWriter.error}). */
  dropped = 0;

  /** @param options - file path (or memory), buffer size, snaplen */
  constructor(options: PcapWriterOptions = {}) {
    this.buf = new Uint8Array(Math.max(options.bufferSize ?? 65536, 1024));
    this.view = new DataView(this.buf.buffer);
    this.fd = options.path === undefined ? undefined : openSync(options.path, 'w');
    const v = this.view;
    v.setUint32(0, PCAP_MAGIC, true);
    v.setUint16(4, PCAP_VERSION_MAJOR, true);
    v.setUint16(6, PCAP_VERSION_MINOR, true);
    v.setInt32(8, 0, true); // thiszone
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, options.snaplen ?? PCAP_DEFAULT_SNAPLEN, true);
    v.setUint32(20, LINKTYPE_RAW, true);
    this.pos = PCAP_GLOBAL_HEADER_LEN;
  }

  /**
   * Appends one UDP datagram from `src` to `dst` whose payload is `parts`
   * concatenated, stamped `timeMs` (stack clock, ms). The IP version follows
   * the address texts (the `family` fields are not trusted): two IPv4
   * addresses give an IPv4 packet, anything else an IPv6 packet with IPv4
   * addresses written IPv4-mapped.
   * @throws ToukitError `ERR_PCAP_TOO_LARGE`, `ERR_PCAP_BAD_ADDRESS`; StateError after close
   */
  writeDatagram(timeMs: number, src: PeerAddress, dst: PeerAddress, parts: readonly Uint8Array[]): void {
    if (this.closed) throw new StateError('ERR_PCAP_CLOSED', 'pcap writer is closed');
    if (this.failure !== undefined) {
      this.dropped++;
      return;
    }
    let s = this.address(src.address);
    let d = this.address(dst.address);
    // mixed families (a dual-stack socket): write IPv6 with the IPv4 side IPv4-mapped (RFC 4291 §2.5.5.2)
    const v6 = s.length === 16 || d.length === 16;
    if (v6 && s.length === 4) s = mapped(s);
    if (v6 && d.length === 4) d = mapped(d);
    const payloadLen = totalLength(parts);
    const udpLen = UDP_HEADER_LEN + payloadLen;
    const ipLen = v6 ? IPV6_HEADER_LEN : IPV4_HEADER_LEN;
    if (udpLen > 0xffff || (!v6 && ipLen + udpLen > 0xffff)) {
      throw new ToukitError('ERR_PCAP_TOO_LARGE', `a UDP payload of ${payloadLen} bytes does not fit in one datagram`);
    }
    const packetLen = ipLen + udpLen;
    this.reserve(PCAP_RECORD_HEADER_LEN + packetLen);
    if (this.failure !== undefined) {
      this.dropped++;
      return;
    }
    const b = this.buf;
    const v = this.view;
    let o = this.pos;
    const t = Math.max(0, timeMs);
    const sec = Math.floor(t / 1000);
    const usec = Math.min(999999, Math.floor((t - sec * 1000) * 1000));
    v.setUint32(o, sec >>> 0, true);
    v.setUint32(o + 4, usec, true);
    v.setUint32(o + 8, packetLen, true);
    v.setUint32(o + 12, packetLen, true);
    o += PCAP_RECORD_HEADER_LEN;
    const ip = o;
    if (v6) {
      v.setUint32(ip, 0x60000000);
      v.setUint16(ip + 4, udpLen);
      b[ip + 6] = IPPROTO_UDP;
      b[ip + 7] = DEFAULT_TTL;
      b.set(s, ip + 8);
      b.set(d, ip + 24);
    } else {
      b[ip] = 0x45;
      b[ip + 1] = 0;
      v.setUint16(ip + 2, packetLen);
      v.setUint16(ip + 4, this.ipId);
      this.ipId = (this.ipId + 1) & 0xffff;
      v.setUint16(ip + 6, 0x4000); // DF
      b[ip + 8] = DEFAULT_TTL;
      b[ip + 9] = IPPROTO_UDP;
      v.setUint16(ip + 10, 0);
      b.set(s, ip + 12);
      b.set(d, ip + 16);
      v.setUint16(ip + 10, ~fold(sum16(b, ip, ip + IPV4_HEADER_LEN, 0)) & 0xffff);
    }
    const udp = ip + ipLen;
    v.setUint16(udp, src.port);
    v.setUint16(udp + 2, dst.port);
    v.setUint16(udp + 4, udpLen);
    v.setUint16(udp + 6, 0);
    let p = udp + UDP_HEADER_LEN;
    for (const part of parts) {
      b.set(part, p);
      p += part.length;
    }
    // pseudo-header: addresses, protocol, UDP length (RFC 768; RFC 8200 §8.1)
    let sum = sum16(s, 0, s.length, 0) + sum16(d, 0, d.length, 0) + IPPROTO_UDP + udpLen;
    sum = sum16(b, udp, udp + udpLen, sum);
    const csum = ~fold(sum) & 0xffff;
    v.setUint16(udp + 6, csum === 0 ? 0xffff : csum);
    this.pos = udp + udpLen;
    this.packets++;
  }

  /**
   * The file write error that stopped the capture, if any. A capture that
   * cannot be written never disturbs the stack: later datagrams are counted
   * in {@link PcapWriter.dropped} and {@link PcapWriter.close} rethrows this.
   */
  get error(): ToukitError | undefined {
    return this.failure;
  }

  /** Writes buffered records to the file (file mode) or to the in-memory capture. Never throws. */
  flush(): void {
    if (this.pos === 0) return;
    if (this.fd !== undefined) {
      if (this.failure === undefined) {
        try {
          let done = 0;
          while (done < this.pos) done += writeSync(this.fd, this.buf, done, this.pos - done);
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          this.failure = new ToukitError('ERR_PCAP_WRITE', `writing the capture failed: ${msg}`, { cause: err });
        }
      }
    } else {
      this.chunks.push(this.buf.slice(0, this.pos));
    }
    this.pos = 0;
  }

  /**
   * Flushes and closes the file; further writes throw. Idempotent.
   * @throws ToukitError `ERR_PCAP_WRITE` (once) if a file write failed earlier
   */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * The whole capture so far (memory mode only).
   * @throws StateError `ERR_PCAP_FILE_MODE` when writing to a file
   */
  toBuffer(): Uint8Array {
    if (this.fd !== undefined) throw new StateError('ERR_PCAP_FILE_MODE', 'toBuffer() is only available for in-memory captures');
    let total = this.pos;
    for (const c of this.chunks) total += c.length;
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.buf.subarray(0, this.pos), o);
    return out;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private address(text: string): Uint8Array {
    let a = this.addresses.get(text);
    if (a === undefined) {
      a = ipAddressBytes(text);
      if (this.addresses.size < 1024) this.addresses.set(text, a);
    }
    return a;
  }
}
