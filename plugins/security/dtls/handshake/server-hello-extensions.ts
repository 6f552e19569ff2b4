/**
 * The client's checks of a ServerHello's extensions (RFC 5246 §7.4.1.4):
 * each must answer one the client offered, appear once, and be well formed
 * for its type. Fatal alerts (RFC 5246 §7.2.2):
 * - unsupported_extension (110): a type the ClientHello did not carry
 *   ("the client MUST abort the handshake with an unsupported_extension fatal alert");
 * - illegal_parameter (47): a type sent twice ("There MUST NOT be more than
 *   one extension of the same type"), or one a server must not send
 *   (signature_algorithms, §7.4.1.4.1; RFC 8446 §4.2 names this alert for an
 *   extension in the wrong message, and OpenSSL sends it in both cases), or
 *   ec_point_formats without uncompressed (RFC 8422 §5.2);
 * - decode_error (50): contents that do not match the extension's syntax
 *   (a non-empty extended_master_secret, RFC 7627 §5.1; a malformed
 *   ec_point_formats list);
 * - handshake_failure (40): a non-empty renegotiated_connection on an
 *   initial handshake (RFC 5746 §3.4).
 * supported_groups, offered by the client, is tolerated and ignored in a
 * TLS 1.2 ServerHello, as OpenSSL does for servers that echo it.
 *
 * @module
 */
import { AlertDescription, ExtensionType } from '../constants.js';
import { DtlsDecodeError, DtlsHandshakeError } from '../errors.js';
import type { Extensions } from './extensions.js';
import { parseServerHello } from './messages.js';
import type { ServerHello } from './messages.js';

/** What the ServerHello's extensions negotiated. */
export interface ServerHelloExtensions {
  /** Both hellos carry extended_master_secret: the master secret is the RFC 7627 §4 one. */
  readonly extendedMasterSecret: boolean;
}

const badServerHello = (message: string, alert: number) => new DtlsHandshakeError('ERR_DTLS_BAD_SERVER_HELLO', message, alert);

/**
 * Decode a ServerHello body for the client: a duplicated extension type is
 * illegal_parameter (`ERR_DTLS_BAD_SERVER_HELLO`); other malformations stay
 * DtlsDecodeErrors (decode_error).
 */
export function readServerHello(body: Uint8Array): ServerHello {
  try {
    return parseServerHello(body);
  } catch (err) {
    if (err instanceof DtlsDecodeError && err.reason === 'dtls_duplicate_extension') {
      throw badServerHello(`ServerHello: ${err.message} (RFC 5246 §7.4.1.4)`, AlertDescription.illegal_parameter);
    }
    throw err;
  }
}

/** ec_point_formats (RFC 8422 §5.1.2): ec_point_format_list<1..2^8-1>, which must include uncompressed (0), §5.2. */
function checkPointFormats(data: Uint8Array): void {
  if (data.length < 2 || data[0] !== data.length - 1) throw badServerHello('ServerHello ec_point_formats is malformed', AlertDescription.decode_error);
  if (!data.subarray(1).includes(0)) {
    throw badServerHello('ServerHello ec_point_formats lacks uncompressed (RFC 8422 §5.2)', AlertDescription.illegal_parameter);
  }
}

/**
 * Check the extensions of a ServerHello against those the client `offered`
 * in its ClientHello; throws a {@link DtlsHandshakeError} carrying the
 * fatal alert to send (see the module comment), else returns what they
 * negotiated. Codes: `ERR_DTLS_UNSUPPORTED_EXTENSION`,
 * `ERR_DTLS_BAD_SERVER_HELLO`, `ERR_DTLS_RENEGOTIATION`.
 */
export function checkServerHelloExtensions(offered: Extensions, received: Extensions): ServerHelloExtensions {
  for (const [type, data] of received) {
    if (!offered.has(type)) {
      throw new DtlsHandshakeError(
        'ERR_DTLS_UNSUPPORTED_EXTENSION',
        `ServerHello carries extension ${type}, which the ClientHello did not offer (RFC 5246 §7.4.1.4)`,
        AlertDescription.unsupported_extension,
      );
    }
    switch (type) {
      case ExtensionType.extended_master_secret:
        if (data.length !== 0) throw badServerHello('ServerHello extended_master_secret is not empty (RFC 7627 §5.1)', AlertDescription.decode_error);
        break;
      case ExtensionType.renegotiation_info:
        if (data.length !== 1 || data[0] !== 0) {
          throw new DtlsHandshakeError('ERR_DTLS_RENEGOTIATION', 'non-empty renegotiation_info on the initial handshake (RFC 5746 §3.4)', AlertDescription.handshake_failure);
        }
        break;
      case ExtensionType.ec_point_formats:
        checkPointFormats(data);
        break;
      case ExtensionType.supported_groups:
        break;
      default:
        throw badServerHello(`ServerHello carries extension ${type}, which a server does not send (signature_algorithms: RFC 5246 §7.4.1.4.1)`, AlertDescription.illegal_parameter);
    }
  }
  return { extendedMasterSecret: received.has(ExtensionType.extended_master_secret) };
}
