/**
 * toukit: transports over UDP. The package entry point.
 *
 * ```ts
 * import { createStack } from 'toukit';
 * const stack = await createStack({ transport: 'datagram' });
 * ```
 *
 * @module toukit
 */
export { createStack, Stack } from './composition/stack.js';
export type {
  CreateStackOptions,
  ListenOptions,
  ConnectOptions,
  ControlMessage,
  StackEvents,
  StackDescription,
  DescribedLayer,
} from './composition/stack.js';
export { loadStackConfig, resolveStackConfig, stackConfigSchema, DEFAULT_MTU, MIN_MTU, MAX_MTU } from './composition/config.js';
export type { StackConfig, LayerRef, LayerUse, ResolvedLayer, ResolvedStackConfig } from './composition/config.js';
export { PluginRegistry } from './composition/registry.js';
export { builtinRegistry, defaultRegistry, registerBuiltins, registerPlugin } from './composition/builtins.js';
export { TOKENS } from './composition/tokens.js';
export { validateWithSchema, describeJsonSchema } from './composition/validation.js';
export type { ValidationResult, ValidationSuccess, ValidationFailure, JsonSchema } from './composition/validation.js';
export { Connection } from './connection/connection.js';
export type { ConnectionAddresses, ConnectionOwner } from './connection/connection.js';
export { Server } from './connection/server.js';
export type { ServerEvents, ServerOwner } from './connection/server.js';

export * from './errors.js';
export * from './contracts/address.js';
export * from './contracts/substrate.js';
export * from './contracts/encapsulation.js';
export * from './contracts/security.js';
export * from './contracts/transport.js';
export * from './contracts/congestion.js';
export { ReusedCongestionEvents } from './congestion/reused-events.js';
export * from './contracts/plugin.js';
export type * from './contracts/standard-schema.js';

export * from './time/clock.js';
export { RealTimerService } from './time/real-timers.js';
export { DeadlineHeap } from './time/heap.js';
export type { HeapEntry } from './time/heap.js';
export * from './random/random.js';
export * from './trace/tracer.js';
export type { DatagramCapture } from './trace/capture.js';
export { PcapWriter, ipAddressBytes } from './trace/pcap.js';
export type { PcapWriterOptions } from './trace/pcap.js';
export * from './trace/jsonseq.js';
export * from './trace/plot/index.js';

export { UdpSubstrate } from '../plugins/substrate/udp/index.js';
export type { UdpSubstrateOptions } from '../plugins/substrate/udp/index.js';
export { builtinPlugins } from '../plugins/index.js';
export * from './sim/index.js';
