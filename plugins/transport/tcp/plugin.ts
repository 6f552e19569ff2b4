/**
 * The `tcp` plugin object: its name, capabilities and options schema, with
 * the protocol itself loaded on demand by the first stack that names `tcp`
 * (see `plugins/security/dtls/plugin.ts` for why).
 *
 * @module
 */
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import type { TransportProtocol } from '../../../core/contracts/transport.js';
import { tcpOptionsSchema } from './config.js';
import type { TcpConfig } from './config.js';

/** The `tcp` transport plugin (IP protocol 6). */
export const tcpTransportPlugin: Plugin<'transport', TcpConfig> = definePlugin({
  name: 'tcp',
  layer: 'transport',
  description: 'RFC 9293 TCP in user space (SACK, timestamps, window scaling, NewReno/SACK recovery)',
  capabilities: ['reliable', 'ordered', 'stream', 'congestion-controlled'],
  options: tcpOptionsSchema,
  create: async (options: TcpConfig, env): Promise<TransportProtocol> => {
    const { TcpProtocol } = await import('./protocol.js');
    return new TcpProtocol(options, env);
  },
});
