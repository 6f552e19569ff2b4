/**
 * Typed errors of the DTLS plugin. Decoders throw {@link DtlsDecodeError}
 * (a {@link DecodeError}: the record or datagram is dropped and counted);
 * handshake failures end the session with one of the other classes, each
 * with a stable `code`.
 *
 * @module
 */
import { DecodeError, TimeoutError, ToukitError } from '../../../core/errors.js';
import { ALERT_NAMES, AlertDescription } from './constants.js';

/** Malformed DTLS bytes (record, handshake message, extension, certificate DER). */
export class DtlsDecodeError extends DecodeError {}

/** Builds a {@link DtlsDecodeError} from a short reason such as `dtls_truncated`. */
export function decodeError(reason: string, message: string): DtlsDecodeError {
  return new DtlsDecodeError(`ERR_${reason.toUpperCase()}`, reason, message);
}

/**
 * A fatal alert was received from the peer (`remote: true`) or sent by us
 * (`remote: false`). `code` is always `ERR_DTLS_ALERT`; `alert` is the
 * AlertDescription number of RFC 5246 §7.2.
 */
export class DtlsAlertError extends ToukitError {
  /** AlertDescription code (RFC 5246 §7.2), e.g. 40 handshake_failure. */
  readonly alert: number;
  /** True when the peer sent the alert. */
  readonly remote: boolean;

  /**
   * @param alert - AlertDescription code
   * @param remote - whether the peer sent it
   */
  constructor(alert: number, remote: boolean) {
    const name = ALERT_NAMES[alert] ?? `alert_${alert}`;
    super('ERR_DTLS_ALERT', `${remote ? 'received' : 'sent'} fatal alert ${name} (${alert})`);
    this.alert = alert;
    this.remote = remote;
  }
}

/** The handshake did not complete within `handshakeTimeout` (RFC 6347 §4.2.4). */
export class DtlsHandshakeTimeoutError extends TimeoutError {
  /** @param ms - the timeout that expired, in ms */
  constructor(ms: number) {
    super('ERR_DTLS_HANDSHAKE_TIMEOUT', `DTLS handshake did not complete within ${ms} ms`);
  }
}

/**
 * A local handshake failure (unexpected message, bad Finished, no shared
 * cipher suite, unknown PSK identity, …). `alert` is the fatal alert sent
 * to the peer.
 */
export class DtlsHandshakeError extends ToukitError {
  /** AlertDescription sent to the peer (RFC 5246 §7.2). */
  readonly alert: number;

  /**
   * @param code - stable code, e.g. `ERR_DTLS_BAD_FINISHED`
   * @param message - description
   * @param alert - alert sent to the peer
   */
  constructor(code: string, message: string, alert: number = AlertDescription.handshake_failure) {
    super(code, message);
    this.alert = alert;
  }
}

/** The peer certificate (chain, validity, name, fingerprint or signature) was not accepted. */
export class DtlsCertificateError extends DtlsHandshakeError {
  /**
   * @param message - why the certificate was rejected
   * @param alert - alert sent to the peer (default bad_certificate 42)
   */
  constructor(message: string, alert: number = AlertDescription.bad_certificate) {
    super('ERR_DTLS_CERT_VERIFY', message, alert);
  }
}

/**
 * A certificate carries a critical extension this implementation does not
 * recognize or does not process (e.g. nameConstraints): RFC 5280 §4.2 says a
 * certificate-using system MUST reject it. The alert is
 * unsupported_certificate (43, RFC 5246 §7.2.2); `code` stays
 * `ERR_DTLS_CERT_VERIFY`.
 */
export class DtlsCertificateExtensionError extends DtlsCertificateError {
  /** The extension's OBJECT IDENTIFIER in dotted form, e.g. `2.5.29.30`. */
  readonly oid: string;

  /**
   * @param oid - dotted OID of the critical extension
   * @param which - which certificate carries it, for the message (e.g. `peer certificate`)
   */
  constructor(oid: string, which: string) {
    super(`${which} has a critical extension that is not supported (${oid}; RFC 5280 §4.2)`, AlertDescription.unsupported_certificate);
    this.oid = oid;
  }
}
