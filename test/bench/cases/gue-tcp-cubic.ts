/**
 * GUE + tcp with CUBIC instead of NewReno, to compare controllers on the
 * same loopback path (no target: loopback has no congestion to speak of).
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { stackConfig } from '../lib/stack-api.js';

/** GUE + tcp throughput with CUBIC. */
export const gueTcpCubic = stackThroughputCase({
  name: 'gue-tcp-cubic',
  tags: ['udp', 'gue', 'tcp', 'stack', 'cc'],
  description: 'GUE + tcp, no security, cubic',
  config: stackConfig('gue', 'none', 'tcp', 'cubic'),
});
