/**
 * Example: TCP Vegas as a `congestion` plugin. Register it (or pass it in
 * `createStack(..., { plugins: [vegas] })`) and name it in a stack file:
 *
 * ```json
 * { "transport": "tcp", "congestion": { "use": "vegas", "options": { "alpha": 2, "beta": 4 } } }
 * ```
 *
 * or load it by module path: `{ "congestion": { "use": "./examples/vegas/index.js" } }`.
 *
 * @module
 */
import { z } from 'zod';
import type { CongestionControllerFactory } from '../../core/contracts/congestion.js';
import { definePlugin } from '../../core/contracts/plugin.js';
import { Vegas } from './vegas.js';

export { Vegas } from './vegas.js';
export type { VegasOptions } from './vegas.js';

/** Options of the `vegas` controller (thresholds in segments). */
export const vegasOptionsSchema = z
  .object({
    alpha: z.number().min(0).default(2).describe('add a segment per RTT while fewer than alpha segments are queued'),
    beta: z.number().min(0).default(4).describe('remove a segment per RTT while more than beta segments are queued'),
    gamma: z.number().min(0).default(1).describe('leave slow start once more than gamma segments are queued'),
  })
  .strict()
  .refine((o) => o.alpha <= o.beta, { message: 'alpha must not exceed beta', path: ['alpha'] });

/** Options of the `vegas` controller (output of {@link vegasOptionsSchema}). */
export type VegasPluginOptions = z.output<typeof vegasOptionsSchema>;

/** The `vegas` congestion plugin (an example of a custom controller). */
export const vegasCongestionPlugin = definePlugin({
  name: 'vegas',
  layer: 'congestion',
  description: 'TCP Vegas: delay-based congestion avoidance (example plugin)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  options: vegasOptionsSchema,
  create: (options: VegasPluginOptions): CongestionControllerFactory => ({
    create: (ctx) => new Vegas(ctx, options),
  }),
});

export default vegasCongestionPlugin;
