/**
 * Interop of the `dtls` plugin with OpenSSL 3 (`openssl s_server` /
 * `s_client -dtls1_2`) on 127.0.0.1 only: both roles, the four suites, with
 * OpenSSL's default cookie exchange and with `-mtu 400`; 1 MB each way
 * compared by SHA-256; close_notify (and our answer to OpenSSL's); wrong PSK
 * and an untrusted certificate fail with typed errors.
 *
 * Plain DTLS on UDP: `encapsulation: 'none'` + `transport: 'datagram'`
 * (zero header bytes). Skipped when openssl is missing unless `CI` is set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, createStack } from '../../../core/index.js';
import type { Stack } from '../../../core/index.js';
import type { Connection } from '../../../core/connection/connection.js';
import dtlsPlugin from '../../../plugins/security/dtls/index.js';
import type { DtlsOptionsInput } from '../../../plugins/security/dtls/options.js';
import { CIPHER_SUITE_NAMES } from '../../../plugins/security/dtls/suites.js';
import type { CipherSuiteName } from '../../../plugins/security/dtls/suites.js';
import { generateCertificate } from '../../../plugins/security/dtls/x509/selfsigned.js';
import { nodeCrypto } from '../../../plugins/security/dtls/crypto/node.js';
import {
  OPENSSL_CIPHER,
  freeUdpPort,
  opensslAvailable,
  opensslCert,
  windowed,
  runOpenssl,
  udpBound,
  waitFor,
} from './openssl.js';
import type { OpensslCert } from './openssl.js';

const HAVE_OPENSSL = opensslAvailable();
if (!HAVE_OPENSSL && process.env.CI) throw new Error('openssl (Debian package `openssl`) is required for the DTLS interop tests under CI');
if (!HAVE_OPENSSL) console.warn('openssl not found: skipping the DTLS OpenSSL interop tests');

const PSK_HEX = '0102030405060708090a0b0c0d0e0f10';
const IDENTITY = 'client1';
const SIZE = 1 << 20;
const CHUNK = 1000;
/** Bytes allowed in flight per direction (well below the default 208 KB socket buffer). */
const WINDOW = 64 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function stackConfig(options: DtlsOptionsInput) {
  return {
    encapsulation: 'none',
    security: { use: 'dtls', options: { retransmitTimeout: 250, handshakeTimeout: 10_000, ...options } },
    transport: 'datagram',
  } as const;
}

function opensslSuiteArgs(suite: CipherSuiteName, cert: OpensslCert, role: 'server' | 'client'): string[] {
  const cipher = ['-cipher', OPENSSL_CIPHER[suite]];
  if (suite.includes('ECDSA')) {
    return role === 'server'
      ? [...cipher, '-cert', cert.certPath, '-key', cert.keyPath]
      : [...cipher, '-CAfile', cert.certPath, '-verify_return_error', '-verify_hostname', 'localhost'];
  }
  return [...cipher, ...(role === 'server' ? ['-nocert'] : []), '-psk', PSK_HEX, '-psk_identity', IDENTITY];
}

function ourSuiteOptions(suite: CipherSuiteName, cert: OpensslCert, role: 'server' | 'client'): DtlsOptionsInput {
  const base: DtlsOptionsInput = { cipherSuites: [suite] };
  if (suite.includes('ECDSA')) {
    return role === 'client'
      ? { ...base, ca: cert.cert, serverName: 'localhost' }
      : { ...base, certificate: cert.cert, privateKey: cert.key };
  }
  return { ...base, psk: { identity: IDENTITY, key: PSK_HEX } };
}

/** Code of the first server-side session failure in a trace, if any. */
function serverFailure(sink: MemorySink): string | undefined {
  const e = sink.named('handshake_step').find((ev) => ev.data.role === 'server' && ev.data.step === 'failed');
  return e?.data.code as string | undefined;
}

/** Whether our server answered a close_notify (RFC 5246 §7.2.1); s_client exits without reading the answer, so it shows in our trace. */
function serverAnsweredCloseNotify(sink: MemorySink): boolean {
  return sink.named('handshake_step').some((ev) => ev.data.role === 'server' && ev.data.step === 'close_notify answered');
}

/** Collect a connection's incoming bytes. */
function collect(conn: Connection): { bytes: () => number; data: () => Buffer } {
  const chunks: Buffer[] = [];
  let n = 0;
  conn.on('data', (d: Buffer) => {
    chunks.push(d);
    n += d.length;
  });
  return { bytes: () => n, data: () => Buffer.concat(chunks) };
}

describe.skipIf(!HAVE_OPENSSL)('DTLS 1.2 interop with OpenSSL 3 (127.0.0.1)', () => {
  let cert: OpensslCert;
  const stacks: Stack[] = [];
  beforeAll(() => {
    cert = opensslCert();
  });
  afterAll(async () => {
    for (const s of stacks) await s.close();
    cert?.cleanup();
  });

  for (const mtu of [undefined, 400] as const) {
    const mtuArgs = mtu === undefined ? [] : ['-mtu', String(mtu)];
    const label = mtu === undefined ? 'default cookie exchange' : '-mtu 400 (fragmented flights)';

    for (const suite of CIPHER_SUITE_NAMES) {
      it(`our client ↔ openssl s_server, ${suite}, ${label}: 1 MB each way, close_notify`, async () => {
        const port = await freeUdpPort();
        const server = runOpenssl([
          's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-quiet', '-naccept', '1',
          ...mtuArgs, ...opensslSuiteArgs(suite, cert, 'server'),
        ]);
        try {
          await udpBound(port);
          const stack = await createStack(stackConfig({ ...ourSuiteOptions(suite, cert, 'client'), ...(mtu ? { mtu: 360 } : {}) }), { plugins: [dtlsPlugin] });
          stacks.push(stack);
          const handshakes: string[] = [];
          stack.on('handshake', (info) => handshakes.push(info.cipherSuite));
          let conn: Connection | undefined;
          for (let attempt = 0; attempt < 3 && conn === undefined; attempt++) {
            try {
              conn = (await stack.connect({ host: '127.0.0.1', port })) as Connection;
            } catch (err) {
              if (attempt === 2) throw new Error(`${(err as Error).message}\n${server.stderr()}`);
            }
          }
          expect(handshakes).toEqual([suite]);
          const inbound = collect(conn!);
          const toUs = randomBytes(SIZE);
          const toThem = randomBytes(SIZE);
          await Promise.all([
            windowed((c) => conn!.write(c), toThem, CHUNK, WINDOW, () => server.stdout().length),
            windowed((c) => server.proc.stdin.write(c), toUs, 4096, WINDOW, () => inbound.bytes()),
          ]);
          expect(await waitFor(() => inbound.bytes() >= SIZE && server.stdout().length >= SIZE, 15_000)).toBe(true);
          expect(sha(inbound.data())).toBe(sha(toUs));
          expect(sha(server.stdout())).toBe(sha(toThem));
          await stack.close();
          const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
          expect(code).toBe(0);
        } finally {
          server.kill();
        }
      });

      it(`openssl s_client ↔ our server, ${suite}, ${label}: 1 MB each way, close_notify`, async () => {
        const stack = await createStack(stackConfig({ ...ourSuiteOptions(suite, cert, 'server'), ...(mtu ? { mtu: 360 } : {}) }), { plugins: [dtlsPlugin] });
        stacks.push(stack);
        const listener = await stack.listen({ host: '127.0.0.1', port: 0 });
        const port = listener.address().port;
        let conn: Connection | undefined;
        let inbound: ReturnType<typeof collect> | undefined;
        listener.on('connection', (c: Connection) => {
          conn = c;
          inbound = collect(c);
        });
        const client = runOpenssl([
          's_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-quiet', '-no_ign_eof', '-nocommands',
          ...mtuArgs, ...opensslSuiteArgs(suite, cert, 'client'),
        ]);
        try {
          const toUs = randomBytes(SIZE);
          const toThem = randomBytes(SIZE);
          client.proc.stdin.write(toUs.subarray(0, 100));
          expect(await waitFor(() => conn !== undefined, 10_000), client.stderr()).toBe(true);
          await Promise.all([
            windowed((c) => conn!.write(c), toThem, CHUNK, WINDOW, () => client.stdout().length),
            windowed((c) => client.proc.stdin.write(c), toUs.subarray(100), 4096, WINDOW, () => Math.max(0, inbound!.bytes() - 100)),
          ]);
          expect(await waitFor(() => inbound!.bytes() >= SIZE && client.stdout().length >= SIZE, 15_000)).toBe(true);
          expect(sha(inbound!.data())).toBe(sha(toUs));
          expect(sha(client.stdout())).toBe(sha(toThem));
          // EOF on s_client's stdin (-no_ign_eof) makes it send close_notify; our side ends the connection.
          const closed = new Promise((r) => conn!.once('close', () => r('closed')));
          client.proc.stdin.end();
          const code = await Promise.race([client.exited, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
          expect(code).toBe(0);
          expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 5000))])).toBe('closed');
        } finally {
          client.kill();
        }
      });
    }
  }

  for (const crypto of ['node', 'noble', 'wasm'] as const) {
    it(`secp256r1 (openssl -groups P-256) in both roles, ECDHE-ECDSA and ECDHE-PSK, ${crypto} provider`, async () => {
      for (const suite of ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'] as const) {
        // openssl server, our client
        const port = await freeUdpPort();
        const server = runOpenssl([
          's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-groups', 'P-256',
          ...opensslSuiteArgs(suite, cert, 'server'),
        ]);
        try {
          await udpBound(port);
          const stack = await createStack(stackConfig({ ...ourSuiteOptions(suite, cert, 'client'), crypto }), { plugins: [dtlsPlugin] });
          stacks.push(stack);
          let conn: Connection | undefined;
          for (let attempt = 0; attempt < 3 && conn === undefined; attempt++) {
            try {
              conn = (await stack.connect({ host: '127.0.0.1', port })) as Connection;
            } catch (err) {
              if (attempt === 2) throw err;
            }
          }
          conn!.write('over P-256\n');
          expect(await waitFor(() => server.stdout().toString().includes('over P-256'), 5000)).toBe(true);
          expect(server.stdout().toString()).toMatch(/Shared groups: secp256r1\s/);
          expect(server.stdout().toString()).toMatch(/Secure Renegotiation IS supported/);
          await stack.close();
        } finally {
          server.kill();
        }
        // openssl client, our server
        const sink = new MemorySink();
        const stack = await createStack(stackConfig({ ...ourSuiteOptions(suite, cert, 'server'), crypto }), { plugins: [dtlsPlugin], trace: sink });
        stacks.push(stack);
        const listener = await stack.listen({ host: '127.0.0.1', port: 0 });
        const got: Buffer[] = [];
        listener.on('connection', (c: Connection) => c.on('data', (d: Buffer) => got.push(d)));
        const client = runOpenssl([
          's_client', '-dtls1_2', '-connect', `127.0.0.1:${listener.address().port}`, '-groups', 'P-256', '-no_ign_eof',
          ...opensslSuiteArgs(suite, cert, 'client'),
        ]);
        try {
          client.proc.stdin.write('from s_client\n');
          expect(await waitFor(() => Buffer.concat(got).toString().includes('from s_client'), 5000), client.stderr()).toBe(true);
          client.proc.stdin.end();
          expect(await client.exited).toBe(0);
          // EOF on stdin (-no_ign_eof): s_client sends close_notify, which our server answers with its own.
          expect(await waitFor(() => serverAnsweredCloseNotify(sink), 3000)).toBe(true);
          expect(client.stdout().toString()).toMatch(/Server Temp Key: ECDH, prime256v1/);
          expect(client.stdout().toString()).toMatch(/Extended master secret: yes/);
          expect(client.stdout().toString()).toMatch(/Secure Renegotiation IS supported/);
        } finally {
          client.kill();
        }
      }
    });
  }

  it('client certificates both ways: s_server -Verify accepts ours, our server (require) accepts s_client -cert', async () => {
    const suite = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' as const;
    const clientCert = opensslCert('toukit-client');
    try {
      // Our client presents a certificate to openssl s_server, which requires and verifies it.
      const port = await freeUdpPort();
      const server = runOpenssl([
        's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-Verify', '1', '-CAfile', clientCert.certPath,
        '-verify_return_error', ...opensslSuiteArgs(suite, cert, 'server'),
      ]);
      try {
        await udpBound(port);
        const stack = await createStack(
          stackConfig({ ...ourSuiteOptions(suite, cert, 'client'), certificate: clientCert.cert, privateKey: clientCert.key }),
          { plugins: [dtlsPlugin] },
        );
        stacks.push(stack);
        let conn: Connection | undefined;
        for (let attempt = 0; attempt < 3 && conn === undefined; attempt++) {
          try {
            conn = (await stack.connect({ host: '127.0.0.1', port })) as Connection;
          } catch (err) {
            if (attempt === 2) throw err;
          }
        }
        conn!.write('with a client certificate\n');
        expect(await waitFor(() => server.stdout().toString().includes('with a client certificate'), 5000)).toBe(true);
        expect(server.stdout().toString()).toMatch(/subject=CN ?= ?toukit-client/);
        await stack.close();
      } finally {
        server.kill();
      }
      // openssl s_client presents a certificate to our server, which requires it.
      const stack = await createStack(
        stackConfig({ ...ourSuiteOptions(suite, cert, 'server'), ca: clientCert.cert, requestClientCertificate: 'require' }),
        { plugins: [dtlsPlugin] },
      );
      stacks.push(stack);
      const infos: { peerCertificates?: readonly Uint8Array[] }[] = [];
      stack.on('handshake', (info) => infos.push(info));
      const listener = await stack.listen({ host: '127.0.0.1', port: 0 });
      const got: Buffer[] = [];
      listener.on('connection', (c: Connection) => c.on('data', (d: Buffer) => got.push(d)));
      const client = runOpenssl([
        's_client', '-dtls1_2', '-connect', `127.0.0.1:${listener.address().port}`, '-quiet', '-no_ign_eof',
        '-cert', clientCert.certPath, '-key', clientCert.keyPath, ...opensslSuiteArgs(suite, cert, 'client'),
      ]);
      try {
        client.proc.stdin.write('hello from a certified client\n');
        expect(await waitFor(() => Buffer.concat(got).toString().includes('certified client'), 5000), client.stderr()).toBe(true);
        expect(infos).toHaveLength(1);
        expect(infos[0].peerCertificates).toHaveLength(1);
        client.proc.stdin.end();
        expect(await client.exited).toBe(0);
      } finally {
        client.kill();
      }
    } finally {
      clientCert.cleanup();
    }
  });

  it('a wrong PSK fails with ERR_DTLS_HANDSHAKE_TIMEOUT within handshakeTimeout', async () => {
    const port = await freeUdpPort();
    const server = runOpenssl([
      's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-quiet', '-naccept', '1',
      ...opensslSuiteArgs('TLS_PSK_WITH_AES_128_GCM_SHA256', cert, 'server'),
    ]);
    try {
      await udpBound(port);
      const stack = await createStack(
        stackConfig({ cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], psk: { identity: IDENTITY, key: 'ff'.repeat(16) }, handshakeTimeout: 1500 }),
        { plugins: [dtlsPlugin] },
      );
      stacks.push(stack);
      const started = Date.now();
      await expect(stack.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      server.kill();
    }
  });

  it('an untrusted server certificate fails with ERR_DTLS_CERT_VERIFY and OpenSSL receives a fatal alert', async () => {
    const port = await freeUdpPort();
    const server = runOpenssl([
      's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1',
      ...opensslSuiteArgs('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', cert, 'server'),
    ]);
    try {
      await udpBound(port);
      const otherCa = generateCertificate(nodeCrypto, { commonName: 'someone else', isCA: true });
      const stack = await createStack(
        stackConfig({ cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], ca: otherCa.certificate, serverName: 'localhost', handshakeTimeout: 3000 }),
        { plugins: [dtlsPlugin] },
      );
      stacks.push(stack);
      await expect(stack.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY' });
      expect(await waitFor(() => /alert/i.test(server.stderr() + server.stdout().toString()), 3000)).toBe(true);
      expect(server.stderr() + server.stdout().toString()).toMatch(/unknown ca/i);
    } finally {
      server.kill();
    }
  });

  it('openssl s_client rejects our server certificate when it does not trust it: it exits non-zero, our server fails with ERR_DTLS_ALERT', async () => {
    const sink = new MemorySink();
    const stack = await createStack(
      stackConfig({ ...ourSuiteOptions('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', cert, 'server'), handshakeTimeout: 3000 }),
      { plugins: [dtlsPlugin], trace: sink },
    );
    stacks.push(stack);
    const listener = await stack.listen({ host: '127.0.0.1', port: 0 });
    const other = opensslCert('other');
    const client = runOpenssl([
      's_client', '-dtls1_2', '-connect', `127.0.0.1:${listener.address().port}`, '-quiet', '-no_ign_eof',
      '-cipher', OPENSSL_CIPHER.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, '-CAfile', other.certPath, '-verify_return_error',
    ]);
    try {
      const code = await Promise.race([client.exited, new Promise((r) => setTimeout(() => r('timeout'), 8000))]);
      expect(code).not.toBe(0);
      expect(code).not.toBe('timeout');
      expect(client.stderr()).toMatch(/verify|certificate/i);
      expect(await waitFor(() => serverFailure(sink) !== undefined, 3000)).toBe(true);
      expect(serverFailure(sink)).toBe('ERR_DTLS_ALERT');
      const failed = sink.named('handshake_step').find((ev) => ev.data.role === 'server' && ev.data.step === 'failed');
      expect(failed?.data.alert).toBe(48); // unknown_ca
    } finally {
      client.kill();
      other.cleanup();
    }
  });

  it('openssl s_client with a wrong PSK: our server fails with ERR_DTLS_HANDSHAKE_TIMEOUT within handshakeTimeout', async () => {
    const sink = new MemorySink();
    const stack = await createStack(
      stackConfig({ ...ourSuiteOptions('TLS_PSK_WITH_AES_128_GCM_SHA256', cert, 'server'), handshakeTimeout: 1500 }),
      { plugins: [dtlsPlugin], trace: sink },
    );
    stacks.push(stack);
    const listener = await stack.listen({ host: '127.0.0.1', port: 0 });
    const client = runOpenssl([
      's_client', '-dtls1_2', '-connect', `127.0.0.1:${listener.address().port}`, '-quiet', '-no_ign_eof',
      '-cipher', OPENSSL_CIPHER.TLS_PSK_WITH_AES_128_GCM_SHA256, '-psk', 'ff'.repeat(16), '-psk_identity', IDENTITY,
    ]);
    try {
      const started = Date.now();
      expect(await waitFor(() => serverFailure(sink) !== undefined, 5000)).toBe(true);
      expect(serverFailure(sink)).toBe('ERR_DTLS_HANDSHAKE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      client.kill();
    }
  });
});
