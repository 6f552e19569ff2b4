/**
 * A datagram travelling on a simulated link direction, and the FIFO that
 * holds datagrams waiting for the transmitter.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { SimEvent } from './event.js';

/** Where a packet goes when its arrival event fires. */
export interface PacketSink {
  /** Deliver (or drop) `packet`; returns true when user code ran. */
  arrive(packet: SimPacket): boolean;
}

/** A datagram in flight; it is its own arrival event. */
export class SimPacket implements SimEvent {
  /** @internal heap field */
  deadline = 0;
  /** @internal heap field */
  seq = 0;
  /** @internal heap field */
  heapIndex = -1;
  /** Packets in flight keep the simulation busy. */
  readonly daemon = false;
  /** Virtual time (ms) the packet entered the queue. */
  enqueuedAt = 0;
  /** Virtual time (ms) its serialisation starts (passive queues only). */
  txStart = 0;
  /** Whether the packet was picked for extra reordering delay. */
  reordered = false;

  /**
   * @param sink - the link direction carrying it
   * @param n - datagram number on that direction (from 1; a duplicate shares its original's number)
   * @param data - the datagram (a private copy)
   * @param wire - size on the wire in bytes (payload plus per-datagram overhead)
   * @param from - source address as the receiver will see it
   * @param to - destination address
   */
  constructor(
    readonly sink: PacketSink,
    readonly n: number,
    readonly data: Uint8Array,
    readonly wire: number,
    readonly from: PeerAddress,
    readonly to: PeerAddress,
  ) {}

  /** Arrival at the far end. */
  fire(): boolean {
    return this.sink.arrive(this);
  }
}

/** A growable ring buffer of packets with a running byte count (wire bytes). */
export class PacketFifo {
  private ring: (SimPacket | undefined)[] = new Array<SimPacket | undefined>(16);
  private head = 0;
  private count = 0;
  /** Wire bytes queued. */
  bytes = 0;

  /** Packets queued. */
  get length(): number {
    return this.count;
  }

  /** Append `p` at the tail. */
  push(p: SimPacket): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = p;
    this.count++;
    this.bytes += p.wire;
  }

  /** The head packet, or undefined. */
  peek(): SimPacket | undefined {
    return this.count === 0 ? undefined : this.ring[this.head];
  }

  /** Remove and return the head packet, or undefined. */
  shift(): SimPacket | undefined {
    if (this.count === 0) return undefined;
    const p = this.ring[this.head] as SimPacket;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    this.bytes -= p.wire;
    return p;
  }

  private grow(): void {
    const next = new Array<SimPacket | undefined>(this.ring.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) & (this.ring.length - 1)];
    this.ring = next;
    this.head = 0;
  }
}
