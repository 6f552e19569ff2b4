/**
 * Error classes shared by every layer.
 *
 * Every error toukit raises is a {@link ToukitError} with a stable `code`
 * (for example `ERR_GUE_BAD_HLEN`). Decoders throw subclasses of
 * {@link DecodeError}; the stack catches them, drops the datagram and counts
 * the drop under the error's `reason`.
 *
 * @module
 */

/** Base class of every error toukit raises; `code` is stable across releases. */
export class ToukitError extends Error {
  /** Stable machine-readable code, e.g. `ERR_GUE_BAD_HLEN`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable description
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A malformed datagram, header or chunk. Thrown by wire codecs; the stack
 * drops the datagram and counts it under {@link DecodeError.reason}.
 */
export class DecodeError extends ToukitError {
  /** Short drop reason used as the key of drop counters (e.g. `gue_bad_hlen`). */
  readonly reason: string;

  /**
   * @param code - stable error code (e.g. `ERR_GUE_TRUNCATED`)
   * @param reason - drop-counter key (e.g. `gue_truncated`)
   * @param message - human-readable description
   */
  constructor(code: string, reason: string, message: string) {
    super(code, message);
    this.reason = reason;
  }
}

/** A stack configuration is invalid; `path` names the offending config path. */
export class ConfigError extends ToukitError {
  /** Dotted path of the offending value in the stack config (e.g. `transport.options.mss`). */
  readonly path: string;
  /** Every problem found, one per line, each starting with its path. */
  readonly issues: readonly string[];

  /**
   * @param path - path of the first offending value
   * @param issues - all problems found (each already prefixed with its path)
   * @param code - error code; defaults to `ERR_CONFIG_INVALID`
   */
  constructor(path: string, issues: readonly string[], code = 'ERR_CONFIG_INVALID') {
    super(code, issues.join('\n'));
    this.path = path;
    this.issues = issues;
  }
}

/** An operation needed a state the connection or stack is no longer (or not yet) in. */
export class StateError extends ToukitError {}

/** A write was larger than the payload budget of the stack. */
export class PayloadTooLargeError extends ToukitError {
  /** Size of the rejected payload in bytes. */
  readonly size: number;
  /** Largest payload accepted, in bytes. */
  readonly limit: number;

  /**
   * @param size - bytes the caller tried to send
   * @param limit - largest accepted payload in bytes
   */
  constructor(size: number, limit: number) {
    super('ERR_PAYLOAD_TOO_LARGE', `payload of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.size = size;
    this.limit = limit;
  }
}

/** A connection attempt or an established connection ran out of time. */
export class TimeoutError extends ToukitError {}

/**
 * A connection attempt was refused: nothing listens at the peer's UDP
 * address (the network answered with an ICMP port unreachable, which a
 * connected UDP socket reports as `ECONNREFUSED`). Code `ERR_CONNECTION_REFUSED`.
 */
export class ConnectionRefusedError extends ToukitError {
  /**
   * @param address - the peer's IP address
   * @param port - the peer's UDP port
   */
  constructor(address: string, port: number) {
    super('ERR_CONNECTION_REFUSED', `connection refused by ${address.includes(':') ? `[${address}]` : address}:${port}: nothing listens there (ICMP port unreachable)`);
  }
}

/** Returns the drop reason for an error caught on the receive path. */
export function dropReasonOf(err: unknown): string {
  if (err instanceof DecodeError) return err.reason;
  if (err instanceof ToukitError) return err.code.toLowerCase().replace(/^err_/, '');
  return 'internal_error';
}
