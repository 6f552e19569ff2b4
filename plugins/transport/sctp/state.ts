/**
 * Association states (RFC 9260 §4) and the endpoint services an
 * association needs from its protocol instance (cookie sealing, tag
 * allocation, registration).
 *
 * @module
 */
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { CookieResult, CookieState } from './cookie.js';

/** Association states (RFC 9260 §4). */
export type AssociationState =
  | 'CLOSED'
  | 'COOKIE-WAIT'
  | 'COOKIE-ECHOED'
  | 'ESTABLISHED'
  | 'SHUTDOWN-PENDING'
  | 'SHUTDOWN-SENT'
  | 'SHUTDOWN-RECEIVED'
  | 'SHUTDOWN-ACK-SENT';

/** Services of the protocol instance (one per stack) that associations use. */
export interface SctpEndpoint {
  /** Seal a State Cookie bound to `peer`. */
  sealCookie(state: CookieState, peer: PeerAddress): Uint8Array;
  /** Verify a State Cookie received from `peer`. */
  openCookie(cookie: Uint8Array, peer: PeerAddress): CookieResult;
  /** A fresh, unused, non-zero verification tag. */
  newTag(): number;
  /** The association reached CLOSED: forget it. */
  unregister(assoc: object): void;
}
