/**
 * GUE + DTLS 1.2 (PSK) + sctp.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK, stackConfig } from '../lib/stack-api.js';

/** GUE + DTLS + sctp throughput. */
export const gueDtlsSctp = stackThroughputCase({
  name: 'gue-dtls-sctp',
  tags: ['udp', 'gue', 'dtls', 'sctp', 'stack'],
  description: 'GUE + DTLS (PSK) + sctp, reno',
  config: stackConfig('gue', DTLS_PSK, 'sctp', 'reno'),
});
