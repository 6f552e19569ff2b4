/**
 * The `reno` congestion plugin: NewReno (RFC 5681, RFC 3465, RFC 6582).
 *
 * @module toukit/plugins/congestion/reno
 */
import { z } from 'zod';
import type { CongestionControllerFactory } from '../../../core/contracts/congestion.js';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import { HyStartPlusPlus } from '../hystart/hystart.js';
import { ABC_LIMIT_SEGMENTS } from './loss-based.js';
import { Reno } from './reno.js';

export { Reno, RENO_BETA } from './reno.js';
export { LossBasedController, ABC_LIMIT_SEGMENTS } from './loss-based.js';
export type { LossBasedOptions } from './loss-based.js';

/**
 * Options of the `reno` congestion plugin, as validated by
 * {@link renoOptionsSchema} (every field has a default).
 */
export interface RenoOptions {
  /** Slow-start byte-counting limit L, in segments per ACK (RFC 3465 §2.2; at least 1, default 2). */
  readonly abcLimit: number;
  /** Undo a window reduction the transport reports as spurious (default `true`). */
  readonly undo: boolean;
  /** Use HyStart++ (RFC 9406) to leave the initial slow start early (default `false`). */
  readonly hystart: boolean;
}

/** Options of the `reno` congestion plugin as written in a stack config (every field optional). */
export type RenoOptionsInput = Partial<RenoOptions>;

/** Schema of the `reno` options (zod 4, strict, with defaults). */
export const renoOptionsSchema: z.ZodType<RenoOptions, RenoOptionsInput> = z
  .object({
    abcLimit: z
      .number()
      .min(1)
      .default(ABC_LIMIT_SEGMENTS)
      .describe('slow-start byte-counting limit L in segments per ACK (RFC 3465 §2.2)'),
    undo: z.boolean().default(true).describe('undo a reduction the transport reports as spurious'),
    hystart: z.boolean().default(false).describe('use HyStart++ (RFC 9406) for the initial slow start'),
  })
  .strict();

/** Factory for NewReno controllers with the given options. */
export function renoFactory(options: Partial<RenoOptions> = {}): CongestionControllerFactory {
  const o = renoOptionsSchema.parse(options);
  return {
    create: (ctx) =>
      new Reno(ctx, { abcLimit: o.abcLimit, undo: o.undo, hystart: o.hystart ? new HyStartPlusPlus() : undefined }),
  };
}

/** The `reno` congestion plugin. */
export const renoCongestionPlugin: Plugin<'congestion', RenoOptions> = definePlugin({
  name: 'reno',
  layer: 'congestion',
  description: 'NewReno: slow start, AIMD with byte counting, one halving per window (RFC 5681/3465/6582)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  options: renoOptionsSchema,
  create: (options: RenoOptions): CongestionControllerFactory => renoFactory(options),
});

export default renoCongestionPlugin;
