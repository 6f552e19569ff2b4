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
 * @module toukit/plugins/transport/tcp
 */

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

export { tcpTransportPlugin, tcpTransportPlugin as default } from './plugin.js';
