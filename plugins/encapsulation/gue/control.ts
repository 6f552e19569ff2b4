/**
 * GUE control messages (C bit set; draft-ietf-intarea-gue-09 §3.2.2). The
 * payload of a control message belongs to the decapsulator, never to a
 * transport. GUE-09 defines ctype 0 (payload needs more context, e.g. it was
 * transformed) and ctype 255 (experimental: the payload starts with a 32-bit
 * experimental identifier, ExID, not counted in Hlen). These helpers build
 * and read complete control datagrams.
 *
 * @module
 */
import type { Decapsulated, EncapsulationHeaderSpec } from '../../../core/contracts/encapsulation.js';
import { CTYPE_EXPERIMENTAL, EXID_LEN } from './constants.js';
import { GueBadControlError, GueUnsupportedError } from './errors.js';

/** Anything that can produce a header for a spec (a GUE encapsulation instance). */
export interface HeaderSource {
  /** Cached header bytes for `spec`. */
  header(spec: EncapsulationHeaderSpec): Uint8Array;
}

/** A decoded control message. */
export interface GueControlMessage {
  /** Control type (ctype). */
  readonly ctype: number;
  /** Experimental identifier (ctype 255 only). */
  readonly exid?: number;
  /** Control payload after the ExID (a view into the datagram). */
  readonly body: Uint8Array;
}

/**
 * Parts of a control datagram `[header, body]` ready for `SubstrateSocket.send`
 * (no concatenation). For ctype 255 use {@link experimentalControlParts}.
 */
export function controlMessageParts(encap: HeaderSource, ctype: number, body: Uint8Array): Uint8Array[] {
  if (ctype === CTYPE_EXPERIMENTAL) throw new GueUnsupportedError('ctype 255 needs an ExID: use experimentalControlParts');
  return [encap.header({ proto: ctype, control: true }), body];
}

/** Parts of an experimental (ctype 255) control datagram: `[header, ExID, body]`. */
export function experimentalControlParts(encap: HeaderSource, exid: number, body: Uint8Array): Uint8Array[] {
  if (!Number.isInteger(exid) || exid < 0 || exid > 0xffffffff) throw new GueUnsupportedError(`ExID ${exid} is not 32-bit`);
  const id = new Uint8Array(EXID_LEN);
  new DataView(id.buffer).setUint32(0, exid);
  return [encap.header({ proto: CTYPE_EXPERIMENTAL, control: true }), id, body];
}

/**
 * Reads the control message of a datagram already decapsulated into `d`.
 * @throws GueBadControlError if `d` is not a control message or a ctype-255 payload lacks its ExID
 */
export function readControlMessage(datagram: Uint8Array, d: Decapsulated): GueControlMessage {
  if (!d.control) throw new GueBadControlError('not a GUE control message');
  const body = datagram.subarray(d.payloadOffset);
  if (d.proto !== CTYPE_EXPERIMENTAL) return { ctype: d.proto, body };
  if (body.length < EXID_LEN) throw new GueBadControlError(`GUE experimental control message without its ${EXID_LEN}-byte ExID`);
  const exid = ((body[0] << 24) | (body[1] << 16) | (body[2] << 8) | body[3]) >>> 0;
  return { ctype: CTYPE_EXPERIMENTAL, exid, body: body.subarray(EXID_LEN) };
}
