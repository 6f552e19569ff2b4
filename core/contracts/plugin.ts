/**
 * Plugin definitions. A plugin implements one layer, is registered under
 * (layer, name), declares the capabilities it provides and requires, and
 * validates its options with any Standard Schema.
 *
 * @module
 */
import type { CongestionControllerFactory } from './congestion.js';
import type { Encapsulation } from './encapsulation.js';
import type { SecurityProtocol } from './security.js';
import type { TransportProtocol } from './transport.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { Clock, TimerService } from '../time/clock.js';
import type { RandomSource } from '../random/random.js';
import type { Tracer } from '../trace/tracer.js';

/** The layers a stack config names (the substrate is chosen in code, not in the config). */
export type Layer = 'encapsulation' | 'security' | 'transport' | 'congestion';

/** Every configurable layer, in order from the wire up. */
export const LAYERS: readonly Layer[] = ['encapsulation', 'security', 'transport', 'congestion'];

/**
 * Capabilities a plugin provides (TAPS-like properties).
 * - `reliable`: every byte delivered exactly once
 * - `ordered`: delivered in order
 * - `stream`: byte stream
 * - `messages`: message boundaries preserved
 * - `multistream`: several independent streams
 * - `partial-reliability`: per-message lifetime / retransmission limits
 * - `congestion-controlled`: uses the congestion controller
 * - `confidential`: payload encrypted and authenticated
 * - `demultiplexing`: encapsulation carries a protocol number
 */
export type Capability =
  | 'reliable'
  | 'ordered'
  | 'stream'
  | 'messages'
  | 'multistream'
  | 'partial-reliability'
  | 'congestion-controlled'
  | 'confidential'
  | 'demultiplexing'
  | (string & {});

/** What each layer's plugin creates. */
export interface LayerInstances {
  /** Encapsulation instance. */
  encapsulation: Encapsulation;
  /** Security protocol instance. */
  security: SecurityProtocol;
  /** Transport protocol instance. */
  transport: TransportProtocol;
  /** Congestion-controller factory. */
  congestion: CongestionControllerFactory;
}

/** The plugin chosen for a layer. */
export interface LayerInfo {
  /** Plugin name. */
  readonly name: string;
  /** Its capabilities. */
  readonly capabilities: readonly Capability[];
}

/** Information about the resolved stack that plugins may need when created. */
export interface PluginEnvironment {
  /** The stack's largest UDP payload in bytes. */
  readonly mtu: number;
  /** The stack clock. */
  readonly clock: Clock;
  /** The stack timer service. */
  readonly timers: TimerService;
  /** The stack random source. */
  readonly random: RandomSource;
  /** The stack tracer. */
  readonly tracer: Tracer;
  /** Names and capabilities of the plugins chosen for each layer. */
  readonly layers: Readonly<Record<Layer, LayerInfo>>;
}

/** A plugin for one layer. */
export interface Plugin<L extends Layer = Layer, O = unknown> {
  /** Name used in stack configs (unique within its layer). */
  readonly name: string;
  /** The layer it implements. */
  readonly layer: L;
  /** One-line description shown in errors and `describe()`. */
  readonly description?: string;
  /** Capabilities it provides. */
  readonly capabilities: readonly Capability[];
  /** Capabilities other layers must provide for this plugin to work. */
  readonly requires?: Readonly<Partial<Record<Layer, readonly Capability[]>>>;
  /** Options schema (any Standard Schema); options default to `{}`. */
  readonly options?: StandardSchemaV1<unknown, O>;
  /** JSON Schema of the options, for the stack-file schema (derived from zod schemas when omitted). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
  /** Create the layer instance for one stack. */
  create(options: O, env: PluginEnvironment): LayerInstances[L] | Promise<LayerInstances[L]>;
}

/** A plugin of one layer with options of unknown type (what registries hold). */
export interface LayerPlugin<L extends Layer> extends Omit<Plugin<L, unknown>, 'create' | 'options'> {
  /** Options schema. */
  readonly options?: StandardSchemaV1<unknown, unknown>;
  /** Create the layer instance; `options` must be the schema's output. */
  create(options: never, env: PluginEnvironment): LayerInstances[L] | Promise<LayerInstances[L]>;
}

/** A plugin of any layer (for registries and lists). */
export type AnyPlugin = { [L in Layer]: LayerPlugin<L> }[Layer];

/**
 * Define a plugin with its options type inferred from the schema.
 * @example
 * ```ts
 * export default definePlugin({ name: 'my-cc', layer: 'congestion', capabilities: [], create: () => factory });
 * ```
 */
export function definePlugin<L extends Layer, O = Record<string, never>>(plugin: Plugin<L, O>): Plugin<L, O> {
  return Object.freeze({ ...plugin });
}
