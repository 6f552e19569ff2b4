/**
 * Shared fixtures of the DTLS tests: protocol factories with parsed options,
 * a certificate authority and leaf certificates generated in-process.
 *
 * @module
 */
import { SeededRandom } from '../../../../core/random/random.js';
import { DtlsProtocol } from '../../../../plugins/security/dtls/protocol.js';
import { dtlsOptionsSchema } from '../../../../plugins/security/dtls/options.js';
import type { DtlsOptionsInput } from '../../../../plugins/security/dtls/options.js';
import { nodeCrypto } from '../../../../plugins/security/dtls/crypto/node.js';
import { generateCertificate } from '../../../../plugins/security/dtls/x509/selfsigned.js';
import type { GeneratedCertificate } from '../../../../plugins/security/dtls/x509/selfsigned.js';
import { SecurityPair } from '../../../../core/testing/security.js';
import type { SecurityPairOptions } from '../../../../core/testing/security.js';
import type { CipherSuiteName } from '../../../../plugins/security/dtls/suites.js';

/** A DTLS protocol from user-style options. */
export function dtls(options: DtlsOptionsInput, seed = 99): DtlsProtocol {
  return new DtlsProtocol(dtlsOptionsSchema.parse(options), { now: () => 0 }, new SeededRandom(seed));
}

/** PSK shared by the PSK tests. */
export const PSK = { identity: 'client1', key: '0102030405060708090a0b0c0d0e0f10' };

let ca: GeneratedCertificate | undefined;
let server: GeneratedCertificate | undefined;
let client: GeneratedCertificate | undefined;

/** A test CA, a server leaf (localhost, 127.0.0.1) and a client leaf, generated once per file. */
export function pki(): { ca: GeneratedCertificate; server: GeneratedCertificate; client: GeneratedCertificate } {
  ca ??= generateCertificate(nodeCrypto, { commonName: 'toukit test CA', isCA: true });
  const issuer = { commonName: 'toukit test CA', privateKey: ca.privateScalar };
  server ??= generateCertificate(nodeCrypto, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], issuer });
  client ??= generateCertificate(nodeCrypto, { commonName: 'client', issuer });
  return { ca, server, client };
}

/** Options set on both sides by {@link suiteOptions} and {@link suitePair}. */
export type SuiteExtra = Pick<DtlsOptionsInput, 'crypto' | 'handshakeTimeout'>;

/** Client and server options for `suite`. */
export function suiteOptions(suite: CipherSuiteName, extra: SuiteExtra = {}): { client: DtlsOptionsInput; server: DtlsOptionsInput } {
  if (suite.includes('ECDSA')) {
    const p = pki();
    return {
      client: { cipherSuites: [suite], ca: p.ca.certificate, serverName: 'localhost', ...extra },
      server: { cipherSuites: [suite], certificate: p.server.certificate, privateKey: p.server.privateKey, ...extra },
    };
  }
  return { client: { cipherSuites: [suite], psk: PSK, ...extra }, server: { cipherSuites: [suite], psk: PSK, ...extra } };
}

/** A pair for `suite`. */
export function suitePair(suite: CipherSuiteName, options: SecurityPairOptions = {}, extra: SuiteExtra = {}): SecurityPair {
  const o = suiteOptions(suite, extra);
  return new SecurityPair(dtls(o.client, 1), dtls(o.server, 2), options);
}
