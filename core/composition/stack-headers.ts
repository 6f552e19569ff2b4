/**
 * The headers a stack sends and the room they leave: the encapsulation
 * header of data and of handshake datagrams (with the security layer's
 * payload transform, if any) and the largest datagram left to the security
 * layer and to the transport. Computed once, when the stack is built: an
 * encapsulation that cannot express what the other layers need, or an
 * `mtu` too small for the headers, fails `createStack` with a
 * {@link ConfigError} before any traffic flows.
 *
 * @module
 */
import { PROTO_NONE, type Encapsulation, type EncapsulationHeaderSpec } from '../contracts/encapsulation.js';
import type { SecurityProtocol } from '../contracts/security.js';
import { ConfigError } from '../errors.js';

/** What {@link planHeaders} found. */
export interface HeaderPlan {
  /** The security layer passes datagrams through (no record layer of its own). */
  readonly passthrough: boolean;
  /** The payload-transform type a received header must carry (0: none). */
  readonly expectedTransform: number;
  /** Encapsulation header of data datagrams. */
  readonly dataHeader: Uint8Array;
  /** Encapsulation header of handshake datagrams (equal to `dataHeader` without a transform). */
  readonly handshakeHeader: Uint8Array;
  /** Largest datagram the security layer may send, in bytes. */
  readonly securityMaxDatagram: number;
  /** Largest datagram the transport may send, in bytes. */
  readonly transportMaxDatagram: number;
}

/** Fewest bytes a transport datagram may have (below it, no transport header fits). */
const MIN_TRANSPORT_DATAGRAM = 64;

/**
 * Plan the headers of a stack.
 * @param encapsulation - the encapsulation protocol
 * @param encapsulationName - its plugin name (for errors)
 * @param security - the security protocol
 * @param transportProto - the transport's protocol number (GUE Proto)
 * @param mtu - largest UDP payload, bytes
 * @throws ConfigError `ERR_CONFIG_INCOMPATIBLE` (path `encapsulation`) when the encapsulation cannot
 *   express the headers the security layer needs; `ERR_CONFIG_INVALID` (path `mtu`) when too little is left
 */
export function planHeaders(encapsulation: Encapsulation, encapsulationName: string, security: SecurityProtocol, transportProto: number, mtu: number): HeaderPlan {
  const passthrough = security.passthrough === true;
  const t = passthrough ? 0 : security.transformType;
  const dataSpec: EncapsulationHeaderSpec = t === 0 ? { proto: transportProto } : { proto: PROTO_NONE, transform: { type: t, originalProto: transportProto } };
  const hsSpec: EncapsulationHeaderSpec = t === 0 ? dataSpec : { proto: PROTO_NONE, transform: { type: t, originalProto: PROTO_NONE } };
  let dataHeader: Uint8Array;
  let handshakeHeader: Uint8Array;
  let encapOverhead: number;
  try {
    dataHeader = encapsulation.header(dataSpec);
    handshakeHeader = encapsulation.header(hsSpec);
    encapOverhead = Math.max(encapsulation.overhead(dataSpec), encapsulation.overhead(hsSpec));
  } catch (err) {
    const what = t === 0 ? `protocol ${transportProto}` : `the security layer's payload transform (type ${t})`;
    throw new ConfigError(
      'encapsulation',
      [`encapsulation: "${encapsulationName}" with these options cannot carry ${what}: ${(err as Error).message}`],
      'ERR_CONFIG_INCOMPATIBLE',
    );
  }
  const securityMaxDatagram = mtu - encapOverhead;
  const transportMaxDatagram = securityMaxDatagram - (passthrough ? 0 : security.overhead);
  if (transportMaxDatagram < MIN_TRANSPORT_DATAGRAM) {
    throw new ConfigError('mtu', [`mtu: ${mtu} bytes leave only ${transportMaxDatagram} bytes for the transport; expected a larger mtu`]);
  }
  return { passthrough, expectedTransform: t, dataHeader, handshakeHeader, securityMaxDatagram, transportMaxDatagram };
}
