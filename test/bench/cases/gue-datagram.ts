/**
 * GUE + datagram transport (no security, no congestion control): the
 * thinnest stack; the project aims at ≥ 0.9× raw UDP.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { stackConfig } from '../lib/stack-api.js';

/** GUE + datagram throughput. */
export const gueDatagram = stackThroughputCase({
  name: 'gue-datagram',
  tags: ['udp', 'gue', 'datagram', 'stack'],
  description: 'GUE + datagram, no security, congestion none',
  config: stackConfig('gue', 'none', 'datagram', 'none'),
  minRatio: 0.9,
});
