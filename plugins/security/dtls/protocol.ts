/**
 * The DTLS security protocol of one stack: holds the cookie secret and the
 * resolved credentials, answers ClientHellos without a valid cookie with a
 * stateless HelloVerifyRequest (RFC 6347 §4.2.1), and creates sessions.
 *
 * @module
 */
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
import { DtlsDecodeError } from './errors.js';
import { DtlsClient } from './client.js';
import { encodeHandshake, parseHandshakeFragments } from './handshake/header.js';
import { encodeHelloVerifyRequest, parseClientHello } from './handshake/messages.js';
import { resolveCredentials } from './options.js';
import type { DtlsOptions } from './options.js';
import { RecordCursor, plaintextRecord } from './record/codec.js';
import { DtlsServer } from './server.js';
import type { SessionConfig } from './session.js';
import { CIPHER_SUITES } from './suites.js';

/** GUE payload-transform type for DTLS. */
export const DTLS_TRANSFORM_TYPE = 1;

/** Import the stack's ECDSA key once; a key the provider rejects is a configuration error. */
function importSigningKey(crypto: CryptoProvider, privateKey: Uint8Array): SigningKey {
  try {
    return crypto.signingKey(privateKey);
  } catch (err) {
    throw new ConfigError('privateKey', [`privateKey: ${(err as Error).message}`], 'ERR_DTLS_BAD_KEY');
  }
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
    this.config = { crypto, options, credentials, suites, signer };
    this.overhead = Math.max(...suites.map((s) => s.overhead));
    this.cookies = new CookieJar(crypto, clock, random);
  }

  /** Create a client session (its `start()` sends the ClientHello). */
  createClient(ctx: SecurityContext): SecuritySession {
    return new DtlsClient(ctx, this.config);
  }

  /** Create a server session for a peer whose ClientHello carried a valid cookie. */
  createServer(ctx: SecurityContext): SecuritySession {
    const peer = ctx.peer;
    return new DtlsServer(ctx, this.config, {
      verify: (hello) => this.cookies.verify(peer, hello),
      make: (hello) => this.cookies.make(peer, hello),
    });
  }

  /**
   * Stateless handling of a datagram from a peer without a session: true for
   * a ClientHello with a valid cookie; a HelloVerifyRequest reply for one
   * without; a counted drop for anything else.
   */
  accept(datagram: Uint8Array, ctx: SecurityAcceptContext): boolean {
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
      const hello = parseClientHello(frag.body);
      if (this.cookies.verify(ctx.peer, hello)) return true;
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
