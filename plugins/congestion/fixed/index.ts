/**
 * The `fixed` congestion controller: a constant window in bytes, whatever
 * happens. Useful as a baseline and while testing transports.
 *
 * @module toukit/plugins/congestion/fixed
 */
import { z } from 'zod';
import type {
  CongestionContext,
  CongestionController,
  CongestionControllerFactory,
  CongestionSnapshot,
} from '../../../core/contracts/congestion.js';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';

/** Options of the `fixed` controller. */
export interface FixedOptions {
  /** Constant congestion window in bytes (default 65536; never below one MSS). */
  readonly window: number;
}

/** Schema of {@link FixedOptions}. */
export const fixedOptionsSchema: z.ZodType<FixedOptions> = z
  .object({
    window: z
      .number()
      .int()
      .min(1)
      .default(64 * 1024)
      .describe('constant congestion window in bytes'),
  })
  .strict();

/** A controller whose window never changes. */
export class FixedWindow implements CongestionController {
  /** Slow-start threshold: the window itself. */
  readonly ssthresh: number;
  /** Always `avoidance`. */
  readonly phase = 'avoidance' as const;

  /**
   * @param cwnd - the constant window in bytes (at least one MSS is always allowed)
   * @param ctx - controller context
   */
  constructor(
    readonly cwnd: number,
    ctx: CongestionContext,
  ) {
    this.ssthresh = cwnd;
    void ctx;
  }

  /** True while `bytesInFlight < cwnd`. */
  canSend(bytesInFlight: number): boolean {
    return bytesInFlight < this.cwnd;
  }
  /** Ignored. */
  onPacketSent(): void {}
  /** Ignored. */
  onAckBegin(): void {}
  /** Ignored. */
  onPacketAcked(): void {}
  /** Ignored. */
  onAckEnd(): void {}
  /** Ignored: the window is fixed. */
  onCongestionEvent(): void {}
  /** Ignored: the window is fixed. */
  onRetransmissionTimeout(): void {}
  /** `{ controller, cwnd }`. */
  snapshot(): CongestionSnapshot {
    return { controller: 'fixed', cwnd: this.cwnd };
  }
}

/** The `fixed` congestion plugin. */
export const fixedCongestionPlugin: Plugin<'congestion', FixedOptions> = definePlugin({
  name: 'fixed',
  layer: 'congestion',
  description: 'constant congestion window (`window` bytes)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  options: fixedOptionsSchema,
  create: (options: FixedOptions): CongestionControllerFactory => ({
    create: (ctx) => new FixedWindow(Math.max(options.window, ctx.mss), ctx),
  }),
});

export default fixedCongestionPlugin;
