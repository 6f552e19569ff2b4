/**
 * The DTLS 1.2 client state machine (RFC 6347 §4.2, RFC 5246 §7.3):
 * ClientHello → [HelloVerifyRequest → ClientHello with cookie] → server
 * flight → Certificate?, ClientKeyExchange, CertificateVerify?, CCS,
 * Finished → CCS, Finished.
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
import { DtlsHandshakeError } from './errors.js';
import { ccsEntry } from './handshake/flight.js';
import type { FlightEntry } from './handshake/flight.js';
import type { HandshakeFragment } from './handshake/header.js';
import { u16List } from './handshake/extensions.js';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyExchange,
  parseCertificate,
  parseCertificateRequest,
  parseHelloVerifyRequest,
  parseServerHello,
  parseServerKeyExchange,
} from './handshake/messages.js';
import type { ClientHello, EcdheParams } from './handshake/messages.js';
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
  private certificateRequested = false;
  private sawHelloVerify = false;
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

  private sendHello(): void {
    this.transcript.reset();
    const msg = this.handshakeMessage(HandshakeType.client_hello, encodeClientHello(this.hello));
    this.trace('ClientHello sent', { cookie: this.hello.cookie.length > 0 });
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
    if (this.hs !== 'hello' || this.sawHelloVerify || f.fragmentOffset !== 0 || f.body.length !== f.length) {
      this.drop('dtls_unexpected_hello_verify');
      return true;
    }
    const hvr = parseHelloVerifyRequest(f.body);
    this.sawHelloVerify = true;
    this.trace('HelloVerifyRequest received', { cookieLength: hvr.cookie.length });
    this.reassembler.reset(f.messageSeq + 1);
    this.resetEpoch0Replay();
    this.lastPeerSeq = f.messageSeq;
    this.hello = { ...this.hello, cookie: hvr.cookie.slice() };
    this.sendHello();
    return true;
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
    const sh = parseServerHello(msg.body);
    if (sh.version !== DTLS12) throw new DtlsHandshakeError('ERR_DTLS_VERSION', `server chose version 0x${sh.version.toString(16)}`, AlertDescription.protocol_version);
    const suite = suiteById(sh.cipherSuite);
    if (suite === undefined || !this.offered.includes(suite)) {
      throw new DtlsHandshakeError('ERR_DTLS_BAD_SERVER_HELLO', 'server chose a suite that was not offered', AlertDescription.illegal_parameter);
    }
    if (sh.compressionMethod !== 0) throw new DtlsHandshakeError('ERR_DTLS_BAD_SERVER_HELLO', 'server chose compression', AlertDescription.illegal_parameter);
    const ri = sh.extensions.get(ExtensionType.renegotiation_info);
    if (ri !== undefined && (ri.length !== 1 || ri[0] !== 0)) {
      throw new DtlsHandshakeError('ERR_DTLS_RENEGOTIATION', 'non-empty renegotiation_info on the initial handshake', AlertDescription.handshake_failure);
    }
    this.ems = sh.extensions.has(ExtensionType.extended_master_secret);
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
    parseCertificateRequest(msg.body);
    this.certificateRequested = true;
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
    if (this.certificateRequested) {
      const chain = creds.privateKey !== undefined ? creds.chain : [];
      sendCertVerify = chain.length > 0;
      const body = sendCertVerify ? (this.config.certificateBody ?? encodeCertificate(chain)) : encodeCertificate(chain);
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
      const signature = this.config.signer!.sign(this.transcript.bytes());
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
    this.trace('client flight sent', { certificate: this.certificateRequested });
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
