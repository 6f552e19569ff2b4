import { describe, it, expect } from 'vitest';
import dtlsPlugin, { DtlsProtocol } from '../../../../plugins/security/dtls/index.js';
import { dtlsOptionsSchema } from '../../../../plugins/security/dtls/options.js';
import { SecurityPair } from '../../../../core/testing/security.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { nullTracer } from '../../../../core/trace/tracer.js';
import { RealTimerService } from '../../../../core/time/real-timers.js';
import { realClock } from '../../../../core/time/clock.js';
import { PSK, dtls, pki } from './fixtures.js';

describe('dtls plugin definition and options', () => {
  it('is a security plugin named dtls providing confidentiality', () => {
    expect(dtlsPlugin.name).toBe('dtls');
    expect(dtlsPlugin.layer).toBe('security');
    expect(dtlsPlugin.capabilities).toEqual(['confidential']);
  });

  it('creates a DtlsProtocol from parsed options', async () => {
    const timers = new RealTimerService(realClock);
    const options = dtlsOptionsSchema.parse({ psk: PSK });
    const proto = await dtlsPlugin.create(options, {
      mtu: 1400,
      clock: realClock,
      timers,
      random: new SeededRandom(1),
      tracer: nullTracer,
      layers: {} as never,
    });
    expect(proto).toBeInstanceOf(DtlsProtocol);
    expect(proto.transformType).toBe(1);
    timers.close();
  });

  it('applies defaults', () => {
    const o = dtlsOptionsSchema.parse({});
    expect(o).toMatchObject({ crypto: 'node', retransmitTimeout: 1000, handshakeTimeout: 30000, requestClientCertificate: false });
    expect(o.cipherSuites).toHaveLength(4);
    expect(o.mtu).toBeUndefined();
  });

  it('rejects unknown keys, unknown suites, bad hex keys and bad fingerprints', () => {
    expect(dtlsOptionsSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ cipherSuites: ['TLS_RSA_WITH_RC4_128_MD5'] }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ psk: { identity: 'a', key: 'xyz' } }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ fingerprint: 'abcd' }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ crypto: 'openssl' }).success).toBe(false);
  });

  it('accepts a PSK as hex or bytes, and a lookup function on the server', () => {
    expect(dtlsOptionsSchema.safeParse({ psk: { identity: 'a', key: new Uint8Array(16) } }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ psk: () => undefined }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ requestClientCertificate: 'require' }).success).toBe(true);
  });

  it('documents psk as an object in its JSON Schema (functions are code-only)', () => {
    const schema = dtlsPlugin.jsonSchema as { properties: Record<string, { type?: string; properties?: Record<string, unknown> }> };
    expect(schema.properties.psk.type).toBe('object');
    expect(Object.keys(schema.properties.psk.properties ?? {})).toEqual(['identity', 'key']);
    expect(schema.properties.cipherSuites).toBeDefined();
  });

  it('requires certificate and privateKey together, and valid PEM', () => {
    expect(() => dtls({ certificate: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n' })).toThrowError(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    expect(() => dtls({ ca: 'not a pem' })).not.toThrow(); // no blocks: simply no trusted CA
  });

  it('imports the private key when the protocol is created: a scalar outside [1, n-1] is a config error, not a handshake failure', () => {
    // SEC1 ECPrivateKey (RFC 5915) with d = 2^256 - 1 (above the P-256 group order) and the prime256v1 OID.
    const der = Buffer.concat([
      Buffer.from('30310201010420', 'hex'),
      Buffer.alloc(32, 0xff),
      Buffer.from('a00a06082a8648ce3d030107', 'hex'),
    ]);
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${der.toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
    const { server } = pki();
    expect(() => dtls({ certificate: server.certificate, privateKey: pem })).toThrowError(expect.objectContaining({ code: 'ERR_DTLS_BAD_KEY' }));
    expect(() => dtls({ certificate: server.certificate, privateKey: server.privateKey })).not.toThrow();
  });
});

describe('server PSK lookup', () => {
  it.each([
    ['synchronous', (id: string) => (id === 'client1' ? PSK.key : undefined)],
    ['asynchronous', async (id: string) => (id === 'client1' ? Uint8Array.from(Buffer.from(PSK.key, 'hex')) : undefined)],
  ])('%s lookup by identity completes the handshake and reports the identity', async (_, lookup) => {
    for (const suite of ['TLS_PSK_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'] as const) {
      const pair = new SecurityPair(dtls({ psk: PSK, cipherSuites: [suite] }), dtls({ psk: lookup, cipherSuites: [suite] }));
      expect(await pair.handshake()).toBe(true);
      expect(pair.serverLog.established?.pskIdentity).toBe('client1');
      expect(pair.clientLog.established?.pskIdentity).toBe('client1');
    }
  });

  it('an asynchronous lookup that finds nothing ends with unknown_psk_identity', async () => {
    const pair = new SecurityPair(dtls({ psk: { identity: 'who', key: PSK.key } }), dtls({ psk: async () => undefined }));
    await pair.handshake();
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_UNKNOWN_PSK_IDENTITY' });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 115 });
  });

  it('a rejecting lookup fails the session with an internal error, never throwing', async () => {
    const pair = new SecurityPair(dtls({ psk: PSK }), dtls({ psk: () => Promise.reject(new Error('db down')) }));
    await pair.handshake();
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_INTERNAL' });
  });
});
