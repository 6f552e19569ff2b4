/**
 * Endpoint addresses as seen by the substrate.
 *
 * @module
 */

/** IP family of an address. */
export type AddressFamily = 'IPv4' | 'IPv6';

/** A UDP endpoint: IP address, family and port (like `net.AddressInfo`). */
export interface PeerAddress {
  /** IP address in text form (`127.0.0.1`, `::1`). */
  readonly address: string;
  /** `IPv4` or `IPv6`. */
  readonly family: AddressFamily;
  /** UDP port. */
  readonly port: number;
}

/** Returns the family of a textual IP address. */
export function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}
