import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../core/testing/security.js';
import { nodeCrypto } from '../../../../plugins/security/dtls/crypto/node.js';
import { toHex } from '../../../../plugins/security/dtls/bytes.js';
import { dtls, pki } from './fixtures.js';

const SUITE = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] as const;

describe('certificate handshakes', () => {
  it('fails on a server name mismatch: client ERR_DTLS_CERT_VERIFY, server receives bad_certificate (42)', async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate, serverName: 'example.com' }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey }),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.serverLog.failed !== undefined);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 42 });
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 42, remote: true });
  });

  it('accepts a server by fingerprint (colons and case ignored)', async () => {
    const p = pki();
    const fp = toHex(nodeCrypto.sha256(p.server.der)).toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], fingerprint: fp }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey }),
    );
    expect(await pair.handshake()).toBe(true);
  });

  it("requestClientCertificate 'require': a client without a certificate is refused", async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, requestClientCertificate: 'require' }),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 40 });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 40 });
  });

  it('requestClientCertificate true: the handshake completes without a client certificate', async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, requestClientCertificate: true }),
    );
    expect(await pair.handshake()).toBe(true);
    expect(pair.serverLog.established?.peerCertificates).toBeUndefined();
  });

  it.each(['node', 'noble', 'wasm'] as const)('a client certificate is verified with CertificateVerify and reported (%s)', async (crypto) => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate, certificate: p.client.certificate, privateKey: p.client.privateKey, crypto }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: p.ca.certificate, requestClientCertificate: 'require', crypto }),
    );
    expect(await pair.handshake()).toBe(true);
    expect(pair.serverLog.established?.peerCertificates?.[0]).toEqual(p.client.der);
  });

  it('a client certificate from an untrusted CA is refused with unknown_ca (48)', async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate, certificate: p.client.certificate, privateKey: p.client.privateKey }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey, ca: p.server.certificate, requestClientCertificate: true }),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_CERT_VERIFY', alert: 48 });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 48 });
  });

  it('a client without ca or fingerprint offers no certificate suite and fails with ERR_DTLS_NO_CREDENTIALS', async () => {
    const p = pki();
    // Its own certificate makes a server-only configuration: nothing to verify a server with.
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], certificate: p.client.certificate, privateKey: p.client.privateKey }),
      dtls({ cipherSuites: [...SUITE], certificate: p.server.certificate, privateKey: p.server.privateKey }),
    );
    expect(await pair.handshake()).toBe(false);
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_NO_CREDENTIALS' });
  });

  it('a server with only client-side credentials (ca) fails with ERR_DTLS_NO_CREDENTIALS, not "no cipher suite in common"', async () => {
    const p = pki();
    const pair = new SecurityPair(
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate }),
      dtls({ cipherSuites: [...SUITE], ca: p.ca.certificate }),
    );
    expect(await pair.handshake()).toBe(false);
    await pair.runUntil(() => pair.clientLog.failed !== undefined);
    expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_NO_CREDENTIALS', message: expect.stringContaining('this server has no credentials'), alert: 40 });
    expect(pair.clientLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert: 40 });
  });
});
