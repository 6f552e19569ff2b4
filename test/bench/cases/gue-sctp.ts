/**
 * GUE + sctp (reliable ordered messages on one stream).
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { stackConfig } from '../lib/stack-api.js';

/** GUE + sctp throughput. */
export const gueSctp = stackThroughputCase({
  name: 'gue-sctp',
  tags: ['udp', 'gue', 'sctp', 'stack'],
  description: 'GUE + sctp, no security, reno',
  config: stackConfig('gue', 'none', 'sctp', 'reno'),
});
