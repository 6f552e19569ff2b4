/**
 * SCTP chunk type numbers (RFC 9260 §3.2, RFC 3758 §3.2, RFC 8260 §2)
 * and chunk flags.
 *
 * @module
 */

/** Chunk type codes (RFC 9260 §3.2 table plus extensions). */
export const ChunkType = {
  /** Payload Data (RFC 9260 §3.3.1). */
  DATA: 0,
  /** Initiation (§3.3.2). */
  INIT: 1,
  /** Initiation Acknowledgement (§3.3.3). */
  INIT_ACK: 2,
  /** Selective Acknowledgement (§3.3.4). */
  SACK: 3,
  /** Heartbeat Request (§3.3.5). */
  HEARTBEAT: 4,
  /** Heartbeat Acknowledgement (§3.3.6). */
  HEARTBEAT_ACK: 5,
  /** Abort (§3.3.7). */
  ABORT: 6,
  /** Shutdown (§3.3.8). */
  SHUTDOWN: 7,
  /** Shutdown Acknowledgement (§3.3.9). */
  SHUTDOWN_ACK: 8,
  /** Operation Error (§3.3.10). */
  ERROR: 9,
  /** State Cookie echo (§3.3.11). */
  COOKIE_ECHO: 10,
  /** Cookie Acknowledgement (§3.3.12). */
  COOKIE_ACK: 11,
  /** Shutdown Complete (§3.3.13). */
  SHUTDOWN_COMPLETE: 14,
  /** Authentication chunk (RFC 4895), not supported: never negotiated. */
  AUTH: 15,
  /** I-DATA (RFC 8260 §2.1), used when both sides offer it (option `interleaving`). */
  I_DATA: 64,
  /** Stream re-configuration (RFC 6525 §3.1), used when both sides offer it (option `streamReset`). */
  RE_CONFIG: 130,
  /** Padding chunk (RFC 4820). */
  PAD: 132,
  /** Forward Cumulative TSN (RFC 3758 §3.2). */
  FORWARD_TSN: 192,
  /** I-FORWARD-TSN (RFC 8260 §2.3), with I-DATA and PR-SCTP. */
  I_FORWARD_TSN: 194,
} as const;

/** DATA chunk flag: SACK immediately (RFC 7053). */
export const FLAG_I = 0x08;
/** DATA chunk flag: unordered (RFC 9260 §3.3.1). */
export const FLAG_U = 0x04;
/** DATA chunk flag: first fragment (B). */
export const FLAG_B = 0x02;
/** DATA chunk flag: last fragment (E). */
export const FLAG_E = 0x01;
/** ABORT / SHUTDOWN COMPLETE flag: verification tag is reflected (RFC 9260 §3.3.7). */
export const FLAG_T = 0x01;

/** Size of the SCTP common header in bytes (RFC 9260 §3.1). */
export const COMMON_HEADER_SIZE = 12;
/** Size of a DATA chunk header in bytes (RFC 9260 §3.3.1). */
export const DATA_HEADER_SIZE = 16;
/** Size of an I-DATA chunk header in bytes (RFC 8260 §2.1). */
export const I_DATA_HEADER_SIZE = 20;
