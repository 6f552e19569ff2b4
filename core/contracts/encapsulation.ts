/**
 * The encapsulation contract (GUE, or `none`). An encapsulation sits right
 * above the substrate: it prefixes outgoing payloads with a header and, on
 * receive, tells the stack which protocol the payload carries so that one
 * UDP socket can serve several transports and control messages.
 *
 * @module
 */

/** Payload-transform marking of a datagram (GUE transform extension). */
export interface TransformInfo {
  /** Transform type (e.g. {@link TRANSFORM_DTLS}). */
  readonly type: number;
  /** IP protocol number of the payload before the transform (59 when none). */
  readonly originalProto: number;
}

/** GUE payload-transform type for DTLS (draft-ietf-intarea-gue-extensions-06 §5). */
export const TRANSFORM_DTLS = 1;

/** IP protocol number 59: "no next header" (RFC 8200). */
export const PROTO_NONE = 59;

/**
 * The result of decapsulating one datagram. Decoders reuse one instance per
 * socket, so consumers must copy what they keep.
 */
export interface Decapsulated {
  /** True for a control message (GUE C bit); `proto` then holds the ctype. */
  control: boolean;
  /** Protocol number of the payload (IP protocol number, or ctype when `control`). */
  proto: number;
  /** Offset of the payload inside the datagram. */
  payloadOffset: number;
  /** Transform type when the payload is transformed (e.g. DTLS), else 0. */
  transformType: number;
  /** For transformed payloads: the original protocol number, else `proto`. */
  originalProto: number;
  /** Virtual network / group identifier (GUE V flag), or -1 if absent. */
  vnid: number;
  /** True when the datagram was GUE variant 1 (a bare IPv4/IPv6 packet). */
  directIp: boolean;
}

/** Creates an empty {@link Decapsulated} record. */
export function emptyDecapsulated(): Decapsulated {
  return { control: false, proto: 0, payloadOffset: 0, transformType: 0, originalProto: 0, vnid: -1, directIp: false };
}

/** Outgoing header description. */
export interface EncapsulationHeaderSpec {
  /** Protocol number of the payload (or ctype for control messages). */
  readonly proto: number;
  /** Send as a control message. */
  readonly control?: boolean;
  /** Mark the payload as transformed (e.g. DTLS records). */
  readonly transform?: TransformInfo;
}

/** An encapsulation instance (one per stack). */
export interface Encapsulation {
  /** Plugin name, e.g. `gue`. */
  readonly name: string;
  /** Default UDP port for this encapsulation (GUE: 6080), if any. */
  readonly defaultPort: number | undefined;
  /** Whether received datagrams carry a protocol number (false for `none`). */
  readonly demultiplexes: boolean;
  /** Header bytes added for a data payload described by `spec`. */
  overhead(spec: EncapsulationHeaderSpec): number;
  /**
   * Header bytes to send in front of a payload described by `spec`.
   * Implementations cache headers, so the returned bytes must not be modified.
   * May return an empty array (no header).
   */
  header(spec: EncapsulationHeaderSpec): Uint8Array;
  /**
   * Decode the header of `datagram` into `out`.
   * @throws DecodeError on malformed input (the stack drops and counts it)
   */
  decapsulate(datagram: Uint8Array, out: Decapsulated): void;
}
