/**
 * The datagram-capture hook: a stack with a capture writes every datagram
 * it sends or receives (e.g. to a pcap file), real or simulated.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';

/** Receives every datagram a stack sends or receives. */
export interface DatagramCapture {
  /** Record one datagram (parts concatenated) sent from `src` to `dst` at `timeMs` (stack clock). */
  writeDatagram(timeMs: number, src: PeerAddress, dst: PeerAddress, parts: readonly Uint8Array[]): void;
  /** Flush and close. */
  close?(): void | Promise<void>;
}
