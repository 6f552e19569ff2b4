/**
 * The `sctp` transport plugin: RFC 9260 SCTP in user space, carried in GUE
 * (Proto 132) or directly in UDP (RFC 6951, encapsulation `none`, UDP port
 * {@link SCTP_UDP_PORT} by default), with PR-SCTP (RFC 3758).
 *
 * @module toukit/plugins/transport/sctp
 */

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
  SctpMessageTooLargeError,
  SctpPeerRestartedError,
  SctpPeerUnreachableError,
  SctpProtocolViolationError,
  SctpReceiveWindowExhaustedError,
} from './errors.js';

export { sctpTransportPlugin, sctpTransportPlugin as default } from './plugin.js';
