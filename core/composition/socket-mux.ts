/**
 * Sharing one substrate socket between stacks. A socket decodes the
 * encapsulation header once and hands each datagram to the stack whose
 * transport (and security) it is for: GUE's Proto field is the demux key.
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import { emptyDecapsulated, type Decapsulated, type Encapsulation } from '../contracts/encapsulation.js';
import type { Substrate, SubstrateSocket } from '../contracts/substrate.js';
import { dropReasonOf, StateError, ToukitError } from '../errors.js';

/** Something that receives datagrams from a shared socket (a stack's endpoint). */
export interface DatagramReceiver {
  /** Whether this receiver takes a datagram with this decoded header. */
  accepts(dec: Decapsulated): boolean;
  /** Handle a data datagram. */
  receive(data: Uint8Array, dec: Decapsulated, from: PeerAddress): void;
  /** Handle a control message (GUE C bit). */
  control(ctype: number, payload: Uint8Array, from: PeerAddress): void;
  /** Count a dropped datagram. */
  drop(reason: string): void;
  /** The network reported an error for the socket (Node's code, e.g. `ECONNREFUSED`). */
  socketError(code: string): void;
}

const shared = new WeakMap<Substrate, Map<string, SharedSocket>>();

/** A substrate socket with its receivers. */
export class SharedSocket {
  private readonly receivers: DatagramReceiver[] = [];
  private readonly dec = emptyDecapsulated();
  private closing: Promise<void> | undefined;

  private constructor(
    /** The underlying socket. */
    readonly socket: SubstrateSocket,
    /** The encapsulation that decodes its datagrams. */
    readonly encapsulation: Encapsulation,
    private readonly release: () => void,
  ) {
    socket.onDatagram(this.onDatagram);
    socket.onError?.(this.onSocketError);
  }

  /**
   * Bind (or share) a listening socket on `host:port`. Port 0 always binds a new socket.
   * @throws ToukitError `ERR_ENCAPSULATION_MISMATCH` if the socket is shared with a different encapsulation
   */
  static async listen(substrate: Substrate, encapsulation: Encapsulation, host: string, port: number): Promise<SharedSocket> {
    let table = shared.get(substrate);
    if (table === undefined) shared.set(substrate, (table = new Map()));
    const key = `${host}|${port}`;
    const existing = port !== 0 ? table.get(key) : undefined;
    if (existing !== undefined) {
      if (existing.encapsulation.name !== encapsulation.name || !encapsulation.demultiplexes) {
        throw new ToukitError(
          'ERR_ENCAPSULATION_MISMATCH',
          `UDP ${host}:${port} is already used by a stack with encapsulation "${existing.encapsulation.name}"; sharing a socket needs the same demultiplexing encapsulation`,
        );
      }
      return existing;
    }
    const socket = await substrate.bind({ host, port });
    const actualKey = `${host}|${socket.address().port}`;
    const s = new SharedSocket(socket, encapsulation, () => table.delete(actualKey));
    table.set(actualKey, s);
    return s;
  }

  /** Bind a connected client socket (never shared). */
  static async connect(substrate: Substrate, encapsulation: Encapsulation, host: string, remote: PeerAddress): Promise<SharedSocket> {
    const socket = await substrate.bind({ host, port: 0, connect: remote });
    return new SharedSocket(socket, encapsulation, () => {});
  }

  /** Add a receiver. */
  add(receiver: DatagramReceiver): void {
    this.receivers.push(receiver);
  }

  /** Remove a receiver; the socket closes when none is left. */
  async remove(receiver: DatagramReceiver): Promise<void> {
    const i = this.receivers.indexOf(receiver);
    if (i >= 0) this.receivers.splice(i, 1);
    await this.closeIfUnused();
  }

  /** Close the socket if no receiver uses it (e.g. a stack closed while the socket was being bound). */
  async closeIfUnused(): Promise<void> {
    if (this.receivers.length > 0) return;
    this.release();
    this.closing ??= this.socket.close();
    await this.closing;
  }

  /**
   * Refuse a new receiver whose datagrams (these headers) a receiver of the socket already takes
   * (its `accepts`): the newcomer would receive nothing.
   * @throws StateError `ERR_ADDRESS_IN_USE`
   */
  assertUnclaimed(headers: readonly Uint8Array[]): void {
    const dec = emptyDecapsulated();
    for (const header of headers) {
      try {
        this.encapsulation.decapsulate(header, dec);
      } catch {
        continue;
      }
      if (this.receivers.some((r) => r.accepts(dec))) {
        const a = this.socket.address();
        throw new StateError(
          'ERR_ADDRESS_IN_USE',
          `UDP ${a.address}:${a.port} is shared with a stack that already takes this stack's datagrams (same transport, or both secured); use another port, or one stack with several listeners (transportPort)`,
        );
      }
    }
  }

  private readonly onSocketError = (code: string): void => {
    for (const r of [...this.receivers]) r.socketError(code);
  };

  private readonly onDatagram = (data: Uint8Array, from: PeerAddress): void => {
    const receivers = this.receivers;
    if (receivers.length === 0) return;
    const dec = this.dec;
    try {
      this.encapsulation.decapsulate(data, dec);
    } catch (err) {
      receivers[0].drop(dropReasonOf(err));
      return;
    }
    try {
      if (dec.control) {
        const payload = data.subarray(dec.payloadOffset);
        for (const r of receivers) r.control(dec.proto, payload, from);
        return;
      }
      for (let i = 0; i < receivers.length; i++) {
        if (receivers[i].accepts(dec)) {
          receivers[i].receive(data, dec, from);
          return;
        }
      }
      receivers[0].drop(dec.directIp ? 'gue_direct_ip' : 'unknown_proto');
    } catch (err) {
      // Receivers never throw by contract; this is the last line of defence.
      receivers[0]?.drop(dropReasonOf(err));
    }
  };
}
