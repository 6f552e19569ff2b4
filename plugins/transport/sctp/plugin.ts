/**
 * The `sctp` plugin object: its name, capabilities and options schema, with
 * the protocol itself loaded on demand by the first stack that names `sctp`
 * (see `plugins/security/dtls/plugin.ts` for why).
 *
 * @module
 */
import { definePlugin } from '../../../core/contracts/plugin.js';
import type { TransportProtocol } from '../../../core/contracts/transport.js';
import { sctpOptionsSchema, type SctpOptions } from './options.js';

/** The `sctp` transport plugin. */
export const sctpTransportPlugin = definePlugin({
  name: 'sctp',
  layer: 'transport',
  description: 'SCTP (RFC 9260) with PR-SCTP (RFC 3758), over GUE Proto 132 or RFC 6951 UDP encapsulation',
  capabilities: ['reliable', 'ordered', 'messages', 'multistream', 'partial-reliability', 'congestion-controlled'],
  options: sctpOptionsSchema,
  create: async (options: SctpOptions, env): Promise<TransportProtocol> => {
    const { SctpProtocol } = await import('./protocol.js');
    return new SctpProtocol(
      options,
      env.random,
      () => env.clock.now(),
      options.zeroChecksum && env.layers.security.capabilities.includes('confidential'),
    );
  },
});
