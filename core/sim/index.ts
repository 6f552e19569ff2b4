/**
 * The deterministic network simulator: virtual time, simulated links and
 * hosts. A {@link SimHost} is a `Substrate`, so a stack runs on it unchanged:
 * `createStack(config, { substrate: net.host('10.0.0.1') })`.
 *
 * @module toukit/sim
 */
export { SimNetwork } from './network.js';
export type { SimNetworkOptions, RunOptions, RunLimitOptions, SimNetworkStats } from './network.js';
export { SimHost, SimSocket } from './host.js';
export type { RebindOptions, HostNetwork } from './host.js';
export { LinkDirection } from './link.js';
export { QueueSampler } from './sampler.js';
export type { QueueView } from './sampler.js';
export { SimPacket, PacketFifo } from './packet.js';
export type { PacketSink } from './packet.js';
export type { SimLink, LinkSocket, LinkEndpoint, LinkObserver } from './link.js';
export type {
  LinkOptions,
  LinkDirectionOptions,
  ReorderOptions,
  ReorderSpec,
  CorruptOptions,
  CorruptSpec,
  ResolvedDirection,
} from './options.js';
export type {
  QueueOptions,
  QueueLimitOptions,
  DropTailQueueOptions,
  CoDelQueueOptions,
  RedQueueOptions,
  QueueDiscipline,
} from './aqm.js';
export { gilbertElliottLossRate, GilbertElliottLoss } from './loss.js';
export type { LossOptions, BernoulliLossOptions, GilbertElliottLossOptions, DropScript, LossModel } from './loss.js';
export type {
  DropReason,
  LinkDirectionStats,
  SimLinkEvent,
  SimLinkEventType,
  QueueSample,
} from './stats.js';
export { SimScheduler } from './scheduler.js';
export type { RunResult, RunEndReason, RunSpec } from './scheduler.js';
export type { SimEvent } from './event.js';
export { SimTimerService } from './timers.js';
export { parseRate, parseSize, parseTime, bdpBytes } from './units.js';
export type { RateInput, SizeInput, TimeInput } from './units.js';
export { streamSeed, streamRandom } from './seed.js';
export { SimUnitError, SimConfigError, SimSocketError, SimRunningError, SimLimitError } from './errors.js';
