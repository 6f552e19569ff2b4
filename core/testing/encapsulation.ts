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
    expect(err).toBeInstanceOf(ToukitError);
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
      expect(typeof encap.name).toBe('string');
      expect(encap.name.length).toBeGreaterThan(0);
      expect(typeof encap.demultiplexes).toBe('boolean');
      if (encap.defaultPort !== undefined) {
        expect(Number.isInteger(encap.defaultPort)).toBe(true);
        expect(encap.defaultPort).toBeGreaterThan(0);
        expect(encap.defaultPort).toBeLessThanOrEqual(65535);
      }
    });

    it('returns the same cached header for a repeated spec, and overhead() is its length', async () => {
      const encap = await makeEncapsulation();
      for (const proto of DATA_PROTOS) {
        const h = encap.header({ proto });
        expect(encap.header({ proto })).toBe(h);
        expect(encap.overhead({ proto })).toBe(h.length);
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
        expect(out.payloadOffset).toBe(h.length);
        expect(datagram.subarray(out.payloadOffset)).toEqual(payload);
        expect(out.control).toBe(false);
        expect(out.transformType).toBe(0);
        expect(out.directIp).toBe(false);
        if (encap.demultiplexes) {
          expect(out.proto).toBe(proto);
          expect(out.originalProto).toBe(proto);
        } else {
          expect(out.proto).toBe(-1);
        }
        expect(encap.header({ proto })).toEqual(snapshot);
      }
    });

    it('round-trips control messages, or refuses them with a ToukitError', async () => {
      const encap = await makeEncapsulation();
      for (const ctype of [0, 1, 200]) {
        const h = headerOrRefusal(encap, { proto: ctype, control: true });
        if (h === undefined) continue;
        expect(encap.demultiplexes).toBe(true);
        const out = dirtyRecord();
        encap.decapsulate(concat(h, Uint8Array.of(1, 2, 3, 4)), out);
        expect(out.control).toBe(true);
        expect(out.proto).toBe(ctype);
        expect(out.payloadOffset).toBe(h.length);
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
      expect(out.payloadOffset).toBe(h.length);
      expect(out.control).toBe(false);
      if (encap.demultiplexes) {
        expect(out.proto).toBe(PROTO_NONE);
        expect(out.transformType).toBe(TRANSFORM_DTLS);
        expect(out.originalProto).toBe(6);
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
      expect(out).toEqual(fresh);
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
          expect(out.payloadOffset).toBeGreaterThanOrEqual(0);
          expect(out.payloadOffset).toBeLessThanOrEqual(bytes.length);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
          expect((err as DecodeError).code).toMatch(/^ERR_[A-Z0-9_]+$/);
          expect((err as DecodeError).reason).toMatch(/^[a-z0-9_]+$/);
        }
      }
      expect(decoded).toBeGreaterThan(0);
    });
  });
}
