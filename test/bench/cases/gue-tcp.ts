/**
 * GUE + tcp (reliable byte stream, NewReno): the project aims at ≥ 0.5× raw UDP.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { stackConfig } from '../lib/stack-api.js';

/** GUE + tcp throughput with NewReno. */
export const gueTcp = stackThroughputCase({
  name: 'gue-tcp',
  tags: ['udp', 'gue', 'tcp', 'stack', 'cc'],
  description: 'GUE + tcp, no security, reno',
  config: stackConfig('gue', 'none', 'tcp', 'reno'),
  minRatio: 0.5,
});
