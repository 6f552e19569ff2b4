/**
 * The `cubic` congestion plugin: CUBIC (RFC 9438) with HyStart++ (RFC 9406).
 *
 * @module toukit/plugins/congestion/cubic
 */
import { z } from 'zod';
import type { CongestionControllerFactory } from '../../../core/contracts/congestion.js';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import { HyStartPlusPlus } from '../hystart/hystart.js';
import { ABC_LIMIT_SEGMENTS } from '../reno/loss-based.js';
import { Cubic } from './cubic.js';

export { Cubic } from './cubic.js';
export type { CubicOptions } from './cubic.js';
export { ALPHA_CUBIC, BETA_CUBIC, CUBIC_C, TARGET_CAP, cubicK, wCubic } from './math.js';

/**
 * Options of the `cubic` congestion plugin, as validated by
 * {@link cubicOptionsSchema} (every field has a default).
 */
export interface CubicPluginOptions {
  /** Use HyStart++ (RFC 9406) to leave the initial slow start early (default `true`). */
  readonly hystart: boolean;
  /** Fast convergence: release bandwidth faster when the window shrinks between losses (RFC 9438 §4.7; default `true`). */
  readonly fastConvergence: boolean;
  /** Reno-friendly region, estimated with W_est (RFC 9438 §4.3; default `true`). */
  readonly renoFriendly: boolean;
  /** Slow-start byte-counting limit L, in segments per ACK (RFC 3465 §2.2; at least 1, default 2). */
  readonly abcLimit: number;
  /** Undo a window reduction the transport reports as spurious (RFC 9438 §4.9; default `true`). */
  readonly undo: boolean;
}

/** Options of the `cubic` congestion plugin as written in a stack config (every field optional). */
export type CubicPluginOptionsInput = Partial<CubicPluginOptions>;

/** Schema of the `cubic` options (zod 4, strict, with defaults). */
export const cubicOptionsSchema: z.ZodType<CubicPluginOptions, CubicPluginOptionsInput> = z
  .object({
    hystart: z.boolean().default(true).describe('use HyStart++ (RFC 9406) for the initial slow start'),
    fastConvergence: z.boolean().default(true).describe('fast convergence (RFC 9438 §4.7)'),
    renoFriendly: z.boolean().default(true).describe('Reno-friendly region with W_est (RFC 9438 §4.3)'),
    abcLimit: z
      .number()
      .min(1)
      .default(ABC_LIMIT_SEGMENTS)
      .describe('slow-start byte-counting limit L in segments per ACK (RFC 3465 §2.2)'),
    undo: z.boolean().default(true).describe('undo a reduction the transport reports as spurious (RFC 9438 §4.9)'),
  })
  .strict();

/** Factory for CUBIC controllers with the given options. */
export function cubicFactory(options: Partial<CubicPluginOptions> = {}): CongestionControllerFactory {
  const o = cubicOptionsSchema.parse(options);
  return {
    create: (ctx) =>
      new Cubic(ctx, {
        abcLimit: o.abcLimit,
        undo: o.undo,
        fastConvergence: o.fastConvergence,
        renoFriendly: o.renoFriendly,
        hystart: o.hystart ? new HyStartPlusPlus() : undefined,
      }),
  };
}

/** The `cubic` congestion plugin. */
export const cubicCongestionPlugin: Plugin<'congestion', CubicPluginOptions> = definePlugin({
  name: 'cubic',
  layer: 'congestion',
  description: 'CUBIC (RFC 9438) with HyStart++ (RFC 9406, option `hystart`)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  options: cubicOptionsSchema,
  create: (options: CubicPluginOptions): CongestionControllerFactory => cubicFactory(options),
});

export default cubicCongestionPlugin;
