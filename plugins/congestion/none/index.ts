/**
 * The `none` congestion controller: no limit at all (like smoltcp's
 * `NoControl`). For unreliable transports and tests.
 *
 * @module toukit/plugins/congestion/none
 */
import type { CongestionController, CongestionControllerFactory, CongestionSnapshot } from '../../../core/contracts/congestion.js';
import { definePlugin } from '../../../core/contracts/plugin.js';

/** A controller that never limits sending. */
export class NoCongestionControl implements CongestionController {
  /** Always Infinity. */
  readonly cwnd = Infinity;
  /** Always Infinity. */
  readonly ssthresh = Infinity;
  /** Always `avoidance`. */
  readonly phase = 'avoidance' as const;
  /** Always true. */
  canSend(): boolean {
    return true;
  }
  /** Ignored. */
  onPacketSent(): void {}
  /** Ignored. */
  onAckBegin(): void {}
  /** Ignored. */
  onPacketAcked(): void {}
  /** Ignored. */
  onAckEnd(): void {}
  /** Ignored. */
  onCongestionEvent(): void {}
  /** Ignored. */
  onRetransmissionTimeout(): void {}
  /** `{ controller: 'none' }`. */
  snapshot(): CongestionSnapshot {
    return { controller: 'none' };
  }
}

/** The `none` congestion plugin. */
export const noneCongestionPlugin = definePlugin({
  name: 'none',
  layer: 'congestion',
  description: 'no congestion control (unlimited window)',
  capabilities: [],
  create: (): CongestionControllerFactory => ({ create: () => new NoCongestionControl() }),
});

export default noneCongestionPlugin;
