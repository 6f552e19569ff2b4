/**
 * Options of the `sctp` transport plugin, with the protocol parameters of
 * RFC 9260 §16 as defaults.
 *
 * @module
 */
import { z } from 'zod';

/** The IANA "sctp-tunneling" UDP port for SCTP over UDP (RFC 6951 §5). */
export const SCTP_UDP_PORT = 9899;

/** Options schema of the `sctp` transport. */
export const sctpOptionsSchema = z
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
      .describe('largest message sent or reassembled, in bytes'),
    receiveWindow: z
      .number()
      .int()
      .min(1500)
      .default(1024 * 1024)
      .describe('receive buffer advertised as a_rwnd, in bytes (RFC 9260 §6.2, at least 1500)'),
    sendBufferSize: z
      .number()
      .int()
      .min(1)
      .default(1024 * 1024)
      .describe('bytes buffered for sending before write() returns false'),
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
  })
  .strict();

/** Resolved options of the `sctp` transport. */
export type SctpOptions = z.output<typeof sctpOptionsSchema>;

/** Options with every default applied (for tests and direct use). */
export function sctpDefaults(overrides: Partial<SctpOptions> = {}): SctpOptions {
  return sctpOptionsSchema.parse(overrides);
}
