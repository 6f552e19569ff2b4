/**
 * The `tcp` transport plugin: RFC 9293 TCP in user space, carried in GUE
 * with Proto 6. See `README.md` in this folder for what is implemented and
 * how the checksum works on wildcard-bound sockets.
 *
 * @example
 * ```ts
 * const stack = await createStack({ encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' });
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import type { TransportProtocol } from '../../../core/contracts/transport.js';
import { tcpOptionsSchema } from './config.js';
import type { TcpConfig } from './config.js';
import { TcpProtocol } from './protocol.js';

export { tcpOptionsSchema, defaultTcpConfig } from './config.js';
export type { TcpConfig, TcpConfigInput } from './config.js';
export { TcpProtocol } from './protocol.js';
export type { TcpProtocolCounters } from './protocol.js';
export { TcpSession, TcpResetError } from './session.js';
export type { TcpState, TcpSessionHooks, TimeWaitInfo, TimeWaitTimestamps } from './session.js';
export { parseTcpHeader, serializeTcpHeader, emptyTcpHeader, TcpFlags, TCP_HEADER_MIN, TCP_HEADER_MAX } from './header.js';
export type { TcpHeader, TcpHeaderInit } from './header.js';
export { parseTcpOptions, writeTcpOptions, tcpOptionsLength, emptyTcpOptions, TcpOptionKind } from './options.js';
export type { TcpOptions, TcpOptionsInit } from './options.js';
export { tcpChecksum, writeTcpChecksum, verifyTcpChecksum, ipAddressBytes } from './checksum.js';
export { TcpDecodeError, TcpTruncatedError, TcpBadDataOffsetError, TcpBadOptionError, TcpBadChecksumError } from './errors.js';

/** The `tcp` transport plugin (IP protocol 6). */
export const tcpTransportPlugin: Plugin<'transport', TcpConfig> = definePlugin({
  name: 'tcp',
  layer: 'transport',
  description: 'RFC 9293 TCP in user space (SACK, timestamps, window scaling, NewReno/SACK recovery)',
  capabilities: ['reliable', 'ordered', 'stream', 'congestion-controlled'],
  options: tcpOptionsSchema,
  create: (options: TcpConfig, env): TransportProtocol => new TcpProtocol(options, env),
});

export default tcpTransportPlugin;
