import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { emptyDecapsulated } from '../../../../core/contracts/encapsulation.js';
import { DecodeError } from '../../../../core/errors.js';
import { decapsulateGue, emptyGueLayout } from '../../../../plugins/encapsulation/gue/decode.js';
import { parseGueHeader, serializeGueHeader, sealGueChecksum, type GueHeaderFields } from '../../../../plugins/encapsulation/gue/header.js';
import type { GueProfile } from '../../../../plugins/encapsulation/gue/constants.js';

const PROFILES: GueProfile[] = ['draft', 'linux'];

/** Runs `f`; returns the error code if it threw a DecodeError, rethrows anything else. */
function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
}

const byte = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });

/** Arbitrary valid draft-profile data headers (transform/fragment force Proto 59). */
const draftFields: fc.Arbitrary<GueHeaderFields> = fc
  .record(
    {
      control: fc.boolean(),
      proto: byte,
      vnid: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      security: fc.option(fc.constantFrom(8, 16, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })), { nil: undefined }),
      fragment: fc.option(
        fc.record({ offset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8), more: fc.boolean(), originalProto: byte, identification: fc.integer({ min: 0, max: 0xffffffff }) }),
        { nil: undefined },
      ),
      transform: fc.option(fc.record({ type: fc.constant(1), originalProto: byte, typeSpecific: u16 }), { nil: undefined }),
      remoteChecksum: fc.option(fc.record({ start: fc.integer({ min: 0, max: 8 }).map((x) => x * 2), offset: fc.integer({ min: 0, max: 8 }).map((x) => x * 2) }), { nil: undefined }),
      checksum: fc.option(fc.constant({ checksum: 0, coverage: 0 }), { nil: undefined }),
    },
    { requiredKeys: ['control', 'proto'] },
  )
  .map((f) => {
    const out: Record<string, unknown> = { control: f.control, proto: f.proto };
    for (const k of ['vnid', 'security', 'fragment', 'transform', 'remoteChecksum', 'checksum'] as const) if (f[k] !== undefined) out[k] = f[k];
    if (f.fragment !== undefined || f.transform !== undefined) out.proto = f.control ? 0 : 59;
    return out as unknown as GueHeaderFields;
  });

function build(fields: GueHeaderFields, payload: Uint8Array, profile: GueProfile = 'draft'): Uint8Array {
  const h = serializeGueHeader(fields, profile);
  if (fields.checksum !== undefined) sealGueChecksum(h, [payload], payload.length);
  const d = new Uint8Array(h.length + payload.length);
  d.set(h);
  d.set(payload, h.length);
  return d;
}

describe('GUE decoding properties', () => {
  it('random bytes never throw anything but DecodeError subclasses, in either profile', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.constantFrom(...PROFILES), (bytes, profile) => {
        codeOf(() => decapsulateGue(bytes, profile, emptyDecapsulated(), emptyGueLayout()));
        codeOf(() => parseGueHeader(bytes, profile));
      }),
      { numRuns: 3000 },
    );
  });

  it('random bytes after a plausible variant-0 first word exercise the extension walk safely', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x3f }), byte, u16, fc.uint8Array({ maxLength: 140 }), fc.constantFrom(...PROFILES), (b0, proto, flags, rest, profile) => {
        const d = new Uint8Array(4 + rest.length);
        d.set([b0, proto, flags >>> 8, flags & 0xff]);
        d.set(rest, 4);
        codeOf(() => decapsulateGue(d, profile, emptyDecapsulated(), emptyGueLayout()));
      }),
      { numRuns: 3000 },
    );
  });

  it('serialize → parse round-trips every valid draft header, and decapsulate agrees with parse', () => {
    fc.assert(
      fc.property(draftFields, fc.uint8Array({ minLength: 20, maxLength: 64 }), (fields, payload) => {
        const d = build(fields, payload);
        const parsed = parseGueHeader(d);
        const { checksum, ...rest } = fields;
        expect(parsed).toMatchObject(rest);
        if (checksum !== undefined) expect(parsed.checksum?.coverage).toBe(payload.length);
        const out = emptyDecapsulated();
        decapsulateGue(d, 'draft', out, emptyGueLayout());
        expect(out.payloadOffset).toBe(parsed.length);
        expect(out.control).toBe(parsed.control);
        expect(out.proto).toBe(parsed.proto);
        expect(out.vnid).toBe(parsed.vnid ?? -1);
        expect(out.transformType).toBe(parsed.transform?.type ?? 0);
        expect(out.originalProto).toBe(parsed.transform?.originalProto ?? parsed.proto);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutating any byte of a valid datagram either still decodes or throws a DecodeError, and parse and decapsulate agree', () => {
    fc.assert(
      fc.property(
        draftFields,
        fc.uint8Array({ minLength: 20, maxLength: 40 }),
        fc.nat(),
        byte,
        fc.constantFrom(...PROFILES),
        (fields, payload, where, value, profile) => {
          const d = build(fields, payload);
          d[where % d.length] = value;
          const a = codeOf(() => parseGueHeader(d.slice(), profile));
          const b = codeOf(() => decapsulateGue(d.slice(), profile, emptyDecapsulated(), emptyGueLayout()));
          expect(b).toBe(a);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('truncating a valid datagram inside its header is always rejected', () => {
    fc.assert(
      fc.property(draftFields, fc.nat(), (fields, cut) => {
        const d = build(fields, new Uint8Array(20));
        const hlen = serializeGueHeader(fields).length;
        const n = cut % hlen;
        expect(codeOf(() => parseGueHeader(d.subarray(0, n)))).not.toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it('any datagram whose first nibble is 4 or 6 is recognised as variant 1 (never misparsed as GUE)', () => {
    fc.assert(
      fc.property(fc.constantFrom(4, 6), fc.integer({ min: 0, max: 15 }), fc.uint8Array({ maxLength: 60 }), fc.constantFrom(...PROFILES), (v, low, rest, profile) => {
        const d = new Uint8Array(1 + rest.length);
        d[0] = (v << 4) | low;
        d.set(rest, 1);
        const out = emptyDecapsulated();
        decapsulateGue(d, profile, out, emptyGueLayout());
        expect(out).toMatchObject({ directIp: true, proto: v === 4 ? 4 : 41, payloadOffset: 0, control: false });
      }),
    );
  });
});
