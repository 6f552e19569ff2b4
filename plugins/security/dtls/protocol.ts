/**
 * The DTLS security protocol of one stack: holds the cookie secret and the
 * resolved credentials, answers ClientHellos without a valid cookie with a
 * stateless HelloVerifyRequest (RFC 6347 §4.2.1), and creates sessions.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type {
  SecurityAcceptContext,
  SecurityContext,
  SecurityProtocol,
  SecuritySession,
} from '../../../core/contracts/security.js';
import type { Clock } from '../../../core/time/clock.js';
import type { RandomSource } from '../../../core/random/random.js';
import { ContentType, DTLS10, HandshakeType } from './constants.js';
import { CookieJar } from './cookie.js';
import { cryptoProvider } from './crypto/index.js';
import type { CryptoProvider, SigningKey } from './crypto/provider.js';
import { ConfigError } from '../../../core/errors.js';
import type { PeerAddress } from '../../../core/contracts/address.js';
import { DtlsDecodeError } from './errors.js';
import { DtlsClient } from './client.js';
import { encodeHandshake, parseHandshakeFragments } from './handshake/header.js';
import { encodeCertificate, encodeHelloVerifyRequest, parseClientHello } from './handshake/messages.js';
import type { ClientHello } from './handshake/messages.js';
import { resolveCredentials } from './options.js';
import type { DtlsOptions } from './options.js';
import { RecordCursor, plaintextRecord } from './record/codec.js';
import { DtlsServer } from './server.js';
import type { SessionConfig } from './session.js';
import { CIPHER_SUITES } from './suites.js';
import { CertificateCache } from './x509/cache.js';

/** GUE payload-transform type for DTLS. */
export const DTLS_TRANSFORM_TYPE = 1;

/** Import the stack's ECDSA key once; a key the provider rejects is a configuration error. */
function importSigningKey(crypto: CryptoProvider, privateKey: Uint8Array): SigningKey {
  try {
    return crypto.signingKey(privateKey);
  } catch (err) {
    throw new ConfigError('security.options.privateKey', [`security.options.privateKey: expected a key the '${crypto.name}' crypto provider can sign with, got one it rejects (${(err as Error).message})`], 'ERR_DTLS_BAD_KEY');
  }
}

/** A ClientHello whose cookie {@link DtlsProtocol.accept} has just verified. */
interface AcceptedHello {
  /** Who sent it. */
  readonly peer: PeerAddress;
  /** A copy of its body (what the new session must see again, byte for byte). */
  readonly body: Uint8Array;
  /** The hello parsed from `body`. */
  readonly hello: ClientHello;
}

function samePeer(a: PeerAddress, b: PeerAddress): boolean {
  return a.port === b.port && a.address === b.address && a.family === b.family;
}

/** The `dtls` {@link SecurityProtocol}. */
export class DtlsProtocol implements SecurityProtocol {
  /** `dtls`. */
  readonly name = 'dtls';
  /** DTLS encrypts. */
  readonly confidential = true;
  /** GUE transform type 1. */
  readonly transformType = DTLS_TRANSFORM_TYPE;
  /** Largest per-record overhead across enabled suites (13 + 8 + 16 with AES-GCM). */
  readonly overhead: number;
  private readonly config: SessionConfig;
  private readonly cookies: CookieJar;
  /** Set by a successful {@link DtlsProtocol.accept}, taken by the {@link DtlsProtocol.createServer} that follows it. */
  private accepted: AcceptedHello | undefined;

  /**
   * @param options - parsed plugin options
   * @param clock - stack clock (cookie secret rotation)
   * @param random - stack random source (cookie secret, randoms, ephemeral keys)
   */
  constructor(options: DtlsOptions, clock: Clock, random: RandomSource) {
    const crypto = cryptoProvider(options.crypto);
    const suites = options.cipherSuites.map((n) => CIPHER_SUITES[n]);
    const credentials = resolveCredentials(options);
    const signer = credentials.privateKey !== undefined ? importSigningKey(crypto, credentials.privateKey) : undefined;
    // Our Certificate message body never changes: encode it once per stack, not per handshake.
    const certificateBody = credentials.chain.length > 0 && credentials.privateKey !== undefined ? encodeCertificate(credentials.chain) : undefined;
    const peerCertificates = suites.some((s) => s.kx === 'ecdhe_ecdsa') ? new CertificateCache(crypto) : undefined;
    this.config = { crypto, options, credentials, suites, signer, certificateBody, peerCertificates };
    this.overhead = Math.max(...suites.map((s) => s.overhead));
    this.cookies = new CookieJar(crypto, clock, random);
  }

  /** Create a client session (its `start()` sends the ClientHello). */
  createClient(ctx: SecurityContext): SecuritySession {
    return new DtlsClient(ctx, this.config);
  }

  /**
   * Create a server session for a peer whose ClientHello carried a valid
   * cookie. The stack hands the session the datagram that {@link DtlsProtocol.accept}
   * accepted: the session takes that hello as parsed and verified there
   * (when its body is byte for byte the one accepted from this peer) instead
   * of parsing it and computing the cookie HMAC a second time.
   */
  createServer(ctx: SecurityContext): SecuritySession {
    const peer = ctx.peer;
    let accepted = this.accepted !== undefined && samePeer(this.accepted.peer, peer) ? this.accepted : undefined;
    this.accepted = undefined;
    return new DtlsServer(ctx, this.config, {
      verify: (hello) => this.cookies.verify(peer, hello),
      make: (hello) => this.cookies.make(peer, hello),
      accepted: (body) => {
        const a = accepted;
        accepted = undefined;
        // A ClientHello is public: a native comparison, no constant-time loop needed.
        return a !== undefined && a.body.length === body.length && Buffer.compare(a.body, body) === 0 ? a.hello : undefined;
      },
    });
  }

  /**
   * Stateless handling of a datagram from a peer without a session: true for
   * a ClientHello with a valid cookie; a HelloVerifyRequest reply for one
   * without; a counted drop for anything else.
   */
  accept(datagram: Uint8Array, ctx: SecurityAcceptContext): boolean {
    this.accepted = undefined;
    try {
      const cur = new RecordCursor(datagram);
      if (!cur.next() || cur.type !== ContentType.handshake || cur.epoch !== 0) {
        ctx.drop('dtls_no_session');
        return false;
      }
      const frag = parseHandshakeFragments(cur.fragment())[0];
      if (frag === undefined || frag.msgType !== HandshakeType.client_hello) {
        ctx.drop('dtls_no_session');
        return false;
      }
      if (frag.fragmentOffset !== 0 || frag.body.length !== frag.length) {
        ctx.drop('dtls_fragmented_client_hello');
        return false;
      }
      const body = frag.body.slice();
      const hello = parseClientHello(body);
      if (this.cookies.verify(ctx.peer, hello)) {
        this.accepted = { peer: ctx.peer, body, hello };
        return true;
      }
      const hvr = encodeHandshake(
        HandshakeType.hello_verify_request,
        frag.messageSeq,
        encodeHelloVerifyRequest({ version: DTLS10, cookie: this.cookies.make(ctx.peer, hello) }),
      );
      ctx.reply([plaintextRecord(ContentType.handshake, DTLS10, 0, cur.seq, hvr)], 'handshake');
      return false;
    } catch (err) {
      ctx.drop(err instanceof DtlsDecodeError ? err.reason : 'dtls_internal_error');
      return false;
    }
  }
}
