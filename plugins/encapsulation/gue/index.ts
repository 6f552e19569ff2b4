/**
 * The `gue` encapsulation plugin: Generic UDP Encapsulation
 * (draft-ietf-intarea-gue-09, extensions from draft-ietf-intarea-gue-extensions-06),
 * with a `linux` profile limited to what the Linux `fou` module accepts.
 *
 * @module toukit/plugins/encapsulation/gue
 */
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import { GueEncapsulation } from './encapsulation.js';
import { gueOptionsSchema, type GueOptions } from './options.js';

export * from './constants.js';
export * from './errors.js';
export * from './checksum.js';
export * from './decode.js';
export * from './header.js';
export * from './control.js';
export * from './options.js';
export * from './encapsulation.js';

/** The `gue` encapsulation plugin. */
export const guePlugin: Plugin<'encapsulation', GueOptions> = definePlugin({
  name: 'gue',
  layer: 'encapsulation',
  description: 'Generic UDP Encapsulation (draft-ietf-intarea-gue-09): demultiplexes transports and control messages on one UDP port',
  capabilities: ['demultiplexing'],
  options: gueOptionsSchema,
  create: (options: GueOptions) => new GueEncapsulation(options),
});

export default guePlugin;
