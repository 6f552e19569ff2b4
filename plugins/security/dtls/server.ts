/**
 * The DTLS 1.2 server state machine (RFC 6347 §4.2, RFC 5246 §7.3). The
 * session is created only after {@link DtlsProtocol.accept} saw a valid
 * cookie; it answers the cookie-bearing ClientHello with ServerHello,
 * Certificate?, ServerKeyExchange?, CertificateRequest?, ServerHelloDone,
 * then verifies the client flight and sends CCS, Finished.
 *
 * @module
 */
import type { SecurityContext } from '../../../core/contracts/security.js';
import { bytesEqual, concatBytes } from './bytes.js';
import {
  AlertDescription,
  CERT_TYPE_ECDSA_SIGN,
  ContentType,
  DTLS10,
  DTLS12,
  ECDSA_SECP256R1_SHA256,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  ExtensionType,
  HandshakeType,
  NamedGroup,
} from './constants.js';
import { DtlsCertificateError, DtlsHandshakeError } from './errors.js';
import { parseU16List } from './handshake/extensions.js';
import { ccsEntry } from './handshake/flight.js';
import type { FlightEntry } from './handshake/flight.js';
import type { HandshakeFragment } from './handshake/header.js';
import { encodeHandshake } from './handshake/header.js';
import { plaintextRecord } from './record/codec.js';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeHelloVerifyRequest,
  encodeEcdheParams,
  encodeServerHello,
  encodeServerKeyExchange,
  parseCertificate,
  parseCertificateVerify,
  parseClientHello,
  parseClientKeyExchange,
} from './handshake/messages.js';
import type { ClientHello } from './handshake/messages.js';
import type { HandshakeMessage } from './handshake/reassembly.js';
import type { EcdhKeyPair } from './crypto/provider.js';
import { deriveProtections, ephemeralScalar, keylogLine, pskPremaster } from './keys.js';
import { pskKeyBytes } from './options.js';
import type { PskKey } from './options.js';
import { extendedMasterSecret, masterSecret, verifyData } from './prf.js';
import { DtlsSession } from './session.js';
import type { SessionConfig } from './session.js';
import type { CipherSuite } from './suites.js';
import { verifyPeerChain } from './x509/verify.js';

type ServerState = 'client_hello' | 'client_certificate' | 'key_exchange' | 'certificate_verify' | 'ccs' | 'finished' | 'done';

const dec = new TextDecoder();

/** Cookie operations for one peer (see {@link CookieJar}). */
export interface PeerCookies {
  /** Whether the hello carries a valid cookie for this peer. */
  verify(hello: ClientHello): boolean;
  /** The cookie this peer must echo. */
  make(hello: ClientHello): Uint8Array;
  /**
   * The hello the protocol parsed and whose cookie it verified when it
   * accepted this peer, if `body` is byte for byte that hello; answers once.
   */
  accepted?(body: Uint8Array): ClientHello | undefined;
}

/** A DTLS server session. */
export class DtlsServer extends DtlsSession {
  private hs: ServerState = 'client_hello';
  private clientRandom = new Uint8Array(32);
  private readonly serverRandom = new Uint8Array(32);
  private ems = false;
  private group: 'x25519' | 'secp256r1' = 'x25519';
  private ecdhe: EcdhKeyPair | undefined;
  private master: Uint8Array | undefined;
  private clientKey: Uint8Array | undefined;
  private clientChain: Uint8Array[] = [];
  private pskIdentity: string | undefined;
  private certificateRequested = false;

  /**
   * @param ctx - session context
   * @param config - shared configuration
   * @param cookies - the protocol's stateless cookie jar, bound to this peer
   */
  constructor(
    ctx: SecurityContext,
    config: SessionConfig,
    private readonly cookies: PeerCookies,
  ) {
    super(ctx, config);
  }

  /** {@inheritDoc SecuritySession.start} */
  start(): void {
    this.beginHandshake();
  }

  protected preFragment(f: HandshakeFragment, epoch: number): boolean {
    if (f.msgType !== HandshakeType.client_hello) return false;
    if (epoch === 1) {
      this.refuseRenegotiation();
      return true;
    }
    if (this.state === 'established' || this.lastPeerSeq >= 0) return this.onNewClientHello(f);
    if (this.hs === 'client_hello' && this.lastPeerSeq < 0) {
      if (f.fragmentOffset !== 0 || f.body.length !== f.length) {
        this.drop('dtls_fragmented_client_hello');
        return true;
      }
      this.reassembler.reset(f.messageSeq);
      this.sendMessageSeq = f.messageSeq;
      // Like OpenSSL, number our records after the client's: the stateless HelloVerifyRequest echoed
      // an earlier one, so a client that kept its replay window still accepts our ServerHello.
      this.records.skipWriteSeq(0, this.currentRecordSeq);
    }
    return false;
  }

  /**
   * An epoch-0 ClientHello after the first one: a retransmission (same random:
   * handled as an old message), or a client that lost its state and starts
   * again from the same address (RFC 6347 §4.2.8): answered statelessly with
   * a HelloVerifyRequest; once it returns with a valid cookie, this session
   * ends so that the stack accepts a new one.
   */
  private onNewClientHello(f: HandshakeFragment): boolean {
    if (f.fragmentOffset !== 0 || f.body.length !== f.length) {
      this.drop('dtls_fragmented_client_hello');
      return true;
    }
    let hello: ClientHello;
    try {
      hello = parseClientHello(f.body);
    } catch {
      this.drop('dtls_bad_client_hello');
      return true;
    }
    if (bytesEqual(hello.random, this.clientRandom)) return false;
    if (this.cookies.verify(hello)) {
      this.trace('client restarted');
      this.endClosed();
      return true;
    }
    const hvr = encodeHandshake(
      HandshakeType.hello_verify_request,
      f.messageSeq,
      encodeHelloVerifyRequest({ version: DTLS10, cookie: this.cookies.make(hello) }),
    );
    this.sendRaw([plaintextRecord(ContentType.handshake, DTLS10, 0, this.currentRecordSeq, hvr)]);
    return true;
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void {
    const t = msg.msgType;
    if (this.state === 'established') return this.drop('dtls_unexpected_handshake');
    switch (this.hs) {
      case 'client_hello':
        if (t !== HandshakeType.client_hello) return this.unexpected(t);
        return this.onClientHello(msg);
      case 'client_certificate':
        if (t !== HandshakeType.certificate) return this.unexpected(t);
        return this.onClientCertificate(msg);
      case 'key_exchange':
        if (t !== HandshakeType.client_key_exchange) return this.unexpected(t);
        return this.onClientKeyExchange(msg);
      case 'certificate_verify':
        if (t !== HandshakeType.certificate_verify) return this.unexpected(t);
        return this.onCertificateVerify(msg);
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

  private chooseSuite(hello: ClientHello, groups: readonly number[], sigAlgs: readonly number[]): CipherSuite {
    const creds = this.config.credentials;
    const hasCert = creds.chain.length > 0 && creds.privateKey !== undefined;
    const hasGroup = groups.includes(NamedGroup.x25519) || groups.includes(NamedGroup.secp256r1);
    // A stack configured only to verify servers (ca / fingerprint) has nothing to serve with:
    // say so, rather than "no cipher suite in common".
    if (!hasCert && creds.psk === undefined) {
      throw new DtlsHandshakeError('ERR_DTLS_NO_CREDENTIALS', 'this server has no credentials: configure psk, or certificate and privateKey', AlertDescription.handshake_failure);
    }
    for (const id of hello.cipherSuites) {
      const s = this.config.suites.find((x) => x.id === id);
      if (s === undefined) continue;
      if (s.kx === 'ecdhe_ecdsa' && (!hasCert || !hasGroup || !sigAlgs.includes(ECDSA_SECP256R1_SHA256))) continue;
      if (s.kx === 'ecdhe_psk' && !hasGroup) continue;
      if (s.kx !== 'ecdhe_ecdsa' && creds.psk === undefined) continue;
      return s;
    }
    throw new DtlsHandshakeError('ERR_DTLS_NO_SHARED_CIPHER', 'no cipher suite in common', AlertDescription.handshake_failure);
  }

  private onClientHello(msg: HandshakeMessage): void {
    // The hello that created this session was parsed and its cookie verified by DtlsProtocol.accept just before.
    const verified = this.cookies.accepted?.(msg.body);
    const hello = verified ?? parseClientHello(msg.body);
    if (verified === undefined && !this.cookies.verify(hello)) {
      this.drop('dtls_bad_cookie');
      this.reassembler.reset(msg.messageSeq);
      this.lastPeerSeq = -1;
      return;
    }
    if (hello.version > DTLS12) throw new DtlsHandshakeError('ERR_DTLS_VERSION', 'client does not support DTLS 1.2', AlertDescription.protocol_version);
    if (!hello.compressionMethods.includes(0)) throw new DtlsHandshakeError('ERR_DTLS_BAD_CLIENT_HELLO', 'null compression not offered', AlertDescription.illegal_parameter);
    const ri = hello.extensions.get(ExtensionType.renegotiation_info);
    if (ri !== undefined && (ri.length !== 1 || ri[0] !== 0)) {
      throw new DtlsHandshakeError('ERR_DTLS_RENEGOTIATION', 'non-empty renegotiation_info on the initial handshake', AlertDescription.handshake_failure);
    }
    const secureRenegotiation = ri !== undefined || hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV);
    const groupsExt = hello.extensions.get(ExtensionType.supported_groups);
    const groups = groupsExt !== undefined ? parseU16List(groupsExt) : [NamedGroup.secp256r1];
    const sigExt = hello.extensions.get(ExtensionType.signature_algorithms);
    const sigAlgs = sigExt !== undefined ? parseU16List(sigExt) : [];
    const suite = this.chooseSuite(hello, groups, sigAlgs);
    this.suite = suite;
    this.group = groups.includes(NamedGroup.x25519) ? 'x25519' : 'secp256r1';
    this.ems = hello.extensions.has(ExtensionType.extended_master_secret);
    this.clientRandom = hello.random.slice();
    // server_random and the ephemeral scalar from one call to the random source.
    const fresh = new Uint8Array(64);
    this.ctx.random.fill(fresh);
    this.serverRandom.set(fresh.subarray(0, 32));
    this.addToTranscript(msg);
    this.trace('ClientHello received', { cipherSuite: suite.name, extendedMasterSecret: this.ems });

    const exts = new Map<number, Uint8Array>();
    if (secureRenegotiation) exts.set(ExtensionType.renegotiation_info, Uint8Array.of(0));
    if (this.ems) exts.set(ExtensionType.extended_master_secret, new Uint8Array(0));
    if (suite.kx !== 'psk' && hello.extensions.has(ExtensionType.ec_point_formats)) exts.set(ExtensionType.ec_point_formats, Uint8Array.of(1, 0));
    const sh = encodeServerHello({
      version: DTLS12,
      random: this.serverRandom,
      sessionId: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      extensions: exts,
    });
    const entries: FlightEntry[] = [];
    const push = (type: number, body: Uint8Array): void => {
      entries.push({ type: ContentType.handshake, epoch: 0, payload: this.handshakeMessage(type, body) });
    };
    push(HandshakeType.server_hello, sh);
    const creds = this.config.credentials;
    if (suite.kx === 'ecdhe_ecdsa') push(HandshakeType.certificate, this.config.certificateBody ?? encodeCertificate(creds.chain));
    if (suite.kx !== 'psk') {
      this.ecdhe = this.crypto.ecdh(this.group, ephemeralScalar((b) => this.ctx.random.fill(b), this.group, fresh.subarray(32)));
      const params = encodeEcdheParams(this.group === 'x25519' ? NamedGroup.x25519 : NamedGroup.secp256r1, this.ecdhe.publicKey);
      if (suite.kx === 'ecdhe_psk') {
        push(HandshakeType.server_key_exchange, encodeServerKeyExchange({ pskIdentityHint: new Uint8Array(0), params }));
      } else {
        const signature = this.sign(concatBytes(this.clientRandom, this.serverRandom, params));
        push(HandshakeType.server_key_exchange, encodeServerKeyExchange({ params, signatureScheme: ECDSA_SECP256R1_SHA256, signature }));
      }
    }
    const request = this.config.options.requestClientCertificate;
    this.certificateRequested = request !== false && suite.kx === 'ecdhe_ecdsa';
    if (this.certificateRequested) {
      push(HandshakeType.certificate_request, encodeCertificateRequest({ certificateTypes: Uint8Array.of(CERT_TYPE_ECDSA_SIGN), signatureSchemes: [ECDSA_SECP256R1_SHA256] }));
    }
    push(HandshakeType.server_hello_done, new Uint8Array(0));
    this.hs = this.certificateRequested ? 'client_certificate' : 'key_exchange';
    this.trace('server flight sent', { certificateRequest: this.certificateRequested });
    this.sendFlight(entries, true);
  }

  private onClientCertificate(msg: HandshakeMessage): void {
    this.flightAnswered();
    this.clientChain = parseCertificate(msg.body).map((c) => c.slice());
    this.addToTranscript(msg);
    if (this.clientChain.length === 0) {
      if (this.config.options.requestClientCertificate === 'require') {
        throw new DtlsCertificateError('client sent no certificate but one is required', AlertDescription.handshake_failure);
      }
    } else {
      const creds = this.config.credentials;
      const trust = { ca: creds.ca, fingerprint: creds.fingerprint, purpose: 'client', cache: this.config.peerCertificates } as const;
      this.clientKey = verifyPeerChain(this.crypto, this.clientChain, trust).publicKey;
    }
    this.hs = 'key_exchange';
  }

  private onClientKeyExchange(msg: HandshakeMessage): void {
    this.flightAnswered();
    const suite = this.suite!;
    const cke = parseClientKeyExchange(msg.body, suite.kx);
    if (suite.kx === 'ecdhe_ecdsa') return this.finishKeyExchange(msg, cke.publicKey!, undefined);
    const identity = dec.decode(cke.pskIdentity!);
    this.pskIdentity = identity;
    const psk = this.config.credentials.psk!;
    const found: PskKey | undefined | Promise<PskKey | undefined> =
      typeof psk === 'function' ? psk(identity) : psk.identity === identity ? psk.key : undefined;
    if (found instanceof Promise) {
      const publicKey = cke.publicKey;
      this.suspend(found.then((key) => this.finishKeyExchange(msg, publicKey, key)));
      return;
    }
    this.finishKeyExchange(msg, cke.publicKey, found);
  }

  private finishKeyExchange(msg: HandshakeMessage, publicKey: Uint8Array | undefined, pskKey: PskKey | undefined | null): void {
    const suite = this.suite!;
    let z: Uint8Array | undefined;
    if (suite.kx !== 'psk') {
      try {
        z = this.ecdhe!.computeSecret(publicKey!);
      } catch {
        throw new DtlsHandshakeError('ERR_DTLS_BAD_KEY_EXCHANGE', 'invalid client ECDH public key', AlertDescription.illegal_parameter);
      }
    }
    let pms: Uint8Array;
    if (suite.kx === 'ecdhe_ecdsa') pms = z!;
    else {
      if (pskKey === undefined || pskKey === null) {
        throw new DtlsHandshakeError('ERR_DTLS_UNKNOWN_PSK_IDENTITY', `unknown PSK identity ${JSON.stringify(this.pskIdentity)}`, AlertDescription.unknown_psk_identity);
      }
      pms = pskPremaster(pskKeyBytes(pskKey), z);
    }
    this.addToTranscript(msg);
    this.master = this.ems
      ? extendedMasterSecret(this.crypto, pms, this.transcriptHash())
      : masterSecret(this.crypto, pms, this.clientRandom, this.serverRandom);
    this.ctx.emitEvent('keylog', keylogLine(this.clientRandom, this.master));
    const keys = deriveProtections(this.crypto, suite, this.master, this.clientRandom, this.serverRandom, 'server');
    this.setWriteKeys(keys.write);
    this.hs = this.clientKey !== undefined ? 'certificate_verify' : 'ccs';
    this.trace('ClientKeyExchange received', this.pskIdentity !== undefined ? { pskIdentity: this.pskIdentity } : {});
    if (this.hs === 'ccs') this.setReadKeys(keys.read);
    else this.pendingRead = keys.read;
  }

  private pendingRead: ReturnType<typeof deriveProtections>['read'] | undefined;

  private onCertificateVerify(msg: HandshakeMessage): void {
    const cv = parseCertificateVerify(msg.body);
    if (cv.scheme !== ECDSA_SECP256R1_SHA256 || !this.crypto.ecdsaVerify(this.clientKey!, this.transcript.bytes(), cv.signature)) {
      throw new DtlsHandshakeError('ERR_DTLS_BAD_SIGNATURE', 'CertificateVerify does not verify', AlertDescription.decrypt_error);
    }
    this.addToTranscript(msg);
    this.hs = 'ccs';
    const read = this.pendingRead!;
    this.pendingRead = undefined;
    this.setReadKeys(read);
  }

  protected onPeerCcs(): void {
    if (this.hs === 'ccs') this.hs = 'finished';
  }

  private onFinished(msg: HandshakeMessage): void {
    const expected = verifyData(this.crypto, this.master!, 'client', this.transcriptHash());
    if (!bytesEqual(expected, msg.body)) {
      throw new DtlsHandshakeError('ERR_DTLS_BAD_FINISHED', 'client Finished does not verify', AlertDescription.decrypt_error);
    }
    this.addToTranscript(msg);
    const finished = verifyData(this.crypto, this.master!, 'server', this.transcriptHash());
    const entries: FlightEntry[] = [ccsEntry(0), { type: ContentType.handshake, epoch: 1, payload: this.handshakeMessage(HandshakeType.finished, finished) }];
    this.writeEpoch = 1;
    this.hs = 'done';
    this.sendFlight(entries, false);
    this.completeHandshake({
      protocol: 'DTLSv1.2',
      cipherSuite: this.suite!.name,
      ...(this.clientChain.length > 0 ? { peerCertificates: this.clientChain } : {}),
      ...(this.pskIdentity !== undefined ? { pskIdentity: this.pskIdentity } : {}),
    });
  }
}
