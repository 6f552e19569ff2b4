/**
 * Compliance suite for {@link Encapsulation} plugins. Call
 * {@link describeEncapsulationCompliance} from a vitest test file with a
 * factory; it declares tests that every encapsulation must pass: cached
 * headers, exact round trips of data, control and transformed payloads
 * (or a typed refusal when the plugin cannot express them), full reuse of
 * the {@link Decapsulated} record, and only typed {@link DecodeError}s on
 * malformed input.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { describe, it, expect } from 'vitest';
import {
  emptyDecapsulated,
  PROTO_NONE,
  TRANSFORM_DTLS,
  type Decapsulated,
  type Encapsulation,
  type EncapsulationHeaderSpec,
} from '../contracts/encapsulation.js';
import { DecodeError, ToukitError } from '../errors.js';
import { SeededRandom } from '../random/random.js';

/** Creates a fresh encapsulation instance for one test. */
export type EncapsulationFactory = () => Encapsulation | Promise<Encapsulation>;

/** Options of {@link describeEncapsulationCompliance}. */
export interface EncapsulationComplianceOptions {
  /** Number of random datagrams fed to `decapsulate` (default 2000). */
  readonly fuzzRuns?: number;
  /** Seed of the random datagrams (default 1). */
  readonly seed?: number;
}

const DATA_PROTOS = [6, 17, 132, 253];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A record filled with values no decoder should leave behind. */
function dirtyRecord(): Decapsulated {
  return { control: true, proto: 99, payloadOffset: 77, transformType: 42, originalProto: 43, vnid: 12345, directIp: true };
}

/** `header(spec)` or `undefined` when the plugin refuses `spec` with a ToukitError (anything else fails the test). */
function headerOrRefusal(encap: Encapsulation, spec: EncapsulationHeaderSpec): Uint8Array | undefined {
  try {
    return encap.header(spec);
  } catch (err) {
    expect(err, `header(${JSON.stringify(spec)}) may refuse a spec it does not support only with a ToukitError`).toBeInstanceOf(ToukitError);
    return undefined;
  }
}

/**
 * Declares the encapsulation compliance tests under `describe(name)`.
 * @param name - suite title, e.g. `gue (draft profile)`
 * @param makeEncapsulation - factory creating the instance under test
 * @param options - fuzzing knobs
 */
export function describeEncapsulationCompliance(
  name: string,
  makeEncapsulation: EncapsulationFactory,
  options: EncapsulationComplianceOptions = {},
): void {
  const fuzzRuns = options.fuzzRuns ?? 2000;
  const seed = options.seed ?? 1;

  describe(`${name}: encapsulation compliance`, () => {
    it('describes itself: a name, a valid default port or none, a demultiplexing flag', async () => {
      const encap = await makeEncapsulation();
      expect(typeof encap.name, 'Encapsulation.name must be a string').toBe('string');
      expect(encap.name.length, 'Encapsulation.name must not be empty').toBeGreaterThan(0);
      expect(typeof encap.demultiplexes, 'Encapsulation.demultiplexes must be a boolean').toBe('boolean');
      if (encap.defaultPort !== undefined) {
        expect(Number.isInteger(encap.defaultPort), `defaultPort ${encap.defaultPort} must be an integer UDP port`).toBe(true);
        expect(encap.defaultPort, 'defaultPort must be a UDP port from 1 to 65535').toBeGreaterThan(0);
        expect(encap.defaultPort, 'defaultPort must be a UDP port from 1 to 65535').toBeLessThanOrEqual(65535);
      }
    });

    it('returns the same cached header for a repeated spec, and overhead() is its length', async () => {
      const encap = await makeEncapsulation();
      for (const proto of DATA_PROTOS) {
        const h = encap.header({ proto });
        expect(encap.header({ proto }), `header({ proto: ${proto} }) must return the same cached Uint8Array each time (no allocation per datagram)`).toBe(h);
        expect(encap.overhead({ proto }), `overhead({ proto: ${proto} }) must be the length of its header`).toBe(h.length);
      }
    });

    it('round-trips data payloads: the payload starts right after the header, the protocol is reported', async () => {
      const encap = await makeEncapsulation();
      const payload = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);
      for (const proto of DATA_PROTOS) {
        const h = encap.header({ proto });
        const snapshot = h.slice();
        const datagram = concat(h, payload);
        const out = dirtyRecord();
        encap.decapsulate(datagram, out);
        const what = `decapsulating header({ proto: ${proto} }) + payload`;
        expect(out.payloadOffset, `${what}: payloadOffset must be the header length`).toBe(h.length);
        expect(datagram.subarray(out.payloadOffset), `${what}: the payload must come back unchanged`).toEqual(payload);
        expect(out.control, `${what}: a data datagram is not a control message`).toBe(false);
        expect(out.transformType, `${what}: no transform was requested`).toBe(0);
        expect(out.directIp, `${what}: not a direct-IP datagram`).toBe(false);
        if (encap.demultiplexes) {
          expect(out.proto, `${what}: a demultiplexing encapsulation reports the protocol`).toBe(proto);
          expect(out.originalProto, `${what}: originalProto equals proto without a transform`).toBe(proto);
        } else {
          expect(out.proto, `${what}: an encapsulation that does not demultiplex reports proto -1`).toBe(-1);
        }
        expect(encap.header({ proto }), 'decapsulate() must not modify the cached header').toEqual(snapshot);
      }
    });

    it('round-trips control messages, or refuses them with a ToukitError', async () => {
      const encap = await makeEncapsulation();
      for (const ctype of [0, 1, 200]) {
        const h = headerOrRefusal(encap, { proto: ctype, control: true });
        if (h === undefined) continue;
        expect(encap.demultiplexes, 'only a demultiplexing encapsulation can carry control messages; others refuse them with a ToukitError').toBe(true);
        const out = dirtyRecord();
        encap.decapsulate(concat(h, Uint8Array.of(1, 2, 3, 4)), out);
        expect(out.control, `a control message (type ${ctype}) must decode with control: true`).toBe(true);
        expect(out.proto, `a control message reports its control type (${ctype}) as proto`).toBe(ctype);
        expect(out.payloadOffset, 'payloadOffset must be the header length').toBe(h.length);
      }
    });

    it('round-trips a DTLS-transformed payload (Proto 59 + original protocol), or refuses it with a ToukitError', async () => {
      const encap = await makeEncapsulation();
      const spec = { proto: PROTO_NONE, transform: { type: TRANSFORM_DTLS, originalProto: 6 } };
      const h = headerOrRefusal(encap, spec);
      if (h === undefined) return;
      const record = Uint8Array.of(0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0);
      const out = dirtyRecord();
      encap.decapsulate(concat(h, record), out);
      expect(out.payloadOffset, 'payloadOffset must be the header length').toBe(h.length);
      expect(out.control, 'a transformed data datagram is not a control message').toBe(false);
      if (encap.demultiplexes) {
        expect(out.proto, 'a transformed payload reports Proto 59 (no next header)').toBe(PROTO_NONE);
        expect(out.transformType, 'the transform type must round-trip').toBe(TRANSFORM_DTLS);
        expect(out.originalProto, 'the original protocol (6) must round-trip').toBe(6);
      }
    });

    it('overwrites every field of a reused Decapsulated record', async () => {
      const encap = await makeEncapsulation();
      const out = emptyDecapsulated();
      const transformed = headerOrRefusal(encap, { proto: PROTO_NONE, transform: { type: TRANSFORM_DTLS, originalProto: 17 } });
      if (transformed !== undefined) encap.decapsulate(concat(transformed, new Uint8Array(16)), out);
      const plain = encap.header({ proto: 6 });
      encap.decapsulate(concat(plain, new Uint8Array(16)), out);
      const fresh = dirtyRecord();
      encap.decapsulate(concat(plain, new Uint8Array(16)), fresh);
      expect(out, 'decapsulate() must overwrite every field of the record it is given (records are reused per datagram)').toEqual(fresh);
    });

    it(`never throws anything but a DecodeError on ${fuzzRuns} random datagrams, and offsets stay in bounds`, async () => {
      const encap = await makeEncapsulation();
      const rnd = new SeededRandom(seed);
      const out = emptyDecapsulated();
      let decoded = 0;
      for (let i = 0; i < fuzzRuns; i++) {
        const bytes = new Uint8Array(rnd.uint32() % 96);
        rnd.fill(bytes);
        // half of the runs start from a valid header and then damage one byte
        if (i % 2 === 1 && bytes.length > 0) {
          const h = encap.header({ proto: DATA_PROTOS[i % DATA_PROTOS.length] });
          bytes.set(h.subarray(0, Math.min(h.length, bytes.length)));
          bytes[rnd.uint32() % bytes.length] = rnd.uint32() & 0xff;
        }
        try {
          encap.decapsulate(bytes, out);
          decoded++;
          const hex = Buffer.from(bytes).toString('hex');
          expect(out.payloadOffset, `payloadOffset must lie within the datagram (${hex})`).toBeGreaterThanOrEqual(0);
          expect(out.payloadOffset, `payloadOffset must lie within the datagram (${hex})`).toBeLessThanOrEqual(bytes.length);
        } catch (err) {
          const hex = Buffer.from(bytes).toString('hex');
          expect(err, `decapsulate() may throw only a DecodeError on bad input; it threw ${String(err)} on ${hex}`).toBeInstanceOf(DecodeError);
          expect((err as DecodeError).code, 'a DecodeError code looks like ERR_SOMETHING').toMatch(/^ERR_[A-Z0-9_]+$/);
          expect((err as DecodeError).reason, 'a DecodeError reason (the drop counter name) looks like snake_case').toMatch(/^[a-z0-9_]+$/);
        }
      }
      expect(decoded, `none of ${fuzzRuns} datagrams (half of them valid headers with one damaged byte) decoded`).toBeGreaterThan(0);
    });
  });
}
