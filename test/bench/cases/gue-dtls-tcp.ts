/**
 * GUE + DTLS 1.2 (PSK) + tcp: the project aims at ≥ 0.25× raw UDP.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK, stackConfig } from '../lib/stack-api.js';

/** GUE + DTLS + tcp throughput. */
export const gueDtlsTcp = stackThroughputCase({
  name: 'gue-dtls-tcp',
  tags: ['udp', 'gue', 'dtls', 'tcp', 'stack'],
  description: 'GUE + DTLS (PSK) + tcp, reno',
  config: stackConfig('gue', DTLS_PSK, 'tcp', 'reno'),
  minRatio: 0.25,
});
