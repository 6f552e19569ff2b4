/**
 * GUE + DTLS 1.2 (PSK, `crypto: 'wasm'`) + sctp with 1200-byte writes.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK_WASM, stackConfig } from '../lib/stack-api.js';

/** GUE + DTLS + sctp throughput. */
export const gueDtlsSctp = stackThroughputCase({
  name: 'gue-dtls-sctp',
  tags: ['udp', 'gue', 'dtls', 'sctp', 'stack'],
  description: "GUE + DTLS (PSK, crypto 'wasm') + sctp, reno",
  config: stackConfig('gue', DTLS_PSK_WASM, 'sctp', 'reno'),
});
