/**
 * The `sctp` transport plugin: RFC 9260 SCTP in user space, carried in GUE
 * (Proto 132) or directly in UDP (RFC 6951, encapsulation `none`, UDP port
 * {@link SCTP_UDP_PORT} by default), with PR-SCTP (RFC 3758).
 *
 * @module
 */
import { definePlugin } from '../../../core/contracts/plugin.js';
import type { TransportProtocol } from '../../../core/contracts/transport.js';
import { SctpProtocol } from './protocol.js';
import { sctpOptionsSchema, type SctpOptions } from './options.js';

export { SctpProtocol } from './protocol.js';
export { SctpAssociation } from './association.js';
export { sctpOptionsSchema, SCTP_UDP_PORT, type SctpOptions, type SctpOptionsInput } from './options.js';
export type { AssociationState, SctpEndpoint } from './state.js';
export type { AssociationSetup } from './association.js';
export type { CookieResult, CookieAccepted, CookieRefused, CookieState, CookieRejection } from './cookie.js';
export type { ReceiverHost } from './receiver.js';
export type { SenderHost } from './sender.js';
export type { PacketSentListener } from './packetizer.js';
export {
  SctpAbortedError,
  SctpDecodeError,
  SctpInvalidStreamError,
  SctpPeerRestartedError,
  SctpPeerUnreachableError,
  SctpProtocolViolationError,
} from './errors.js';

/** The `sctp` transport plugin. */
export const sctpTransportPlugin = definePlugin({
  name: 'sctp',
  layer: 'transport',
  description: 'SCTP (RFC 9260) with PR-SCTP (RFC 3758), over GUE Proto 132 or RFC 6951 UDP encapsulation',
  capabilities: ['reliable', 'ordered', 'messages', 'multistream', 'partial-reliability', 'congestion-controlled'],
  options: sctpOptionsSchema,
  create: (options: SctpOptions, env): TransportProtocol =>
    new SctpProtocol(
      options,
      env.random,
      () => env.clock.now(),
      options.zeroChecksum && env.layers.security.capabilities.includes('confidential'),
    ),
});

export default sctpTransportPlugin;
