/**
 * Test helpers for the simulator tests: a two-host network with a bound
 * receiver that records every datagram with its arrival time.
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import { SimNetwork, type LinkOptions, type SimLink, type SimSocket, type SimNetworkOptions } from '../../../core/sim/index.js';

/** One received datagram. */
export interface Arrival {
  /** Virtual arrival time, ms. */
  readonly time: number;
  /** The bytes. */
  readonly data: Uint8Array;
  /** Source as seen by the receiver. */
  readonly from: PeerAddress;
}

/** A two-host fixture. */
export interface Pair {
  readonly net: SimNetwork;
  readonly link: SimLink;
  readonly tx: SimSocket;
  readonly rx: SimSocket;
  readonly arrivals: Arrival[];
  /** Send `data` from tx to rx now. */
  send(data: Uint8Array): void;
}

/**
 * Builds hosts 10.0.0.1 (sender) and 10.0.0.2 (receiver, port 9000) joined by a link.
 *
 * @param options - link options
 * @param netOptions - network options
 * @param record - record arrivals (a handler runs per datagram) or only count them
 */
export async function pair(options: LinkOptions, netOptions: SimNetworkOptions = {}, record = true): Promise<Pair> {
  const net = new SimNetwork(netOptions);
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  const link = net.link(a, b, options);
  const rx = await b.bind({ host: '10.0.0.2', port: 9000 });
  const tx = await a.bind({ host: '10.0.0.1', port: 0 });
  const arrivals: Arrival[] = [];
  if (record) rx.onDatagram((data, from) => arrivals.push({ time: net.now, data, from }));
  const to = rx.address();
  return { net, link, tx, rx, arrivals, send: (data) => tx.send([data], to) };
}

/** A datagram of `size` bytes whose first 4 bytes hold `seq` (big-endian). */
export function numbered(seq: number, size = 100): Uint8Array {
  const d = new Uint8Array(size);
  new DataView(d.buffer).setUint32(0, seq);
  return d;
}

/** The sequence number written by {@link numbered}. */
export function seqOf(d: Uint8Array): number {
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(0);
}
