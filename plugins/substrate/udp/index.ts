/**
 * The UDP substrate: real datagram I/O on `node:dgram`, IPv4 and IPv6.
 *
 * @module toukit/plugins/substrate/udp
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { familyOf } from '../../../core/contracts/address.js';
import type { BindOptions, Substrate, SubstrateSocket } from '../../../core/contracts/substrate.js';
import { ToukitError } from '../../../core/errors.js';
import { literalLookup } from './lookup.js';
import { UdpSocket } from './socket.js';

export { UdpSocket, SEND_BATCH, MAX_SEND_QUEUE } from './socket.js';
export { literalLookup } from './lookup.js';
export type { LookupCallback } from './lookup.js';

/** Receive and send buffer size requested for every socket: 4 MiB. */
export const SOCKET_BUFFER_SIZE = 4 * 1024 * 1024;

/** Options of the UDP substrate. */
export interface UdpSubstrateOptions {
  /** Socket buffer size to request in bytes (default {@link SOCKET_BUFFER_SIZE}). */
  readonly bufferSize?: number;
  /** Called when the kernel grants smaller buffers than requested (default: one process warning). */
  readonly onBufferCapped?: (requested: number, granted: { receive: number; send: number }) => void;
}

let warnedCap = false;

function defaultOnCapped(requested: number, granted: { receive: number; send: number }): void {
  if (warnedCap) return;
  warnedCap = true;
  process.emitWarning(
    `UDP socket buffers capped by the kernel: asked ${requested} bytes, got receive ${granted.receive} / send ${granted.send} (raise net.core.rmem_max / wmem_max)`,
    'ToukitWarning',
  );
}

/** A Node error's code as a toukit code: `ERR_SOCKET_<errno>` (e.g. `ERR_SOCKET_EADDRINUSE`), or Node's own `ERR_…` code unchanged. */
function socketErrorCode(e: NodeJS.ErrnoException): string {
  const code = e.code ?? 'BIND';
  return code.startsWith('ERR_') ? code : `ERR_SOCKET_${code}`;
}

/** `host:port`, with an IPv6 host in brackets. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Wraps a bind/connect error in a typed error. */
export class SocketError extends ToukitError {}

/** Real UDP sockets. */
export class UdpSubstrate implements Substrate {
  /** `udp`. */
  readonly kind = 'udp';

  /** @param options - buffer size and cap notification */
  constructor(private readonly options: UdpSubstrateOptions = {}) {}

  /**
   * An IP literal as given; any other name through `dns.lookup` (the first
   * address, in the resolver's order, as `net.connect` does).
   * @throws SocketError `ERR_SOCKET_ENOTFOUND` (or the resolver's code) when the name does not resolve
   */
  async resolve(host: string): Promise<string> {
    if (isIP(host) !== 0) return host;
    try {
      return (await lookup(host)).address;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new SocketError(socketErrorCode(e), `cannot resolve host "${host}": ${e.message}`, { cause: err });
    }
  }

  async bind(options: BindOptions): Promise<SubstrateSocket> {
    const family = familyOf(options.connect?.address ?? options.host);
    const size = this.options.bufferSize ?? SOCKET_BUFFER_SIZE;
    const socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', ipv6Only: family === 'IPv6', lookup: literalLookup });
    let connecting = false;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port, options.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      if (options.connect) {
        connecting = true;
        const peer = options.connect;
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.connect(peer.port, peer.address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      }
    } catch (err) {
      socket.close();
      const e = err as NodeJS.ErrnoException;
      const what = connecting && options.connect ? `connect UDP socket to ${hostPort(options.connect.address, options.connect.port)}` : `bind UDP socket to ${hostPort(options.host, options.port)}`;
      throw new SocketError(socketErrorCode(e), `cannot ${what}: ${e.message}`, { cause: err });
    }
    this.setBuffers(socket, size);
    return new UdpSocket(socket, options.connect);
  }

  private setBuffers(socket: Socket, size: number): void {
    try {
      socket.setRecvBufferSize(size);
      socket.setSendBufferSize(size);
    } catch {
      /* reported below through the read-back */
    }
    let receive = 0;
    let send = 0;
    try {
      // Linux doubles the requested value for bookkeeping; compare against half.
      receive = socket.getRecvBufferSize();
      send = socket.getSendBufferSize();
    } catch {
      return;
    }
    if (receive < size || send < size) (this.options.onBufferCapped ?? defaultOnCapped)(size, { receive, send });
  }
}
