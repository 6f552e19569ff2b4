import { describe, it, expect } from 'vitest';
import { ConfigError, createStack, type StackConfig } from '../../../../core/index.js';
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
    const o = dtlsOptionsSchema.parse({ psk: PSK });
    expect(o).toMatchObject({ crypto: 'node', retransmitTimeout: 1000, handshakeTimeout: 30000, requestClientCertificate: false });
    expect(o.cipherSuites).toHaveLength(4);
    expect(o.mtu).toBeUndefined();
  });

  it('rejects unknown keys, unknown suites, bad hex keys and bad fingerprints', () => {
    expect(dtlsOptionsSchema.safeParse({ psk: PSK, bogus: 1 }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ psk: PSK, cipherSuites: ['TLS_RSA_WITH_RC4_128_MD5'] }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ psk: { identity: 'a', key: 'xyz' } }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ fingerprint: 'abcd' }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ psk: PSK, crypto: 'openssl' }).success).toBe(false);
  });

  it('accepts a PSK as hex or bytes, and a lookup function on the server', () => {
    expect(dtlsOptionsSchema.safeParse({ psk: { identity: 'a', key: new Uint8Array(16) } }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ psk: () => undefined }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ psk: () => undefined, requestClientCertificate: 'require' }).success).toBe(true);
  });

  it('accepts credentials for one role only: a server with a PSK lookup or its certificate, a client with ca or fingerprint', () => {
    const { ca, server } = pki();
    expect(dtlsOptionsSchema.safeParse({ psk: () => undefined }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ certificate: server.certificate, privateKey: server.privateKey }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ ca: ca.certificate }).success).toBe(true);
    expect(dtlsOptionsSchema.safeParse({ fingerprint: 'ab'.repeat(32) }).success).toBe(true);
  });

  it('documents psk as an object in its JSON Schema (functions are code-only)', () => {
    const schema = dtlsPlugin.jsonSchema as { properties: Record<string, { type?: string; properties?: Record<string, unknown> }> };
    expect(schema.properties.psk.type).toBe('object');
    expect(Object.keys(schema.properties.psk.properties ?? {})).toEqual(['identity', 'key']);
    expect(schema.properties.cipherSuites).toBeDefined();
  });

  it('requires certificate and privateKey together, and valid PEM', () => {
    const { server } = pki();
    expect(dtlsOptionsSchema.safeParse({ certificate: server.certificate }).success).toBe(false);
    expect(dtlsOptionsSchema.safeParse({ privateKey: server.privateKey }).success).toBe(false);
    expect(() => dtls({ certificate: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', privateKey: server.privateKey })).toThrowError(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', path: 'security.options.certificate' }),
    );
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

async function stackError(security: StackConfig['security']): Promise<ConfigError> {
  const err = await createStack({ transport: 'datagram', security }).then(
    async (stack) => {
      await stack.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('dtls config errors from createStack', () => {
  it('rejects a stack without credentials before any traffic, naming security.options and the credential options', async () => {
    const expected =
      'security.options: expected credentials: psk, certificate with privateKey (own certificate), or ca or fingerprint (to verify the server certificate), got {}';
    for (const security of ['dtls', { use: 'dtls' }, { use: 'dtls', options: {} }] as const) {
      const e = await stackError(security);
      expect(e.code).toBe('ERR_CONFIG_INVALID');
      expect(e.path).toBe('security.options');
      expect(e.message).toBe(expected);
    }
  });

  it('says what a PSK key must be', async () => {
    const e = await stackError({ use: 'dtls', options: { psk: { identity: 'me', key: 'zz' } } });
    expect(e.path).toBe('security.options.psk.key');
    expect(e.message).toBe('security.options.psk.key: expected a hex string of whole bytes (an even, non-zero number of hex digits), got "zz"');
  });

  it('names a missing PSK key as required', async () => {
    const e = await stackError({ use: 'dtls', options: { psk: { identity: 'me' } } });
    expect(e.message).toBe('security.options.psk.key: required; expected a hex string or a Uint8Array, got nothing');
  });

  it('says what a fingerprint must be', async () => {
    const e = await stackError({ use: 'dtls', options: { fingerprint: 'ab:cd' } });
    expect(e.message).toBe('security.options.fingerprint: expected a SHA-256 fingerprint (32 bytes in hex, colons allowed), got "ab:cd"');
  });

  it('names the private key a certificate needs, and the certificate a private key needs', async () => {
    const { server } = pki();
    const noKey = await stackError({ use: 'dtls', options: { certificate: server.certificate } });
    expect(noKey.path).toBe('security.options.privateKey');
    expect(noKey.message).toBe('security.options.privateKey: required; expected the PEM private key of certificate (certificate and privateKey go together), got nothing');
    const noCertificate = await stackError({ use: 'dtls', options: { privateKey: server.privateKey } });
    expect(noCertificate.message).toBe(
      'security.options.certificate: required; expected the PEM certificate chain of privateKey (certificate and privateKey go together), got nothing',
    );
  });

  it('names a certificate that does not parse under security.options', async () => {
    const { server } = pki();
    const e = await stackError({ use: 'dtls', options: { certificate: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', privateKey: server.privateKey } });
    expect(e.path).toBe('security.options.certificate');
    expect(e.message).toMatch(/^security\.options\.certificate: expected X\.509 certificates in PEM, got one that does not parse \(.+\)$/);
  });

  it('shows a certificate given as a file name instead of PEM', async () => {
    const { server } = pki();
    const e = await stackError({ use: 'dtls', options: { certificate: './server.pem', privateKey: server.privateKey } });
    expect(e.message).toBe('security.options.certificate: expected a certificate chain in PEM (a CERTIFICATE block, leaf first), got "./server.pem"');
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
