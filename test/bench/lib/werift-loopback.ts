/**
 * Keeps werift (the data-channel baseline) on 127.0.0.1. By default werift
 * asks a public STUN server and gathers a host candidate on every
 * interface; here it gets no ICE servers, no IPv6, 127.0.0.1 as its only
 * host address, sockets bound to 127.0.0.1, and an `os.networkInterfaces`
 * that lists loopback only. As a last guard, any `dgram` send to an address
 * outside 127.0.0.0/8 and ::1 is dropped and counted.
 *
 * {@link loadWerift} must be the first thing that loads werift in the
 * process: its ESM bundle imports `node:os` as a namespace, so the override
 * is pushed to the ESM exports (`syncBuiltinESMExports`) before the import.
 *
 * @module
 */
import { Socket } from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import type * as Werift from 'werift';

/** The werift module as the benchmarks use it. */
export type WeriftModule = typeof Werift;

/** The options of werift's `RTCPeerConnection` constructor. */
export type WeriftPeerConfig = NonNullable<ConstructorParameters<WeriftModule['RTCPeerConnection']>[0]>;

/** Fresh RTCPeerConnection options that pin werift to 127.0.0.1 without STUN or TURN. */
export function weriftLoopbackConfig(): WeriftPeerConfig {
  return {
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  };
}

/** Sends dropped by the guard because they were addressed outside loopback. */
let blockedSends = 0;
/** Sends the guard let through. */
let passedSends = 0;

/** How many `dgram` sends (datagrams) the guard has let through in this process. */
export function loopbackSends(): number {
  return passedSends;
}

/** How many `dgram` sends to a non-loopback address the guard has dropped in this process. */
export function nonLoopbackSends(): number {
  return blockedSends;
}

/** Whether `address` is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

/** The IPv4 loopback entries of the real `os.networkInterfaces()`. */
function loopbackInterfaces(real: NodeJS.Dict<NetworkInterfaceInfo[]>): NodeJS.Dict<NetworkInterfaceInfo[]> {
  const out: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
  for (const [name, infos] of Object.entries(real)) {
    const lo = (infos ?? []).filter((i) => i.internal && i.family === 'IPv4');
    if (lo.length > 0) out[name] = lo;
  }
  return out;
}

let pinned = false;

/** Restrict this process's view of the network to loopback and install the send guard (idempotent). */
export function pinToLoopback(): void {
  if (pinned) return;
  pinned = true;
  const only = loopbackInterfaces(os.networkInterfaces());
  (os as { networkInterfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]> }).networkInterfaces = () => only;
  syncBuiltinESMExports();
  const send = Socket.prototype.send as (...a: unknown[]) => void;
  // `arguments` instead of a rest parameter: no array per datagram on werift's send path.
  (Socket.prototype as { send: unknown }).send = function guardedSend(this: Socket): void {
    const a = arguments;
    for (let i = 1; i < a.length; i++) {
      const v: unknown = a[i];
      if (typeof v !== 'string') continue;
      if (isLoopback(v)) break;
      blockedSends++;
      const cb: unknown = a[a.length - 1];
      if (typeof cb === 'function') process.nextTick(cb as (e: Error) => void, new Error(`bench: send to ${v} blocked (loopback only)`));
      return;
    }
    passedSends++;
    Reflect.apply(send, this, a);
  };
}

/**
 * The send and receive buffer size every toukit stack asks for on its UDP
 * sockets (`SOCKET_BUFFER_SIZE` of the udp substrate); werift's sockets get
 * the same, so the comparison is between the protocol implementations and
 * not between socket settings.
 */
export const WERIFT_SOCKET_BUFFER = 4 * 1024 * 1024;

let buffersSet = false;

/**
 * Give every UDP socket bound from now on in this process `size`-byte send
 * and receive buffers (werift has no option for it). Idempotent.
 */
export function enlargeSocketBuffers(size: number): void {
  if (buffersSet) return;
  buffersSet = true;
  const bind = Socket.prototype.bind as (...a: unknown[]) => Socket;
  (Socket.prototype as { bind: unknown }).bind = function bindWithBuffers(this: Socket, ...a: unknown[]): Socket {
    this.once('listening', () => {
      try {
        this.setRecvBufferSize(size);
        this.setSendBufferSize(size);
      } catch {
        // capped or refused by the kernel: werift runs with what it has
      }
    });
    return Reflect.apply(bind, this, a);
  };
}

/** Pin the process to loopback and enlarge its socket buffers, then import werift; returns the module or why it cannot be imported. */
export async function loadWerift(): Promise<WeriftModule | string> {
  pinToLoopback();
  enlargeSocketBuffers(WERIFT_SOCKET_BUFFER);
  try {
    return (await import('werift')) as WeriftModule;
  } catch (err) {
    return `werift cannot be imported (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/**
 * Why werift cannot be used here, or undefined when it can: a plain import
 * (no peer connection, no socket), for the harness's `unavailable()` check.
 */
export async function weriftUnavailable(): Promise<string | undefined> {
  try {
    const mod = (await import('werift')) as Partial<WeriftModule>;
    return typeof mod.RTCPeerConnection === 'function' ? undefined : 'werift does not export RTCPeerConnection';
  } catch (err) {
    return `werift cannot be imported (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}
