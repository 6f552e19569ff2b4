/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): cookie =
 * HMAC-SHA256(secret, client address ‖ port ‖ ClientHello parameters), with
 * a secret rotated lazily every `rotateMs`; the previous secret stays valid
 * for one more period.
 *
 * @module
 */
import { ByteWriter, bytesEqual } from './bytes.js';
import type { CryptoProvider } from './crypto/provider.js';
import type { ClientHello } from './handshake/messages.js';
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { Clock } from '../../../core/time/clock.js';
import type { RandomSource } from '../../../core/random/random.js';

/** Cookie length in bytes. */
export const COOKIE_LENGTH = 32;

const enc = new TextEncoder();

/** Creates and checks cookies with a rotating secret. */
export class CookieJar {
  private secret = new Uint8Array(32);
  private previous: Uint8Array | undefined;
  private rotatedAt: number;

  /**
   * @param crypto - provider for HMAC
   * @param clock - stack clock (rotation)
   * @param random - secret source
   * @param rotateMs - secret lifetime in ms
   */
  constructor(
    private readonly crypto: CryptoProvider,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly rotateMs = 60_000,
  ) {
    random.fill(this.secret);
    this.rotatedAt = clock.now();
  }

  private rotateIfDue(): void {
    const now = this.clock.now();
    if (now - this.rotatedAt < this.rotateMs) return;
    this.previous = now - this.rotatedAt < 2 * this.rotateMs ? this.secret : undefined;
    this.secret = new Uint8Array(32);
    this.random.fill(this.secret);
    this.rotatedAt = now;
  }

  private compute(secret: Uint8Array, peer: PeerAddress, hello: ClientHello): Uint8Array {
    const w = new ByteWriter().vec8(enc.encode(peer.address)).u16(peer.port).u16(hello.version).bytes(hello.random);
    w.vec8(hello.sessionId).u16(hello.cipherSuites.length);
    for (const s of hello.cipherSuites) w.u16(s);
    w.vec8(hello.compressionMethods);
    return this.crypto.hmacSha256(secret, w.finish());
  }

  /** The cookie for this client and hello. */
  make(peer: PeerAddress, hello: ClientHello): Uint8Array {
    this.rotateIfDue();
    return this.compute(this.secret, peer, hello);
  }

  /** Whether `hello.cookie` is valid for this client (current or previous secret). */
  verify(peer: PeerAddress, hello: ClientHello): boolean {
    this.rotateIfDue();
    if (hello.cookie.length !== COOKIE_LENGTH) return false;
    if (bytesEqual(hello.cookie, this.compute(this.secret, peer, hello))) return true;
    return this.previous !== undefined && bytesEqual(hello.cookie, this.compute(this.previous, peer, hello));
  }
}
