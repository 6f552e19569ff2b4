/**
 * Codecs of the handshake message bodies (RFC 5246 §7.4, RFC 6347 §4.2.1,
 * RFC 4279 §2-3, RFC 5489 §2, RFC 8422 §5.4-5.7). Decoders throw
 * DtlsDecodeError on malformed input.
 *
 * @module
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { decodeError } from '../errors.js';
import { parseExtensions, writeExtensions } from './extensions.js';
import type { Extensions } from './extensions.js';

/** ClientHello (RFC 6347 §4.2.1: with a cookie after session_id). */
export interface ClientHello {
  /** client_version. */
  readonly version: number;
  /** 32-byte client random. */
  readonly random: Uint8Array;
  /** session_id (0-32 bytes). */
  readonly sessionId: Uint8Array;
  /** cookie (0-255 bytes). */
  readonly cookie: Uint8Array;
  /** Offered cipher suite code points. */
  readonly cipherSuites: readonly number[];
  /** Compression methods (must include 0). */
  readonly compressionMethods: Uint8Array;
  /** Extensions. */
  readonly extensions: Extensions;
}

/** Decode a ClientHello body. */
export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw decodeError('dtls_bad_client_hello', 'session_id longer than 32 bytes');
  const cookie = r.vec8();
  const suites = r.vec16();
  if (suites.length < 2 || suites.length % 2 !== 0) throw decodeError('dtls_bad_client_hello', 'bad cipher_suites length');
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i] << 8) | suites[i + 1]);
  const compressionMethods = r.vec8();
  if (compressionMethods.length < 1) throw decodeError('dtls_bad_client_hello', 'no compression methods');
  const extensions = parseExtensions(r);
  r.done('ClientHello');
  return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

/** Encode a ClientHello body. */
export function encodeClientHello(h: ClientHello): Uint8Array {
  const w = new ByteWriter(256).u16(h.version).bytes(h.random).vec8(h.sessionId).vec8(h.cookie);
  w.u16(h.cipherSuites.length * 2);
  for (const s of h.cipherSuites) w.u16(s);
  w.vec8(h.compressionMethods);
  writeExtensions(w, [...h.extensions]);
  return w.finish();
}

/** HelloVerifyRequest (RFC 6347 §4.2.1). */
export interface HelloVerifyRequest {
  /** server_version (0xFEFF recommended whatever is negotiated). */
  readonly version: number;
  /** The cookie (0-255 bytes). */
  readonly cookie: Uint8Array;
}

/** Decode a HelloVerifyRequest body. */
export function parseHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body);
  const version = r.u16();
  const cookie = r.vec8();
  r.done('HelloVerifyRequest');
  return { version, cookie };
}

/** Encode a HelloVerifyRequest body. */
export function encodeHelloVerifyRequest(h: HelloVerifyRequest): Uint8Array {
  return new ByteWriter().u16(h.version).vec8(h.cookie).finish();
}

/** ServerHello (RFC 5246 §7.4.1.3). */
export interface ServerHello {
  /** server_version. */
  readonly version: number;
  /** 32-byte server random. */
  readonly random: Uint8Array;
  /** session_id. */
  readonly sessionId: Uint8Array;
  /** Chosen cipher suite. */
  readonly cipherSuite: number;
  /** Chosen compression method. */
  readonly compressionMethod: number;
  /** Extensions. */
  readonly extensions: Extensions;
}

/** Decode a ServerHello body. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw decodeError('dtls_bad_server_hello', 'session_id longer than 32 bytes');
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = parseExtensions(r);
  r.done('ServerHello');
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}

/** Encode a ServerHello body. */
export function encodeServerHello(h: ServerHello): Uint8Array {
  const w = new ByteWriter().u16(h.version).bytes(h.random).vec8(h.sessionId).u16(h.cipherSuite).u8(h.compressionMethod);
  writeExtensions(w, [...h.extensions]);
  return w.finish();
}

/** Decode a Certificate body into DER certificates (RFC 5246 §7.4.2). */
export function parseCertificate(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body);
  const list = new ByteReader(body, 3, 3 + r.u24());
  if (list.end !== body.length) throw decodeError('dtls_bad_certificate_message', 'certificate_list length mismatch');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    const cert = list.vec24();
    if (cert.length === 0) throw decodeError('dtls_bad_certificate_message', 'empty certificate');
    out.push(cert);
  }
  return out;
}

/** Encode a Certificate body. */
export function encodeCertificate(chain: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chain) size += 3 + c.length;
  const w = new ByteWriter(3 + size).u24(size);
  for (const c of chain) w.vec24(c);
  return w.finish();
}

/** ServerECDHParams: curve_type named_curve(3) ‖ group ‖ point<1..255> (RFC 8422 §5.4). */
export interface EcdheParams {
  /** Named group. */
  readonly group: number;
  /** Public point. */
  readonly publicKey: Uint8Array;
  /** The encoded params (signed over in ECDHE_ECDSA). */
  readonly raw: Uint8Array;
}

function parseEcdheParams(r: ByteReader): EcdheParams {
  const start = r.pos;
  if (r.u8() !== 3) throw decodeError('dtls_bad_key_exchange', 'only named_curve ECParameters are supported');
  const group = r.u16();
  const publicKey = r.vec8();
  if (publicKey.length === 0) throw decodeError('dtls_bad_key_exchange', 'empty ECDH public key');
  return { group, publicKey, raw: r.buf.subarray(start, r.pos) };
}

/** Encode ServerECDHParams. */
export function encodeEcdheParams(group: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().u8(3).u16(group).vec8(publicKey).finish();
}

/** ServerKeyExchange contents for the supported key exchanges. */
export interface ServerKeyExchange {
  /** psk_identity_hint (PSK and ECDHE_PSK). */
  readonly pskIdentityHint?: Uint8Array;
  /** ECDHE parameters (ECDHE_ECDSA and ECDHE_PSK). */
  readonly params?: EcdheParams;
  /** SignatureAndHashAlgorithm (ECDHE_ECDSA). */
  readonly signatureScheme?: number;
  /** DER signature (ECDHE_ECDSA). */
  readonly signature?: Uint8Array;
}

/** Decode a ServerKeyExchange for key exchange `kx`. */
export function parseServerKeyExchange(body: Uint8Array, kx: 'ecdhe_ecdsa' | 'ecdhe_psk' | 'psk'): ServerKeyExchange {
  const r = new ByteReader(body);
  let out: ServerKeyExchange;
  if (kx === 'psk') out = { pskIdentityHint: r.vec16() };
  else if (kx === 'ecdhe_psk') {
    const pskIdentityHint = r.vec16();
    out = { pskIdentityHint, params: parseEcdheParams(r) };
  } else {
    const params = parseEcdheParams(r);
    const signatureScheme = r.u16();
    out = { params, signatureScheme, signature: r.vec16() };
  }
  r.done('ServerKeyExchange');
  return out;
}

/** Encode a ServerKeyExchange from its parts (already encoded params). */
export function encodeServerKeyExchange(parts: {
  pskIdentityHint?: Uint8Array;
  params?: Uint8Array;
  signatureScheme?: number;
  signature?: Uint8Array;
}): Uint8Array {
  const w = new ByteWriter(
    (parts.pskIdentityHint !== undefined ? 2 + parts.pskIdentityHint.length : 0) +
      (parts.params?.length ?? 0) +
      (parts.signature !== undefined ? 4 + parts.signature.length : 0),
  );
  if (parts.pskIdentityHint !== undefined) w.vec16(parts.pskIdentityHint);
  if (parts.params !== undefined) w.bytes(parts.params);
  if (parts.signature !== undefined) w.u16(parts.signatureScheme ?? 0).vec16(parts.signature);
  return w.finish();
}

/** ClientKeyExchange contents (RFC 4279 §2, RFC 5489 §2, RFC 8422 §5.7). */
export interface ClientKeyExchange {
  /** psk_identity (PSK suites). */
  readonly pskIdentity?: Uint8Array;
  /** ECDH public point (ECDHE suites). */
  readonly publicKey?: Uint8Array;
}

/** Decode a ClientKeyExchange for key exchange `kx`. */
export function parseClientKeyExchange(body: Uint8Array, kx: 'ecdhe_ecdsa' | 'ecdhe_psk' | 'psk'): ClientKeyExchange {
  const r = new ByteReader(body);
  const pskIdentity = kx === 'ecdhe_ecdsa' ? undefined : r.vec16();
  const publicKey = kx === 'psk' ? undefined : r.vec8();
  if (publicKey !== undefined && publicKey.length === 0) throw decodeError('dtls_bad_key_exchange', 'empty ECDH public key');
  r.done('ClientKeyExchange');
  return { pskIdentity, publicKey };
}

/** Encode a ClientKeyExchange. */
export function encodeClientKeyExchange(c: ClientKeyExchange): Uint8Array {
  const w = new ByteWriter();
  if (c.pskIdentity !== undefined) w.vec16(c.pskIdentity);
  if (c.publicKey !== undefined) w.vec8(c.publicKey);
  return w.finish();
}

/** CertificateRequest (RFC 5246 §7.4.4). */
export interface CertificateRequest {
  /** certificate_types. */
  readonly certificateTypes: Uint8Array;
  /** supported_signature_algorithms. */
  readonly signatureSchemes: readonly number[];
}

/**
 * Decode a CertificateRequest (the certificate_authorities list is ignored);
 * certificate_types<1..2^8-1> and supported_signature_algorithms<2..2^16-2>
 * must not be empty (RFC 5246 §7.4.4).
 */
export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body);
  const certificateTypes = r.vec8();
  if (certificateTypes.length === 0) throw decodeError('dtls_bad_certificate_request', 'empty certificate_types');
  const algs = r.vec16();
  if (algs.length === 0 || algs.length % 2 !== 0) throw decodeError('dtls_bad_certificate_request', 'empty or odd supported_signature_algorithms');
  const signatureSchemes: number[] = [];
  for (let i = 0; i < algs.length; i += 2) signatureSchemes.push((algs[i] << 8) | algs[i + 1]);
  r.vec16();
  r.done('CertificateRequest');
  return { certificateTypes, signatureSchemes };
}

/** Encode a CertificateRequest with no certificate_authorities. */
export function encodeCertificateRequest(c: CertificateRequest): Uint8Array {
  const w = new ByteWriter().vec8(c.certificateTypes).u16(c.signatureSchemes.length * 2);
  for (const s of c.signatureSchemes) w.u16(s);
  return w.u16(0).finish();
}

/** DigitallySigned (RFC 5246 §4.7): scheme(2) ‖ signature<0..2^16-1>. */
export interface DigitallySigned {
  /** SignatureAndHashAlgorithm. */
  readonly scheme: number;
  /** DER signature. */
  readonly signature: Uint8Array;
}

/** Decode a CertificateVerify body. */
export function parseCertificateVerify(body: Uint8Array): DigitallySigned {
  const r = new ByteReader(body);
  const scheme = r.u16();
  const signature = r.vec16();
  r.done('CertificateVerify');
  return { scheme, signature };
}

/** Encode a CertificateVerify body. */
export function encodeCertificateVerify(d: DigitallySigned): Uint8Array {
  return new ByteWriter().u16(d.scheme).vec16(d.signature).finish();
}
