/**
 * A {@link SubstrateSocket} on `node:dgram`.
 *
 * - receive and send buffers are set to 4 MiB and read back; a warning is
 *   emitted once when the kernel capped them (`net.core.rmem_max`);
 * - client sockets are `connect()`ed (an unconnected send costs ~40 % of
 *   sender throughput on Node 20);
 * - the send path yields to the event loop after every 32 datagrams, so a
 *   peer in the same process is not starved (libuv reads at most 32
 *   datagrams per socket per loop turn);
 * - errors (e.g. ICMP port unreachable on a connected socket) are counted,
 *   never thrown, and handed to the `onError` handler (the stack fails a
 *   connection attempt on `ECONNREFUSED`);
 * - a datagram given as several parts (encapsulation header, transport
 *   header, payload) is copied into one reused send buffer (one for the
 *   process, shared by its sockets) and sent as one buffer. Given a list,
 *   `node:dgram` makes a new `Buffer` view of every element on every send
 *   and the kernel gathers the pieces; with one buffer at one address,
 *   GUE + tcp (three parts per segment) gained about 10 % in alternating
 *   benchmark runs. The buffer is reused only while
 *   every send completes at once (libuv's send queue is empty after the
 *   call); when the kernel cannot take a datagram at once, libuv keeps the
 *   buffer until it can, and the next datagram gets a new one. The view of
 *   it handed to `node:dgram` is reused too while the datagram length does
 *   not change (a bulk transfer): creating a `Buffer` view costs about
 *   0.1 µs in a loop and several times that between system calls.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { copyParts, totalLength } from '../../../core/bytes.js';
import type { Socket } from 'node:dgram';
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { DatagramHandler, SubstrateSocket, SubstrateStats } from '../../../core/contracts/substrate.js';

/** Datagrams sent per event-loop turn before the socket yields. */
export const SEND_BATCH = 32;

/** Datagrams queued while yielding before further sends are dropped. */
export const MAX_SEND_QUEUE = 16384;

/** Initial size of the reused send buffer, in bytes (it grows to the largest datagram sent). */
export const SEND_BUFFER_INITIAL = 2048;

/** Largest UDP payload over IPv4 and IPv6 without jumbograms, in bytes. */
const MAX_UDP_PAYLOAD = 65535;

const noop = (): void => {};

/**
 * The send buffer every socket of the process copies multi-part datagrams
 * into, or undefined when libuv still holds the last one. One for the
 * process, not one per socket: a send that completes at once leaves it free
 * for any socket, and an idle connection then costs no send buffer at all.
 */
let sendBuffer: Buffer | undefined;
/** The last view of {@link sendBuffer} passed to `node:dgram` (a bulk transfer sends one size again and again). */
let sendView: Buffer | undefined;

/** One bound UDP socket. */
export class UdpSocket implements SubstrateSocket {
  private handler: DatagramHandler = noop;
  private errorHandler: (code: string) => void = noop;
  private readonly counters: SubstrateStats = {
    datagramsSent: 0,
    bytesSent: 0,
    datagramsReceived: 0,
    bytesReceived: 0,
    sendErrors: {},
  };
  private sentThisTurn = 0;
  private turnResetScheduled = false;
  private readonly queue: (readonly Uint8Array[])[] = [];
  private readonly queueTo: (PeerAddress | undefined)[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly local: PeerAddress;
  /** The last destination address found to be an IP literal. */
  private lastLiteral: string | undefined;

  /**
   * @param socket - a bound (and, for clients, connected) dgram socket
   * @param remote - the connected peer, if any
   */
  constructor(
    private readonly socket: Socket,
    readonly remote: PeerAddress | undefined,
  ) {
    const a = socket.address();
    this.local = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
    socket.on('message', (msg, rinfo) => {
      this.counters.datagramsReceived++;
      this.counters.bytesReceived += msg.length;
      this.handler(msg, rinfo as PeerAddress);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'error';
      this.countError(code);
      this.errorHandler(code);
    });
  }

  address(): PeerAddress {
    return this.local;
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
  }

  onError(handler: (code: string) => void): void {
    this.errorHandler = handler;
  }

  send(parts: readonly Uint8Array[], to?: PeerAddress): void {
    if (this.closed) return;
    if (this.sentThisTurn >= SEND_BATCH || this.queue.length > 0) {
      if (this.queue.length >= MAX_SEND_QUEUE) {
        this.countError('send_queue_full');
        return;
      }
      this.queue.push(parts);
      this.queueTo.push(to);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
      return;
    }
    this.sendNow(parts, to);
  }

  private sendNow(parts: readonly Uint8Array[], to: PeerAddress | undefined): void {
    this.sentThisTurn++;
    if (!this.turnResetScheduled) {
      this.turnResetScheduled = true;
      setImmediate(this.resetTurn);
    }
    const length = totalLength(parts);
    this.counters.datagramsSent++;
    this.counters.bytesSent += length;
    if (this.remote === undefined && to === undefined) {
      this.countError('no_destination');
      return;
    }
    let data: Uint8Array | Uint8Array[] = parts as Uint8Array[];
    let copied = false;
    // An unconnected send to a host name resolves it first, asynchronously: node:dgram still
    // holds what it was given after send() returns, so only IP literals (answered at once) use the copy.
    if (parts.length > 1 && length <= MAX_UDP_PAYLOAD && (this.remote !== undefined || this.isLiteral((to as PeerAddress).address))) {
      let buf = sendBuffer;
      if (buf === undefined || buf.length < length) {
        buf = sendBuffer = Buffer.allocUnsafeSlow(Math.max(length, SEND_BUFFER_INITIAL));
        sendView = undefined;
      }
      copyParts(parts, buf);
      // The view is dropped whenever the buffer is: comparing `view.buffer` instead would call
      // the `buffer` getter (a C++ builtin, not inlined) on every send.
      let view = sendView;
      if (view === undefined || view.length !== length) view = sendView = buf.subarray(0, length);
      data = view;
      copied = true;
    }
    // No per-send callback: it would cost a process.nextTick per datagram. Asynchronous
    // send errors arrive as 'error' events and are counted there.
    try {
      if (this.remote !== undefined) this.socket.send(data);
      else this.socket.send(data, (to as PeerAddress).port, (to as PeerAddress).address);
    } catch (err) {
      this.countError((err as NodeJS.ErrnoException).code ?? 'send_failed');
    }
    // libuv queued the datagram instead of sending it at once: it reads the buffer later.
    if (copied && this.socket.getSendQueueCount() !== 0) sendBuffer = sendView = undefined;
  }

  /** Whether `address` is an IP literal (the last answer is kept: replies mostly go to one peer). */
  private isLiteral(address: string): boolean {
    if (address === this.lastLiteral) return true;
    if (isIP(address) === 0) return false;
    this.lastLiteral = address;
    return true;
  }

  private readonly resetTurn = (): void => {
    this.turnResetScheduled = false;
    this.sentThisTurn = 0;
  };

  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.sentThisTurn = 0;
    let n = 0;
    while (this.queue.length > 0 && n < SEND_BATCH && !this.closed) {
      this.sendNow(this.queue.shift() as Uint8Array[], this.queueTo.shift());
      n++;
    }
    if (this.queue.length > 0 && !this.closed) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };

  private countError(reason: string): void {
    this.counters.sendErrors[reason] = (this.counters.sendErrors[reason] ?? 0) + 1;
  }

  /** Datagrams waiting for the next event-loop turn. */
  get queuedDatagrams(): number {
    return this.queue.length;
  }

  stats(): SubstrateStats {
    return { ...this.counters, sendErrors: { ...this.counters.sendErrors } };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Datagrams already accepted (e.g. a close_notify or RST sent during teardown) still leave:
    // flush the queue, then let one event-loop turn pass so unconnected sends finish their
    // address lookup (a process.nextTick in node:dgram) and reach the kernel before the close.
    while (this.queue.length > 0) this.sendNow(this.queue.shift() as Uint8Array[], this.queueTo.shift());
    this.closed = true;
    this.handler = noop;
    this.errorHandler = noop;
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
    });
  }
}
