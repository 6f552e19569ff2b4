/**
 * Bundles outgoing chunks into packets of at most one MTU (RFC 9260 §6.10):
 * control chunks first, then DATA. One reusable object per association;
 * no closure or intermediate buffer per packet.
 *
 * @module
 */
import { pad4 } from './bytes.js';
import { writeData } from './chunks/data.js';
import { writeIData } from './chunks/idata.js';
import { COMMON_HEADER_SIZE, FLAG_B } from './chunk-types.js';
import { PacketWriter } from './packet.js';

/** Called for each packet handed down that carried DATA (for congestion control). */
export interface PacketSentListener {
  /** A packet with `dataBytes` of DATA chunks left; `flightBefore` bytes were in flight before it. */
  onDataPacketSent(dataBytes: number, flightBefore: number, retransmission: boolean): void;
}

/** Packet assembly for one association. */
export class Packetizer {
  /** Verification tag put in packets (the peer's tag). */
  tag = 0;
  /** Packets handed down. */
  packetsSent = 0;
  /** DATA bytes in the open packet (chunk headers and user data, as counted in flight). */
  dataBytes = 0;
  /** User data bytes of the DATA / I-DATA chunks in the open packet (what traces report as `length`). */
  userBytes = 0;
  /** Bytes in flight before the open packet's first DATA chunk. */
  flightBefore = 0;
  /** The open packet carries a retransmission. */
  retransmission = false;
  /** Send packets with a zero checksum (RFC 9653: the peer takes them, DTLS protects them). */
  zeroChecksum = false;
  private readonly w: PacketWriter;
  private open = false;

  /**
   * @param mtu - largest packet in bytes
   * @param localPort - own SCTP port
   * @param remotePort - peer SCTP port
   * @param sendDown - hands a finished packet down, with the user data bytes it carries
   * @param listener - told about packets carrying DATA
   */
  constructor(
    mtu: number,
    private readonly localPort: number,
    private readonly remotePort: number,
    private readonly sendDown: (parts: readonly Uint8Array[], userBytes: number) => void,
    private readonly listener: PacketSentListener,
  ) {
    this.w = new PacketWriter(mtu);
  }

  /** Whether a packet is being assembled. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Bytes still free in the open packet (the whole packet after the common header when none is open). */
  get free(): number {
    return this.open ? this.w.free : this.w.capacity - COMMON_HEADER_SIZE;
  }

  /** Whether `chunkLength` more bytes fit into the open packet (true when none is open). */
  fits(chunkLength: number): boolean {
    return !this.open || this.w.free >= pad4(chunkLength);
  }

  private begin(): void {
    this.w.begin(this.localPort, this.remotePort, this.tag);
    this.open = true;
  }

  /** Append an encoded control chunk, starting a new packet if it does not fit. */
  put(chunk: Uint8Array): void {
    if (!this.fits(chunk.length)) this.send();
    if (!this.open) this.begin();
    if (this.w.free < pad4(chunk.length)) return; // larger than an empty packet: cannot be sent
    this.w.put(chunk);
  }

  /**
   * Append a DATA chunk, or an I-DATA chunk when `fsn` is not negative (the
   * caller checked {@link Packetizer.fits}); `ssn` is the MID for I-DATA.
   */
  data(flags: number, tsn: number, stream: number, ssn: number, ppid: number, fsn: number, payload: Uint8Array, size: number, flight: number, rtx: boolean): void {
    if (!this.open) this.begin();
    if (this.dataBytes === 0) this.flightBefore = flight;
    if (fsn < 0) writeData(this.w, flags, tsn, stream, ssn, ppid, payload);
    else writeIData(this.w, flags, tsn, stream, ssn, (flags & FLAG_B) !== 0 ? ppid : fsn, payload);
    this.dataBytes += size;
    this.userBytes += payload.length;
    if (rtx) this.retransmission = true;
  }

  /** Seal and hand down the open packet, if any. */
  send(): void {
    if (!this.open) return;
    this.open = false;
    this.sendDown([this.w.finish(this.zeroChecksum)], this.userBytes);
    this.userBytes = 0;
    this.packetsSent++;
    if (this.dataBytes > 0) {
      this.listener.onDataPacketSent(this.dataBytes, this.flightBefore, this.retransmission);
      this.dataBytes = 0;
      this.retransmission = false;
    }
  }
}
