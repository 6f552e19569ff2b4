/**
 * GUE + DTLS 1.2 (PSK) + tcp: the project aims at ≥ 0.25× raw UDP. Two
 * rows: the `wasm` crypto provider (WebAssembly ChaCha20-Poly1305 records),
 * on which the target is judged, and the default `node` provider.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK, DTLS_PSK_WASM, stackConfig } from '../lib/stack-api.js';

/** GUE + DTLS + tcp throughput, `crypto: 'wasm'`. */
export const gueDtlsTcp = stackThroughputCase({
  name: 'gue-dtls-tcp',
  tags: ['udp', 'gue', 'dtls', 'tcp', 'stack'],
  description: "GUE + DTLS (PSK, crypto 'wasm') + tcp, reno",
  config: stackConfig('gue', DTLS_PSK_WASM, 'tcp', 'reno'),
  minRatio: 0.25,
});

/** The same with the default `node` crypto provider (a cipher object per record). */
export const gueDtlsTcpNode = stackThroughputCase({
  name: 'gue-dtls-tcp-node',
  tags: ['udp', 'gue', 'dtls', 'tcp', 'stack'],
  description: "GUE + DTLS (PSK, crypto 'node', the default) + tcp, reno",
  config: stackConfig('gue', DTLS_PSK, 'tcp', 'reno'),
});
