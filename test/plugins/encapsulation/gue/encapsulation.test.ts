import { describe, it, expect } from 'vitest';
import { emptyDecapsulated, PROTO_NONE, TRANSFORM_DTLS } from '../../../../core/contracts/encapsulation.js';
import { ConfigError, ToukitError } from '../../../../core/errors.js';
import guePlugin, { GueEncapsulation, gueOptionsSchema, parseGueHeader } from '../../../../plugins/encapsulation/gue/index.js';
import { GueUnsupportedError } from '../../../../plugins/encapsulation/gue/errors.js';

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('the gue plugin definition', () => {
  it('is an encapsulation plugin named gue that provides demultiplexing', () => {
    expect(guePlugin.name).toBe('gue');
    expect(guePlugin.layer).toBe('encapsulation');
    expect(guePlugin.capabilities).toContain('demultiplexing');
  });

  it('options default to the draft profile on port 6080, no VNID, no checksum', () => {
    expect(gueOptionsSchema.parse({})).toEqual({ profile: 'draft', port: 6080, checksum: false });
  });

  it('options are strict and every field is described', () => {
    expect(gueOptionsSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(gueOptionsSchema.safeParse({ port: 0 }).success).toBe(false);
    expect(gueOptionsSchema.safeParse({ vnid: 2 ** 32 }).success).toBe(false);
    for (const field of Object.values(gueOptionsSchema.shape)) expect(field.description).toBeTruthy();
  });

  it('creates a working encapsulation from validated options', async () => {
    const opts = gueOptionsSchema.parse({ port: 7000 });
    const encap = await guePlugin.create(opts, undefined as never);
    expect(encap.defaultPort).toBe(7000);
    expect(encap.demultiplexes).toBe(true);
  });
});

describe('linux profile configuration', () => {
  it('rejects a VNID or a checksum in the schema, naming the option', () => {
    const r = gueOptionsSchema.safeParse({ profile: 'linux', vnid: 1, checksum: true });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['checksum', 'vnid']);
  });
  it('the constructor throws a ConfigError with the option path', () => {
    let err: unknown;
    try {
      new GueEncapsulation({ profile: 'linux', vnid: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('encapsulation.options.vnid');
    expect((err as ConfigError).code).toBe('ERR_CONFIG_INVALID');
  });
  it('emits flags 0 and refuses control messages and transforms', () => {
    const encap = new GueEncapsulation({ profile: 'linux' });
    expect([...encap.header({ proto: 6 })]).toEqual([0, 6, 0, 0]);
    expect(() => encap.header({ proto: 0, control: true })).toThrow(GueUnsupportedError);
    expect(() => encap.header({ proto: PROTO_NONE, transform: { type: TRANSFORM_DTLS, originalProto: 6 } })).toThrow(GueUnsupportedError);
  });
});

describe('GueEncapsulation.header', () => {
  it('returns the same cached bytes for repeated specs (no allocation per packet)', () => {
    const encap = new GueEncapsulation();
    const a = encap.header({ proto: 6 });
    expect(encap.header({ proto: 6 })).toBe(a);
    expect(encap.header({ proto: 132 })).not.toBe(a);
    expect(encap.header({ proto: 6, control: true })).not.toBe(a);
    const t = encap.header({ proto: 59, transform: { type: 1, originalProto: 6 } });
    expect(encap.header({ proto: 59, transform: { type: 1, originalProto: 6 } })).toBe(t);
    expect(encap.header({ proto: 59, transform: { type: 1, originalProto: 132 } })).not.toBe(t);
  });

  it('a DTLS-transformed spec writes Proto 59 and the T field, decoded back on receive', () => {
    const encap = new GueEncapsulation();
    const h = encap.header({ proto: PROTO_NONE, transform: { type: TRANSFORM_DTLS, originalProto: 6 } });
    expect([...h]).toEqual([0x01, 59, 0x08, 0x00, 0x01, 0x06, 0x00, 0x00]);
    const out = emptyDecapsulated();
    encap.decapsulate(cat(h, Uint8Array.of(0x17, 0xfe, 0xfd)), out);
    expect(out).toMatchObject({ proto: 59, transformType: 1, originalProto: 6, payloadOffset: 8 });
  });

  it('overhead(spec) is the header length', () => {
    const encap = new GueEncapsulation({ vnid: 9, checksum: true });
    expect(encap.overhead({ proto: 6 })).toBe(12);
    expect(encap.overhead({ proto: 59, transform: { type: 1, originalProto: 6 } })).toBe(16);
  });

  it('with vnid and checksum options, every header carries V and K and verifies on receive', () => {
    const encap = new GueEncapsulation({ vnid: 0x01020304, checksum: true });
    const h = encap.header({ proto: 17 });
    const parsed = parseGueHeader(cat(h, new Uint8Array(5)));
    expect(parsed.vnid).toBe(0x01020304);
    expect(parsed.checksum?.coverage).toBe(0);
    const out = emptyDecapsulated();
    encap.decapsulate(cat(h, new Uint8Array(5)), out);
    expect(out.vnid).toBe(0x01020304);
  });

  it('sealedHeader covers the payload: corrupting a payload byte is caught', () => {
    const encap = new GueEncapsulation({ checksum: true });
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const h = encap.sealedHeader({ proto: 6 }, [payload.subarray(0, 7), payload.subarray(7)]);
    expect(h).not.toBe(encap.header({ proto: 6 }));
    const d = cat(h, payload);
    encap.decapsulate(d, emptyDecapsulated());
    d[200] ^= 1;
    expect(() => encap.decapsulate(d, emptyDecapsulated())).toThrowError(expect.objectContaining({ code: 'ERR_GUE_BAD_CHECKSUM' }));
    expect(() => new GueEncapsulation().sealedHeader({ proto: 6 }, [payload])).toThrow(GueUnsupportedError);
  });

  it('rejects specs it cannot express with a ToukitError', () => {
    const encap = new GueEncapsulation();
    expect(() => encap.header({ proto: 256 })).toThrow(ToukitError);
    expect(() => encap.header({ proto: 1.5 })).toThrow(ToukitError);
    expect(() => encap.header({ proto: 6, transform: { type: 1, originalProto: 6 } })).toThrow(GueUnsupportedError);
    expect(() => encap.header({ proto: 59, transform: { type: 2, originalProto: 6 } })).toThrow(GueUnsupportedError);
  });
});
