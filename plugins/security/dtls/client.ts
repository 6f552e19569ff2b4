/**
 * The DTLS 1.2 client state machine (RFC 6347 §4.2, RFC 5246 §7.3):
 * ClientHello → [HelloVerifyRequest → ClientHello with cookie]… → server
 * flight → Certificate?, ClientKeyExchange, CertificateVerify?, CCS,
 * Finished → CCS, Finished. Until the ServerHello, every HelloVerifyRequest
 * that answers our latest ClientHello is answered with a new ClientHello
 * carrying its cookie (at most {@link MAX_HELLO_VERIFY_REQUESTS}).
 *
 * @module
 */
import type { SecurityContext } from '../../../core/contracts/security.js';
import { bytesEqual, concatBytes } from './bytes.js';
import {
  AlertDescription,
  ContentType,
  DTLS12,
  ECDSA_SECP256R1_SHA256,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  ExtensionType,
  HandshakeType,
  NamedGroup,
} from './constants.js';
import { DtlsDecodeError, DtlsHandshakeError } from './errors.js';
import { ccsEntry } from './handshake/flight.js';
import type { FlightEntry } from './handshake/flight.js';
import type { HandshakeFragment } from './handshake/header.js';
import { certificateRequestAccepts } from './handshake/client-certificate.js';
import { u16List } from './handshake/extensions.js';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyExchange,
  parseCertificate,
  parseCertificateRequest,
  parseHelloVerifyRequest,
  parseServerKeyExchange,
} from './handshake/messages.js';
import type { CertificateRequest, ClientHello, EcdheParams, HelloVerifyRequest } from './handshake/messages.js';
import { checkServerHelloExtensions, readServerHello } from './handshake/server-hello-extensions.js';
import type { HandshakeMessage } from './handshake/reassembly.js';
import { deriveProtections, ephemeralScalar, keylogLine, pskPremaster } from './keys.js';
import { extendedMasterSecret, masterSecret, verifyData } from './prf.js';
import { DtlsSession } from './session.js';
import type { SessionConfig } from './session.js';
import { suiteById } from './suites.js';
import type { CipherSuite } from './suites.js';
import { verifyPeerChain } from './x509/verify.js';

type ClientState = 'hello' | 'certificate' | 'key_exchange' | 'certificate_request' | 'hello_done' | 'ccs' | 'finished' | 'done';

const enc = new TextEncoder();

/**
 * HelloVerifyRequests a client answers in one handshake; later ones are
 * dropped and counted (`dtls_hello_verify_limit`).
 *
 * RFC 6347 §4.2.1 lets a server answer any ClientHello with a
 * HelloVerifyRequest (it speaks of "multiple HelloVerifyRequests"), and in
 * its state machine (§4.2.4, figure 1) each one is a flight received in
 * WAITING, answered by preparing and sending the next flight: a new
 * ClientHello with that cookie. OpenSSL's client does so for every one that
 * arrives before the ServerHello; the RFC sets no limit. A legitimate server sends
 * one, and another only when the ClientHello it answered carried a wrong
 * cookie: a damaged or spoofed HelloVerifyRequest costs one more, a
 * ClientHello damaged in the fields the cookie covers costs two (the server
 * computes the next cookie over the damaged copy), an expired cookie secret
 * one. With every datagram damaged at 10 %, a simple model of this puts
 * about 2 % of handshakes past four and 0.05 % past eight. The limit
 * bounds what a flood of spoofed HelloVerifyRequests can do: at most eight
 * extra ClientHellos to the server (message_seq ≤ 8) and eight restarts of
 * the retransmission timer, after which the handshake runs into its
 * deadline; each cookie (at most 255 bytes) replaces the previous one, so
 * memory does not grow.
 */
export const MAX_HELLO_VERIFY_REQUESTS = 8;

/** Signed parameters of an ECDHE ServerKeyExchange: client_random ‖ server_random ‖ params (RFC 8422 §5.4). */
function signedParams(cr: Uint8Array, sr: Uint8Array, params: EcdheParams): Uint8Array {
  return concatBytes(cr, sr, params.raw);
}

/** A DTLS client session. */
export class DtlsClient extends DtlsSession {
  private hs: ClientState = 'hello';
  private hello!: ClientHello;
  private readonly clientRandom = new Uint8Array(32);
  /** 32 random bytes drawn with client_random, used once as the ephemeral ECDH scalar. */
  private scalarSeed: Uint8Array | undefined;
  private serverRandom = new Uint8Array(32);
  private ems = false;
  private master: Uint8Array | undefined;
  private peerChain: Uint8Array[] = [];
  private peerKey: Uint8Array | undefined;
  private serverParams: EcdheParams | undefined;
  /** The server's CertificateRequest, if it sent one (RFC 5246 §7.4.4). */
  private certificateRequest: CertificateRequest | undefined;
  /** HelloVerifyRequests answered so far (at most {@link MAX_HELLO_VERIFY_REQUESTS}). */
  private helloVerifies = 0;
  /** message_seq of our latest ClientHello (0, then one more per HelloVerifyRequest answered). */
  private helloSeq = 0;
  private readonly offered: readonly CipherSuite[];

  /**
   * @param ctx - session context
   * @param config - shared configuration
   */
  constructor(ctx: SecurityContext, config: SessionConfig) {
    super(ctx, config);
    const creds = config.credentials;
    const clientPsk = creds.psk !== undefined && typeof creds.psk !== 'function';
    const canVerify = creds.ca.length > 0 || creds.fingerprint !== undefined;
    this.offered = config.suites.filter((s) => (s.kx === 'ecdhe_ecdsa' ? canVerify : clientPsk));
  }

  /** Suites this client offers (those it has credentials for). */
  get offeredSuites(): readonly CipherSuite[] {
    return this.offered;
  }

  /** {@inheritDoc SecuritySession.start} */
  start(): void {
    this.beginHandshake();
    if (this.offered.length === 0) {
      this.fail(new DtlsHandshakeError('ERR_DTLS_NO_CREDENTIALS', 'no cipher suite usable: configure psk, or ca/fingerprint', AlertDescription.internal_error), false);
      return;
    }
    // client_random and the ephemeral scalar from one call to the random source.
    const fresh = new Uint8Array(64);
    this.ctx.random.fill(fresh);
    this.clientRandom.set(fresh.subarray(0, 32));
    this.scalarSeed = fresh.subarray(32);
    const ecc = this.offered.some((s) => s.kx !== 'psk');
    const exts = new Map<number, Uint8Array>();
    exts.set(ExtensionType.extended_master_secret, new Uint8Array(0));
    exts.set(ExtensionType.renegotiation_info, Uint8Array.of(0));
    if (ecc) {
      exts.set(ExtensionType.supported_groups, u16List([NamedGroup.x25519, NamedGroup.secp256r1]));
      exts.set(ExtensionType.ec_point_formats, Uint8Array.of(1, 0));
      exts.set(ExtensionType.signature_algorithms, u16List([ECDSA_SECP256R1_SHA256]));
    }
    this.hello = {
      version: DTLS12,
      random: this.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: [...this.offered.map((s) => s.id), EMPTY_RENEGOTIATION_INFO_SCSV],
      compressionMethods: Uint8Array.of(0),
      extensions: exts,
    };
    this.sendHello();
  }

  /**
   * Send a ClientHello (a new message with the next message_seq, RFC 6347
   * §4.2.2) as a new flight. The transcript restarts with it: a ClientHello
   * answered by a HelloVerifyRequest, and that request, are not part of it
   * (§4.2.6), so the Finished hash starts with the ClientHello the server
   * answers with its ServerHello.
   */
  private sendHello(): void {
    this.transcript.reset();
    this.helloSeq = this.sendMessageSeq;
    const msg = this.handshakeMessage(HandshakeType.client_hello, encodeClientHello(this.hello));
    this.trace('ClientHello sent', { cookie: this.hello.cookie.length > 0, messageSeq: this.helloSeq });
    this.sendFlight([{ type: ContentType.handshake, epoch: 0, payload: msg, whole: true }], true);
  }

  /** The first flight uses record version 0xFEFF, like OpenSSL, until the ServerHello. */
  protected override useLegacyRecordVersion(): boolean {
    return this.hs === 'hello';
  }

  protected preFragment(f: HandshakeFragment, epoch: number): boolean {
    if (f.msgType === HandshakeType.hello_request) {
      if (epoch === 1 || this.state === 'established') this.refuseRenegotiation();
      return true;
    }
    if (f.msgType !== HandshakeType.hello_verify_request) return false;
    this.onHelloVerifyRequest(f);
    return true;
  }

  /**
   * A HelloVerifyRequest (RFC 6347 §4.2.1). While we wait for the ServerHello,
   * one that answers our latest ClientHello replaces the cookie and is
   * answered with a new ClientHello (same parameters, the new cookie, the
   * next message_seq), however many came before it, up to
   * {@link MAX_HELLO_VERIFY_REQUESTS}: a damaged or spoofed first one must
   * not block the server's valid one. Everything else is dropped and
   * counted, never fatal (the message is unauthenticated):
   * - after the ServerHello, or fragmented: `dtls_unexpected_hello_verify`;
   * - a message_seq other than our latest ClientHello's: `dtls_stale_hello_verify`.
   *   A server answers ClientHello n with HelloVerifyRequest n (its next
   *   message is n + 1, as OpenSSL's client expects too), so this is a
   *   duplicate or a late answer to an earlier ClientHello, or a damaged
   *   header; answering it would send a ClientHello the server may already
   *   have answered with a ServerHello;
   * - past the limit: `dtls_hello_verify_limit`;
   * - a body that does not parse: `dtls_bad_hello_verify`.
   */
  private onHelloVerifyRequest(f: HandshakeFragment): void {
    if (this.hs !== 'hello' || f.fragmentOffset !== 0 || f.body.length !== f.length) return this.drop('dtls_unexpected_hello_verify');
    if (f.messageSeq !== this.helloSeq) return this.drop('dtls_stale_hello_verify');
    if (this.helloVerifies >= MAX_HELLO_VERIFY_REQUESTS) return this.drop('dtls_hello_verify_limit');
    let hvr: HelloVerifyRequest;
    try {
      hvr = parseHelloVerifyRequest(f.body);
    } catch (err) {
      if (err instanceof DtlsDecodeError) return this.drop('dtls_bad_hello_verify');
      throw err;
    }
    this.helloVerifies++;
    this.trace('HelloVerifyRequest received', { cookieLength: hvr.cookie.length, count: this.helloVerifies });
    // The ServerHello answers the ClientHello we send now: message_seq f.messageSeq + 1 (§4.2.2).
    this.reassembler.reset(f.messageSeq + 1);
    this.lastPeerSeq = f.messageSeq;
    this.hello = { ...this.hello, cookie: hvr.cookie.slice() };
    this.sendHello();
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void {
    const t = msg.msgType;
    if (this.state === 'established') {
      if (t !== HandshakeType.finished) this.drop('dtls_unexpected_handshake');
      return;
    }
    if (t === HandshakeType.new_session_ticket && this.hs === 'ccs') {
      // Not requested (no session_ticket extension offered), but part of the transcript if a server sends it.
      this.addToTranscript(msg);
      return;
    }
    switch (this.hs) {
      case 'hello':
        if (t !== HandshakeType.server_hello) return this.unexpected(t);
        return this.onServerHello(msg);
      case 'certificate':
        if (t !== HandshakeType.certificate) return this.unexpected(t);
        return this.onCertificate(msg);
      case 'key_exchange':
        if (t === HandshakeType.server_key_exchange) return this.onServerKeyExchange(msg);
        if (t === HandshakeType.server_hello_done && this.suite!.kx === 'psk') return this.onServerHelloDone(msg);
        return this.unexpected(t);
      case 'certificate_request':
        if (t === HandshakeType.certificate_request && this.suite!.kx === 'ecdhe_ecdsa') return this.onCertificateRequest(msg);
        if (t === HandshakeType.server_hello_done) return this.onServerHelloDone(msg);
        return this.unexpected(t);
      case 'hello_done':
        if (t !== HandshakeType.server_hello_done) return this.unexpected(t);
        return this.onServerHelloDone(msg);
      case 'finished':
        if (t !== HandshakeType.finished) return this.unexpected(t);
        return this.onFinished(msg);
      default:
        return this.unexpected(t);
    }
  }

  private unexpected(t: number): void {
    throw new DtlsHandshakeError('ERR_DTLS_UNEXPECTED_MESSAGE', `unexpected handshake message ${t} in state ${this.hs}`, AlertDescription.unexpected_message);
  }

  private onServerHello(msg: HandshakeMessage): void {
    const sh = readServerHello(msg.body);
    if (sh.version !== DTLS12) throw new DtlsHandshakeError('ERR_DTLS_VERSION', `server chose version 0x${sh.version.toString(16)}`, AlertDescription.protocol_version);
    const suite = suiteById(sh.cipherSuite);
    if (suite === undefined || !this.offered.includes(suite)) {
      throw new DtlsHandshakeError('ERR_DTLS_BAD_SERVER_HELLO', 'server chose a suite that was not offered', AlertDescription.illegal_parameter);
    }
    if (sh.compressionMethod !== 0) throw new DtlsHandshakeError('ERR_DTLS_BAD_SERVER_HELLO', 'server chose compression', AlertDescription.illegal_parameter);
    this.ems = checkServerHelloExtensions(this.hello.extensions, sh.extensions).extendedMasterSecret;
    this.suite = suite;
    this.serverRandom = sh.random.slice();
    this.addToTranscript(msg);
    this.flightAnswered();
    this.hs = suite.kx === 'ecdhe_ecdsa' ? 'certificate' : 'key_exchange';
    this.trace('ServerHello received', { cipherSuite: suite.name, extendedMasterSecret: this.ems });
  }

  private onCertificate(msg: HandshakeMessage): void {
    this.peerChain = parseCertificate(msg.body).map((c) => c.slice());
    const creds = this.config.credentials;
    const leaf = verifyPeerChain(this.crypto, this.peerChain, {
      ca: creds.ca,
      fingerprint: creds.fingerprint,
      serverName: this.config.options.serverName,
      purpose: 'server',
      cache: this.config.peerCertificates,
    });
    this.peerKey = leaf.publicKey;
    this.addToTranscript(msg);
    this.hs = 'key_exchange';
    this.trace('Certificate verified');
  }

  private onServerKeyExchange(msg: HandshakeMessage): void {
    const kx = this.suite!.kx;
    const ske = parseServerKeyExchange(msg.body, kx);
    if (ske.params !== undefined) {
      if (ske.params.group !== NamedGroup.x25519 && ske.params.group !== NamedGroup.secp256r1) {
        throw new DtlsHandshakeError('ERR_DTLS_BAD_KEY_EXCHANGE', `server chose group ${ske.params.group}`, AlertDescription.illegal_parameter);
      }
      this.serverParams = { group: ske.params.group, publicKey: ske.params.publicKey.slice(), raw: ske.params.raw.slice() };
    }
    if (kx === 'ecdhe_ecdsa') {
      if (ske.signatureScheme !== ECDSA_SECP256R1_SHA256) {
        throw new DtlsHandshakeError('ERR_DTLS_BAD_KEY_EXCHANGE', 'unsupported signature scheme', AlertDescription.illegal_parameter);
      }
      if (!this.crypto.ecdsaVerify(this.peerKey!, signedParams(this.clientRandom, this.serverRandom, this.serverParams!), ske.signature!)) {
        throw new DtlsHandshakeError('ERR_DTLS_BAD_SIGNATURE', 'ServerKeyExchange signature does not verify', AlertDescription.decrypt_error);
      }
    }
    this.addToTranscript(msg);
    this.hs = kx === 'ecdhe_ecdsa' ? 'certificate_request' : 'hello_done';
  }

  private onCertificateRequest(msg: HandshakeMessage): void {
    this.certificateRequest = parseCertificateRequest(msg.body);
    this.addToTranscript(msg);
    this.hs = 'hello_done';
  }

  private onServerHelloDone(msg: HandshakeMessage): void {
    if (msg.body.length !== 0) throw new DtlsHandshakeError('ERR_DTLS_DECODE', 'ServerHelloDone is not empty', AlertDescription.decode_error);
    this.addToTranscript(msg);
    const suite = this.suite!;
    const creds = this.config.credentials;
    const entries: FlightEntry[] = [];
    let sendCertVerify = false;
    const request = this.certificateRequest;
    if (request !== undefined) {
      // Our certificate only if the request accepts it, else an empty Certificate (RFC 5246 §7.4.6).
      sendCertVerify = creds.privateKey !== undefined && creds.chain.length > 0 && certificateRequestAccepts(request);
      const body = sendCertVerify ? (this.config.certificateBody ?? encodeCertificate(creds.chain)) : encodeCertificate([]);
      entries.push({ type: ContentType.handshake, epoch: 0, payload: this.handshakeMessage(HandshakeType.certificate, body) });
    }
    let z: Uint8Array | undefined;
    let publicKey: Uint8Array | undefined;
    if (suite.kx !== 'psk') {
      const params = this.serverParams;
      if (params === undefined) throw new DtlsHandshakeError('ERR_DTLS_UNEXPECTED_MESSAGE', 'missing ServerKeyExchange', AlertDescription.unexpected_message);
      const group = params.group === NamedGroup.x25519 ? 'x25519' : 'secp256r1';
      const seed = this.scalarSeed;
      this.scalarSeed = undefined;
      const pair = this.crypto.ecdh(group, ephemeralScalar((b) => this.ctx.random.fill(b), group, seed));
      try {
        z = pair.computeSecret(params.publicKey);
      } catch {
        throw new DtlsHandshakeError('ERR_DTLS_BAD_KEY_EXCHANGE', 'invalid server ECDH public key', AlertDescription.illegal_parameter);
      }
      publicKey = pair.publicKey;
    }
    const psk = suite.kx === 'ecdhe_ecdsa' ? undefined : (creds.psk as { identity: string; key: Uint8Array });
    const pms = psk === undefined ? z! : pskPremaster(psk.key, z);
    const cke = encodeClientKeyExchange({ pskIdentity: psk ? enc.encode(psk.identity) : undefined, publicKey });
    entries.push({ type: ContentType.handshake, epoch: 0, payload: this.handshakeMessage(HandshakeType.client_key_exchange, cke) });
    this.master = this.ems
      ? extendedMasterSecret(this.crypto, pms, this.transcriptHash())
      : masterSecret(this.crypto, pms, this.clientRandom, this.serverRandom);
    this.ctx.emitEvent('keylog', keylogLine(this.clientRandom, this.master));
    if (sendCertVerify) {
      const signature = this.sign(this.transcript.bytes());
      const cv = encodeCertificateVerify({ scheme: ECDSA_SECP256R1_SHA256, signature });
      entries.push({ type: ContentType.handshake, epoch: 0, payload: this.handshakeMessage(HandshakeType.certificate_verify, cv) });
    }
    const keys = deriveProtections(this.crypto, suite, this.master, this.clientRandom, this.serverRandom, 'client');
    this.setWriteKeys(keys.write);
    entries.push(ccsEntry(0));
    const finished = verifyData(this.crypto, this.master, 'client', this.transcriptHash());
    entries.push({ type: ContentType.handshake, epoch: 1, payload: this.handshakeMessage(HandshakeType.finished, finished) });
    this.writeEpoch = 1;
    this.hs = 'ccs';
    this.trace('client flight sent', { certificateRequested: request !== undefined, certificate: sendCertVerify });
    this.sendFlight(entries, true);
    this.setReadKeys(keys.read);
  }

  protected onPeerCcs(): void {
    if (this.hs === 'ccs') this.hs = 'finished';
  }

  private onFinished(msg: HandshakeMessage): void {
    const expected = verifyData(this.crypto, this.master!, 'server', this.transcriptHash());
    if (!bytesEqual(expected, msg.body)) {
      throw new DtlsHandshakeError('ERR_DTLS_BAD_FINISHED', 'server Finished does not verify', AlertDescription.decrypt_error);
    }
    this.addToTranscript(msg);
    this.hs = 'done';
    this.forgetFlight();
    const psk = this.config.credentials.psk;
    this.completeHandshake({
      protocol: 'DTLSv1.2',
      cipherSuite: this.suite!.name,
      ...(this.peerChain.length > 0 ? { peerCertificates: this.peerChain } : {}),
      ...(this.suite!.kx !== 'ecdhe_ecdsa' && psk !== undefined && typeof psk !== 'function' ? { pskIdentity: psk.identity } : {}),
    });
  }
}
