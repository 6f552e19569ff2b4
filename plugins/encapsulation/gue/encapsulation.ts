/**
 * The GUE encapsulation instance: cached constant headers on the send side,
 * the allocation-free {@link decapsulateGue} on the receive side.
 *
 * @module
 */
import { totalLength } from '../../../core/bytes.js';
import type { Decapsulated, Encapsulation, EncapsulationHeaderSpec } from '../../../core/contracts/encapsulation.js';
import { CTYPE_NEEDS_CONTEXT, PROTO_NO_NEXT_HEADER, TRANSFORM_TYPE_DTLS, type GueProfile } from './constants.js';
import { GueUnsupportedError } from './errors.js';
import { decapsulateGue, emptyGueLayout } from './decode.js';
import { sealGueChecksum, serializeGueHeader, type GueHeaderFields } from './header.js';
import { parseGueOptions, type GueOptionsInput } from './options.js';

/** Headers kept per instance; specs beyond this many distinct ones are built on every call. */
const MAX_CACHED_HEADERS = 1024;

/** The `gue` encapsulation (draft-ietf-intarea-gue-09). */
export class GueEncapsulation implements Encapsulation {
  /** Plugin name. */
  readonly name = 'gue';
  /** UDP port used when none is given (option `port`, default 6080). */
  readonly defaultPort: number;
  /** GUE carries a protocol number. */
  readonly demultiplexes = true;
  /** Header layout profile. */
  readonly profile: GueProfile;
  /** VNID sent in every header (V flag), if configured. */
  readonly vnid: number | undefined;
  /** Whether headers carry the GUE checksum field (K flag). */
  readonly checksum: boolean;
  private readonly cache = new Map<number, Uint8Array>();
  private readonly layout = emptyGueLayout();

  /**
   * @param options - `gue` options (validated here)
   * @throws ConfigError when the options are invalid or the profile cannot express them
   */
  constructor(options: GueOptionsInput = {}) {
    const o = parseGueOptions(options);
    this.profile = o.profile;
    this.defaultPort = o.port;
    this.vnid = o.vnid;
    this.checksum = o.checksum;
  }

  /** Header length for `spec`, in bytes. */
  overhead(spec: EncapsulationHeaderSpec): number {
    return this.header(spec).length;
  }

  /**
   * Cached header for `spec` (do not modify it). With `checksum` on, the K
   * field covers the header only (coverage 0); see {@link sealedHeader}.
   * @throws GueUnsupportedError for specs the profile cannot express
   */
  header(spec: EncapsulationHeaderSpec): Uint8Array {
    const p = spec.proto;
    if ((p & 0xff) !== p) throw new GueUnsupportedError(`GUE proto/ctype ${p} is not a byte`);
    let key = p | (spec.control === true ? 0x100 : 0);
    const t = spec.transform;
    if (t !== undefined) {
      if ((t.type & 0xff) !== t.type || (t.originalProto & 0xff) !== t.originalProto) {
        throw new GueUnsupportedError('GUE transform type and original proto must be bytes');
      }
      key += 0x200 + t.type * 0x400 + t.originalProto * 0x40000;
    }
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const built = this.build(spec);
    if (this.cache.size < MAX_CACHED_HEADERS) this.cache.set(key, built);
    return built;
  }

  /**
   * A fresh header for `spec` whose K checksum also covers the payload
   * (up to 65535 bytes of the concatenated `payload` parts). Allocates one
   * header per call; only available when the `checksum` option is on.
   * @throws GueUnsupportedError when `checksum` is off
   */
  sealedHeader(spec: EncapsulationHeaderSpec, payload: readonly Uint8Array[]): Uint8Array {
    if (!this.checksum) throw new GueUnsupportedError('sealedHeader needs the checksum option');
    const h = this.header(spec).slice();
    sealGueChecksum(h, payload, Math.min(totalLength(payload), 0xffff));
    return h;
  }

  /**
   * Decodes `datagram` into `out` (see `decapsulateGue`: remote checksum
   * offload, when present, is completed in place in the payload).
   * @throws DecodeError on malformed input
   */
  decapsulate(datagram: Uint8Array, out: Decapsulated): void {
    decapsulateGue(datagram, this.profile, out, this.layout);
  }

  private build(spec: EncapsulationHeaderSpec): Uint8Array {
    const control = spec.control === true;
    const t = spec.transform;
    if (this.profile === 'linux' && (control || t !== undefined)) {
      throw new GueUnsupportedError('the linux profile sends neither control messages nor payload transforms (the kernel drops them)');
    }
    if (t !== undefined) {
      if (t.type !== TRANSFORM_TYPE_DTLS) throw new GueUnsupportedError(`GUE payload-transform type ${t.type} is not implemented (only DTLS = 1)`);
      const expected = control ? CTYPE_NEEDS_CONTEXT : PROTO_NO_NEXT_HEADER;
      if (spec.proto !== expected) {
        throw new GueUnsupportedError(`a transformed payload must be sent with ${control ? 'ctype' : 'Proto'} ${expected}, not ${spec.proto}`);
      }
    }
    const fields: GueHeaderFields = {
      control,
      proto: spec.proto,
      vnid: this.vnid,
      transform: t === undefined ? undefined : { type: t.type, originalProto: t.originalProto, typeSpecific: 0 },
      checksum: this.checksum ? { checksum: 0, coverage: 0 } : undefined,
    };
    const h = serializeGueHeader(fields, this.profile);
    if (this.checksum) sealGueChecksum(h, [], 0);
    return h;
  }
}
