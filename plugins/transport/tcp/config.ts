/**
 * Options of the `tcp` transport plugin (zod 4 schema with defaults).
 * Units: bytes and milliseconds.
 *
 * @module
 */
import { z } from 'zod';

/**
 * Validated options of the `tcp` plugin, as produced by
 * {@link tcpOptionsSchema} (every field has a default).
 */
export interface TcpConfig {
  /**
   * `'outer'` (default): standard TCP checksum over a pseudo-header of the
   * OUTER IP addresses (Linux/tshark compatible); `'none'`: send zero, do not
   * verify (NAT paths, or DTLS already authenticates).
   */
  readonly checksum: 'outer' | 'none';
  /** Lower bound of the retransmission timeout in ms (RFC 6298 §2.4; default 1000, 200 like Linux is allowed). */
  readonly minRto: number;
  /** Upper bound of the retransmission timeout in ms (RFC 6298 §2.5; default 60 000). */
  readonly maxRto: number;
  /** Retransmission timeout before the first RTT sample in ms (RFC 6298 §2.1; default 1000). */
  readonly initialRto: number;
  /** TIME-WAIT duration (2·MSL) in ms (RFC 9293 §3.4.2; default 60 000). */
  readonly timeWait: number;
  /** Disable Nagle's algorithm (RFC 9293 §3.7.4) by default (default `false`). */
  readonly noDelay: boolean;
  /** Bytes written and not yet sent before `write()` returns false; `'drain'` follows when half went out. Sent data is also held until acknowledged (default 1 MiB). */
  readonly sendBuffer: number;
  /** Receive buffer in bytes: the largest window advertised (RFC 7323 window scaling picks the shift; default 1 MiB). */
  readonly receiveBuffer: number;
  /** Delayed-ACK bound in ms, 0 to ACK every segment (RFC 9293 §3.8.6.3; default 40). */
  readonly delayedAck: number;
  /**
   * Send the ACK owed for every second full-sized segment (RFC 9293 §3.8.6.3)
   * once the current batch of received datagrams has been handled, so one ACK
   * covers every in-order segment read in the same event-loop turn, as Linux
   * does with GRO (default `true`); `false` sends it at once. Out-of-order
   * segments, FINs and pushed short segments are always ACKed at once.
   */
  readonly ackCoalescing: boolean;
  /** Offer SACK (RFC 2018) and use SACK-based loss recovery (RFC 6675; default `true`). */
  readonly sack: boolean;
  /** Offer the Timestamps option (RFC 7323; default `true`). */
  readonly timestamps: boolean;
  /** Offer window scaling (RFC 7323 §2; default `true`). */
  readonly windowScaling: boolean;
  /** SYN / SYN-ACK retransmissions before giving up (default 6). */
  readonly synRetries: number;
  /** Consecutive retransmission timeouts before the connection fails (default 15). */
  readonly maxRetransmits: number;
  /** Close with a TimeoutError after this many ms without receiving anything (0: never, the default). */
  readonly idleTimeout: number;
  /** Idle time in ms before the first keepalive probe when `setKeepAlive(true)` gives no delay (RFC 9293 §3.8.4; default 2 hours). */
  readonly keepAliveTime: number;
  /** Interval between keepalive probes in ms (RFC 9293 §3.8.4; default 75 000). */
  readonly keepAliveInterval: number;
  /** Unanswered keepalive probes before the connection fails (default 9). */
  readonly keepAliveProbes: number;
  /** Half-open (SYN-RECEIVED) connections kept per stack before SYN cookies take over (default 1024). */
  readonly maxHalfOpen: number;
  /** Answer SYNs statelessly with SYN cookies once `maxHalfOpen` is reached, otherwise drop them (default `true`). */
  readonly synCookies: boolean;
  /** Challenge ACKs per second per connection (RFC 5961 §7; default 10). */
  readonly challengeAckLimit: number;
}

/** Options of the `tcp` plugin as written in a stack config (every field optional). */
export type TcpConfigInput = Partial<TcpConfig>;

/** The `tcp` plugin's options schema (zod 4, strict, with defaults). */
export const tcpOptionsSchema: z.ZodType<TcpConfig, TcpConfigInput> = z
  .object({
    checksum: z
      .enum(['outer', 'none'])
      .default('outer')
      .describe(
        "'outer': standard TCP checksum over a pseudo-header of the OUTER IP addresses (Linux/tshark compatible); 'none': send zero, do not verify (NAT paths, or DTLS already authenticates)",
      ),
    minRto: z.number().min(1).default(1000).describe('lower bound of the retransmission timeout in ms (RFC 6298 §2.4; 200 like Linux is allowed)'),
    maxRto: z.number().min(1000).default(60_000).describe('upper bound of the retransmission timeout in ms (RFC 6298 §2.5)'),
    initialRto: z.number().min(1).default(1000).describe('retransmission timeout before the first RTT sample in ms (RFC 6298 §2.1)'),
    timeWait: z.number().min(0).default(60_000).describe('TIME-WAIT duration (2·MSL) in ms (RFC 9293 §3.4.2)'),
    noDelay: z.boolean().default(false).describe("disable Nagle's algorithm (RFC 9293 §3.7.4) by default"),
    sendBuffer: z.number().int().min(1024).default(1 << 20).describe("bytes written and not yet sent before write() returns false; 'drain' follows when half went out (sent data is also held until acknowledged)"),
    receiveBuffer: z
      .number()
      .int()
      .min(1024)
      .max(1 << 30)
      .default(1 << 20)
      .describe('receive buffer in bytes: the largest window advertised (RFC 7323 window scaling picks the shift)'),
    delayedAck: z.number().min(0).max(500).default(40).describe('delayed-ACK bound in ms, 0 to ACK every segment (RFC 9293 §3.8.6.3)'),
    ackCoalescing: z
      .boolean()
      .default(true)
      .describe(
        'send the ACK owed for every second full-sized segment once the current batch of received datagrams is handled (one ACK per event-loop turn, like Linux with GRO); false: at once (RFC 9293 §3.8.6.3)',
      ),
    sack: z.boolean().default(true).describe('offer SACK (RFC 2018) and use SACK-based loss recovery (RFC 6675)'),
    timestamps: z.boolean().default(true).describe('offer the Timestamps option (RFC 7323)'),
    windowScaling: z.boolean().default(true).describe('offer window scaling (RFC 7323 §2)'),
    synRetries: z.number().int().min(0).max(20).default(6).describe('SYN / SYN-ACK retransmissions before giving up'),
    maxRetransmits: z.number().int().min(1).max(50).default(15).describe('consecutive retransmission timeouts before the connection fails'),
    idleTimeout: z.number().min(0).default(0).describe('close with a TimeoutError after this many ms without receiving anything (0: never)'),
    keepAliveTime: z
      .number()
      .min(1)
      .default(7_200_000)
      .describe('idle time before the first keepalive probe when setKeepAlive(true) gives no delay, ms (RFC 9293 §3.8.4: at least 2 hours by default)'),
    keepAliveInterval: z.number().min(1).default(75_000).describe('interval between keepalive probes in ms (RFC 9293 §3.8.4)'),
    keepAliveProbes: z.number().int().min(1).default(9).describe('unanswered keepalive probes before the connection fails'),
    maxHalfOpen: z.number().int().min(1).default(1024).describe('half-open (SYN-RECEIVED) connections kept per stack before SYN cookies take over'),
    synCookies: z.boolean().default(true).describe('answer SYNs statelessly with SYN cookies once maxHalfOpen is reached (otherwise drop them)'),
    challengeAckLimit: z.number().int().min(1).default(10).describe('challenge ACKs per second per connection (RFC 5961 §7)'),
  })
  .strict();

/** The defaults (what `{}` parses to). */
export const defaultTcpConfig: TcpConfig = tcpOptionsSchema.parse({});
