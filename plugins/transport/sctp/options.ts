/**
 * Options of the `sctp` transport plugin, with the protocol parameters of
 * RFC 9260 §16 as defaults.
 *
 * @module
 */
import { z } from 'zod';

/** The IANA "sctp-tunneling" UDP port for SCTP over UDP (RFC 6951 §5). */
export const SCTP_UDP_PORT = 9899;

const schema = z
  .object({
    udpPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(SCTP_UDP_PORT)
      .describe('local UDP encapsulation port when SCTP runs directly over UDP (RFC 6951 §5, encapsulation "none"); 0 picks one'),
    outboundStreams: z.number().int().min(1).max(65535).default(16).describe('outbound streams requested in INIT (OS, RFC 9260 §3.3.2)'),
    maxInboundStreams: z.number().int().min(1).max(65535).default(16).describe('inbound streams accepted (MIS, RFC 9260 §3.3.2)'),
    maxMessageSize: z
      .number()
      .int()
      .min(1)
      .default(256 * 1024)
      .describe(
        'largest message sent or reassembled, in bytes; at most receiveWindow (messages are delivered whole: a larger incoming message aborts the association)',
      ),
    receiveWindow: z
      .number()
      .int()
      .min(1500)
      .default(1024 * 1024)
      .describe('receive buffer advertised as a_rwnd, in bytes (RFC 9260 §6.2, at least 1500 and at least maxMessageSize)'),
    sendBufferSize: z
      .number()
      .int()
      .min(1)
      .default(1024 * 1024)
      .describe('bytes accepted and not yet sent before write() returns false (sent data is also held until acknowledged)'),
    rtoInitial: z.number().min(1).default(1000).describe('RTO.Initial in ms (RFC 9260 §16)'),
    rtoMin: z.number().min(1).default(1000).describe('RTO.Min in ms (RFC 9260 §16)'),
    rtoMax: z.number().min(1).default(60000).describe('RTO.Max in ms (RFC 9260 §16)'),
    maxInitRetransmits: z.number().int().min(0).default(8).describe('Max.Init.Retransmits (RFC 9260 §16)'),
    associationMaxRetrans: z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Association.Max.Retrans: consecutive timeouts before the peer is declared unreachable (RFC 9260 §8.1)'),
    pathMaxRetrans: z.number().int().min(0).default(5).describe('Path.Max.Retrans (RFC 9260 §8.2); single-homed, so the lower of the two limits applies'),
    heartbeatInterval: z.number().min(0).default(30000).describe('HB.interval in ms (RFC 9260 §8.3); 0 disables heartbeats'),
    sackDelay: z.number().min(0).max(500).default(200).describe('delayed SACK timeout in ms (RFC 9260 §6.2, below 500)'),
    cookieLifetime: z.number().min(1).default(60000).describe('Valid.Cookie.Life in ms (RFC 9260 §16)'),
    maxBurst: z.number().int().min(1).default(4).describe('Max.Burst in packets (RFC 9260 §7.2.4, §16)'),
    partialReliability: z.boolean().default(true).describe('offer PR-SCTP / FORWARD TSN (RFC 3758)'),
    interleaving: z
      .boolean()
      .default(false)
      .describe('offer I-DATA (RFC 8260): message interleaving across streams, used when the peer offers it too'),
    streamReset: z
      .boolean()
      .default(false)
      .describe('offer stream reconfiguration (RFC 6525, RE-CONFIG): outgoing SSN reset requests, used when the peer offers it too'),
    zeroChecksum: z
      .boolean()
      .default(true)
      .describe(
        'inside a confidential, authenticated security layer (dtls): announce Zero Checksum Acceptable and send checksum 0 once the peer announced it too (RFC 9653); false keeps CRC32c on every packet',
      ),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.receiveWindow >= o.maxMessageSize) return;
    ctx.addIssue({
      code: 'custom',
      path: ['receiveWindow'],
      // Phrased as an expectation: the stack reports `<path>: expected …, got <value>`.
      message:
        `expected receiveWindow ≥ maxMessageSize (${o.maxMessageSize}): messages are delivered whole, so each one ` +
        'this side accepts must fit in its receive window; raise receiveWindow or lower maxMessageSize',
    });
  });

/** Resolved options of the `sctp` transport (units: bytes and ms; defaults from RFC 9260 §16). */
export interface SctpOptions {
  /** Local UDP encapsulation port for RFC 6951 SCTP-over-UDP (encapsulation `none`); default 9899, 0 = none. */
  readonly udpPort: number;
  /** Outbound streams requested in INIT (OS); default 16. */
  readonly outboundStreams: number;
  /** Inbound streams accepted (MIS); default 16. */
  readonly maxInboundStreams: number;
  /**
   * Largest message sent or reassembled, in bytes; default 256 KiB. Messages
   * are delivered whole (there is no partial delivery), so an incoming
   * message that grows past it aborts the association
   * (`ERR_SCTP_MESSAGE_TOO_LARGE` here, a Protocol Violation naming the limit
   * at the peer). Give both peers the same value.
   */
  readonly maxMessageSize: number;
  /**
   * Receive buffer advertised as a_rwnd, in bytes; default 1 MiB. At least
   * 1500 and at least {@link SctpOptions.maxMessageSize}, so that every
   * message this side accepts fits in it.
   */
  readonly receiveWindow: number;
  /**
   * Bytes accepted and not yet sent before `write()` returns false; default 1 MiB.
   * `'writable'` follows once half of it went out. Sent data is held until
   * acknowledged on top of this (bounded by the congestion and receive windows),
   * so a full window in flight does not starve the sender of queued data.
   */
  readonly sendBufferSize: number;
  /** RTO.Initial in ms; default 1000. */
  readonly rtoInitial: number;
  /** RTO.Min in ms; default 1000. */
  readonly rtoMin: number;
  /** RTO.Max in ms; default 60000. */
  readonly rtoMax: number;
  /** Max.Init.Retransmits; default 8. */
  readonly maxInitRetransmits: number;
  /** Association.Max.Retrans; default 10. */
  readonly associationMaxRetrans: number;
  /** Path.Max.Retrans; default 5. */
  readonly pathMaxRetrans: number;
  /** HB.interval in ms, 0 disables heartbeats; default 30000. */
  readonly heartbeatInterval: number;
  /** Delayed SACK timeout in ms (below 500); default 200. */
  readonly sackDelay: number;
  /** Valid.Cookie.Life in ms; default 60000. */
  readonly cookieLifetime: number;
  /** Max.Burst in packets; default 4. */
  readonly maxBurst: number;
  /** Offer PR-SCTP / FORWARD TSN (RFC 3758); default true. */
  readonly partialReliability: boolean;
  /** Offer I-DATA message interleaving (RFC 8260); default false. */
  readonly interleaving: boolean;
  /**
   * Offer stream reconfiguration (RFC 6525): `resetStreams()` and answers to
   * the peer's Outgoing SSN Reset Requests; default false.
   */
  readonly streamReset: boolean;
  /**
   * Use zero checksums inside a confidential, authenticated security layer
   * (RFC 9653, error detection method DTLS); default true. Without such a
   * layer every packet carries its CRC32c whatever this says.
   */
  readonly zeroChecksum: boolean;
}

/** Options as written in a stack config: every field optional. */
export type SctpOptionsInput = Partial<SctpOptions>;

/** Options schema of the `sctp` transport (zod 4, strict, every field defaulted). */
export const sctpOptionsSchema: z.ZodType<SctpOptions, SctpOptionsInput> = schema;

// The interface and the schema must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const optionsMatchSchema: Same<SctpOptions, Readonly<z.output<typeof schema>>> = true;
void optionsMatchSchema;

/** Options with every default applied (for tests and direct use). */
export function sctpDefaults(overrides: Partial<SctpOptions> = {}): SctpOptions {
  return sctpOptionsSchema.parse(overrides);
}
