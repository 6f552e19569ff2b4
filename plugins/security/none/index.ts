/**
 * The `none` security layer: no protection. The stack bypasses it
 * (`passthrough`), so it costs nothing per packet; its sessions still work
 * when driven directly (e.g. by the security compliance suite).
 *
 * @module toukit/plugins/security/none
 */
import type { SecurityContext, SecurityProtocol, SecuritySession } from '../../../core/contracts/security.js';
import { definePlugin } from '../../../core/contracts/plugin.js';

/** A session that passes datagrams through unchanged. */
export class PlaintextSession implements SecuritySession {
  /** No overhead. */
  readonly overhead = 0;
  private open = false;
  private readonly startedAt: number;

  /** @param ctx - the security context */
  constructor(private readonly ctx: SecurityContext) {
    this.startedAt = ctx.clock.now();
  }

  /** Established at once. */
  get established(): boolean {
    return this.open;
  }

  /** Reports the (empty) handshake as complete. */
  start(): void {
    if (this.open) return;
    this.open = true;
    this.ctx.established({ protocol: 'none', cipherSuite: 'none', durationMs: this.ctx.clock.now() - this.startedAt });
  }

  /** Delivers the datagram unchanged. */
  handleDatagram(data: Uint8Array): void {
    if (!this.open) this.start();
    this.ctx.deliver(data);
  }

  /** Sends the parts unchanged. */
  send(parts: readonly Uint8Array[]): void {
    this.ctx.sendDown(parts, 'application');
  }

  /** Nothing to release. */
  close(): void {
    this.open = false;
  }

  /** No counters. */
  stats(): Record<string, unknown> {
    return { protocol: 'none' };
  }
}

/** The `none` security protocol. */
export const noneSecurity: SecurityProtocol = {
  name: 'none',
  confidential: false,
  overhead: 0,
  transformType: 0,
  passthrough: true,
  createClient: (ctx) => new PlaintextSession(ctx),
  createServer: (ctx) => new PlaintextSession(ctx),
  accept: () => true,
};

/** The `none` security plugin. */
export const noneSecurityPlugin = definePlugin({
  name: 'none',
  layer: 'security',
  description: 'no security: datagrams are sent in the clear',
  capabilities: [],
  create: () => noneSecurity,
});

export default noneSecurityPlugin;
