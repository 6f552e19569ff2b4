/**
 * DTLS 1.2 code points (RFC 6347, RFC 5246 §7.2 and §7.4, IANA TLS registries).
 *
 * @module
 */

/** Record content types (RFC 5246 §6.2.1). */
export const ContentType = {
  /** change_cipher_spec. */
  change_cipher_spec: 20,
  /** alert. */
  alert: 21,
  /** handshake. */
  handshake: 22,
  /** application_data. */
  application_data: 23,
} as const;

/** Record version of DTLS 1.2 (RFC 6347 §4.1, 0xFEFD = ~{1,2}). */
export const DTLS12 = 0xfefd;
/** Record version of DTLS 1.0, accepted on the first flight (OpenSSL sends it). */
export const DTLS10 = 0xfeff;

/** Handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2). */
export const HandshakeType = {
  /** hello_request. */
  hello_request: 0,
  /** client_hello. */
  client_hello: 1,
  /** server_hello. */
  server_hello: 2,
  /** hello_verify_request (RFC 6347 §4.2.1). */
  hello_verify_request: 3,
  /** new_session_ticket (RFC 5077). */
  new_session_ticket: 4,
  /** certificate. */
  certificate: 11,
  /** server_key_exchange. */
  server_key_exchange: 12,
  /** certificate_request. */
  certificate_request: 13,
  /** server_hello_done. */
  server_hello_done: 14,
  /** certificate_verify. */
  certificate_verify: 15,
  /** client_key_exchange. */
  client_key_exchange: 16,
  /** finished. */
  finished: 20,
} as const;

/** Alert levels (RFC 5246 §7.2). */
export const AlertLevel = {
  /** warning. */
  warning: 1,
  /** fatal. */
  fatal: 2,
} as const;

/** Alert descriptions used here (RFC 5246 §7.2, RFC 4279 §2). */
export const AlertDescription = {
  /** close_notify. */
  close_notify: 0,
  /** unexpected_message. */
  unexpected_message: 10,
  /** bad_record_mac. */
  bad_record_mac: 20,
  /** handshake_failure. */
  handshake_failure: 40,
  /** bad_certificate. */
  bad_certificate: 42,
  /** unsupported_certificate. */
  unsupported_certificate: 43,
  /** certificate_expired. */
  certificate_expired: 45,
  /** certificate_unknown. */
  certificate_unknown: 46,
  /** illegal_parameter. */
  illegal_parameter: 47,
  /** unknown_ca. */
  unknown_ca: 48,
  /** decode_error. */
  decode_error: 50,
  /** decrypt_error. */
  decrypt_error: 51,
  /** protocol_version. */
  protocol_version: 70,
  /** insufficient_security. */
  insufficient_security: 71,
  /** internal_error. */
  internal_error: 80,
  /** no_renegotiation. */
  no_renegotiation: 100,
  /** unsupported_extension. */
  unsupported_extension: 110,
  /** unknown_psk_identity (RFC 4279 §2). */
  unknown_psk_identity: 115,
} as const;

/** Alert names by code, for messages. */
export const ALERT_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(AlertDescription).map(([k, v]) => [v, k]),
);

/** TLS extension types used here (IANA). */
export const ExtensionType = {
  /** supported_groups (RFC 8422 §5.1.1). */
  supported_groups: 10,
  /** ec_point_formats (RFC 8422 §5.1.2). */
  ec_point_formats: 11,
  /** signature_algorithms (RFC 5246 §7.4.1.4.1). */
  signature_algorithms: 13,
  /** extended_master_secret (RFC 7627 §5.1). */
  extended_master_secret: 23,
  /** renegotiation_info (RFC 5746 §3.2). */
  renegotiation_info: 0xff01,
} as const;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3). */
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Named groups (RFC 8422 §5.1.1, RFC 7748). */
export const NamedGroup = {
  /** secp256r1 (P-256). */
  secp256r1: 23,
  /** x25519. */
  x25519: 29,
} as const;

/** ecdsa_secp256r1_sha256 SignatureScheme (RFC 8446 §4.2.3; RFC 5246 hash 4 / sig 3). */
export const ECDSA_SECP256R1_SHA256 = 0x0403;

/** ClientCertificateType ecdsa_sign (RFC 8422 §5.5). */
export const CERT_TYPE_ECDSA_SIGN = 64;
