/**
 * Whether the client's certificate answers a CertificateRequest. The client
 * holds an ECDSA P-256 key and signs CertificateVerify with
 * ecdsa_secp256r1_sha256 only, so its certificate fits a request whose
 * certificate_types include ecdsa_sign (RFC 8422 §5.5) and whose
 * supported_signature_algorithms include ecdsa_secp256r1_sha256 (RFC 5246
 * §7.4.8: "The hash and signature algorithms used in the signature MUST be
 * one of those present in the supported_signature_algorithms field of the
 * CertificateRequest message"). Otherwise it has no suitable certificate and
 * MUST send a Certificate message with no certificates (RFC 5246 §7.4.6),
 * and no CertificateVerify (§7.4.8: only after a certificate with signing
 * capability); the server then decides whether to go on without one.
 *
 * @module
 */
import { CERT_TYPE_ECDSA_SIGN, ECDSA_SECP256R1_SHA256 } from '../constants.js';
import type { CertificateRequest } from './messages.js';

/** Whether `request` accepts an ECDSA P-256 certificate with an ecdsa_secp256r1_sha256 CertificateVerify. */
export function certificateRequestAccepts(request: CertificateRequest): boolean {
  return request.certificateTypes.includes(CERT_TYPE_ECDSA_SIGN) && request.signatureSchemes.includes(ECDSA_SECP256R1_SHA256);
}
