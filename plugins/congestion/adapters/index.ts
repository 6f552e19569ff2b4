/**
 * Porting adapters for congestion controllers written in the style of Linux
 * (`tcp_congestion_ops`, segments) or quiche (`CongestionControlOps`, bytes),
 * and NewReno ported through each of them (`reno-linux`, `reno-quiche`
 * plugins) as worked examples.
 *
 * @module toukit/plugins/congestion/adapters
 */
import type { CongestionControllerFactory } from '../../../core/contracts/congestion.js';
import { definePlugin } from '../../../core/contracts/plugin.js';
import { linuxCongestionFactory } from './linux.js';
import { quicheCongestionFactory } from './quiche.js';
import { tcpRenoOps } from './reno-linux.js';
import { quicheRenoOps } from './reno-quiche.js';

export { LinuxCongestionAdapter, linuxCongestionFactory } from './linux.js';
export {
  tcp_in_slow_start,
  tcp_slow_start,
  tcp_cong_avoid_ai,
  tcp_reno_ssthresh,
  tcp_reno_undo_cwnd,
  tcp_reno_cong_avoid,
} from './linux-ops.js';
export type { TcpSock, TcpCongestionOps, TcpCaState, TcpCaEvent, AckSample } from './linux-ops.js';
export { QuicheCongestionAdapter, quicheCongestionFactory } from './quiche.js';
export type { QuicheCongestionOps, QuicheCongestionState, QuicheAcked } from './quiche.js';
export { tcpRenoOps } from './reno-linux.js';
export { quicheRenoOps } from './reno-quiche.js';
export type { RenoCheckpoint } from './reno-quiche.js';

/** NewReno through the Linux adapter, as a `congestion` plugin named `reno-linux`. */
export const renoLinuxPlugin = definePlugin({
  name: 'reno-linux',
  layer: 'congestion',
  description: 'NewReno ported as a Linux tcp_congestion_ops module (adapter example)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  create: (): CongestionControllerFactory => linuxCongestionFactory(tcpRenoOps),
});

/** NewReno through the quiche adapter, as a `congestion` plugin named `reno-quiche`. */
export const renoQuichePlugin = definePlugin({
  name: 'reno-quiche',
  layer: 'congestion',
  description: 'NewReno ported as quiche-style congestion ops (adapter example)',
  capabilities: [],
  requires: { transport: ['congestion-controlled'] },
  create: (): CongestionControllerFactory => quicheCongestionFactory(quicheRenoOps),
});
