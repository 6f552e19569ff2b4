/**
 * `createStack(config, options?)`: resolve a declarative stack through a DI
 * container (one child container per stack, per-connection scopes), check
 * it before any traffic flows, and run it on a substrate (real UDP by
 * default, or a simulated host).
 *
 * @module
 */
import { rmSync } from 'node:fs';
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { CongestionContext, CongestionControllerFactory } from '../contracts/congestion.js';
import type { AnyPlugin, Layer, PluginEnvironment } from '../contracts/plugin.js';
import type { SecurityContext, SecurityProtocol } from '../contracts/security.js';
import type { Substrate } from '../contracts/substrate.js';
import type { SessionInit, TransportContext, TransportProtocol } from '../contracts/transport.js';
import { CryptoRandom, type RandomSource } from '../random/random.js';
import { realClock, type Clock, type TimerService } from '../time/clock.js';
import { RealTimerService } from '../time/real-timers.js';
import type { DatagramCapture } from '../trace/capture.js';
import { PcapWriter } from '../trace/pcap.js';
import { nullTracer, SinkTracer, type TraceSink, type Tracer } from '../trace/tracer.js';
import { UdpSubstrate } from '../../plugins/substrate/udp/index.js';
import { resolveStackConfig, type StackConfig } from './config.js';
import { defaultRegistry } from './builtins.js';
import { PluginRegistry } from './registry.js';
import { Stack } from './stack.js';
import { TOKENS } from './tokens.js';

/** Options of {@link createStack}. */
export interface CreateStackOptions {
  /** Datagram I/O (default: real UDP). A simulated host also supplies clock, timers and random source. */
  readonly substrate?: Substrate;
  /** Clock override. */
  readonly clock?: Clock;
  /** Timer service override. */
  readonly timers?: TimerService;
  /** Random source override. */
  readonly random?: RandomSource;
  /** Tracer override (takes precedence over `trace`). */
  readonly tracer?: Tracer;
  /** Trace sinks; a tracer stamping the stack clock is built for them. */
  readonly trace?: TraceSink | readonly TraceSink[];
  /** Capture every datagram sent and received (e.g. a `PcapWriter`). */
  readonly capture?: DatagramCapture;
  /** Write every datagram sent and received to this libpcap file (outer IP/UDP headers synthesized). */
  readonly pcap?: string;
  /** Parent DI container; tokens registered there override the stack's own (see {@link TOKENS}). */
  readonly container?: DependencyContainer;
  /** Extra plugins for this stack only. */
  readonly plugins?: readonly AnyPlugin[];
  /** Registry to resolve names from (default: the process-wide registry with the built-ins). */
  readonly registry?: PluginRegistry;
}

/**
 * Build a stack from a declarative config: validate it, resolve every layer's
 * plugin (by name, module path or object), check capabilities, and compose the
 * plugins in a DI container (one child container per stack, per-connection scopes).
 * @throws ConfigError naming the offending config path
 */
export async function createStack(config: StackConfig, options: CreateStackOptions = {}): Promise<Stack> {
  const registry = new PluginRegistry(options.registry ?? defaultRegistry);
  for (const p of options.plugins ?? []) registry.register(p);
  const resolved = await resolveStackConfig(config, registry);

  const substrate: Substrate = options.substrate ?? new UdpSubstrate();
  const senv = substrate.environment;
  const clock = options.clock ?? senv?.clock ?? realClock;
  // A substrate environment hands each stack its own timer service (the simulator's reads are fresh), so the stack closes it.
  const ownsTimers = options.timers === undefined;
  const timers = options.timers ?? senv?.timers ?? new RealTimerService(clock);
  const random = options.random ?? senv?.random ?? new CryptoRandom();
  const sinks = options.trace === undefined ? [] : Array.isArray(options.trace) ? options.trace : [options.trace as TraceSink];
  const tracer = options.tracer ?? (sinks.length ? new SinkTracer(() => clock.now(), sinks) : nullTracer);

  const layersInfo = Object.fromEntries(
    (Object.keys(resolved.layers) as Layer[]).map((l) => [l, { name: resolved.layers[l].plugin.name, capabilities: resolved.layers[l].plugin.capabilities }]),
  ) as PluginEnvironment['layers'];
  const penv: PluginEnvironment = { mtu: resolved.mtu, clock, timers, random, tracer, layers: layersInfo };

  const parent = options.container ?? rootContainer;
  const c = parent.createChildContainer();
  const has = (token: symbol): boolean => parent.isRegistered(token, true);
  const value = (token: symbol, v: unknown): void => {
    if (!has(token)) c.register(token, { useValue: v });
  };
  value(TOKENS.Clock, clock);
  value(TOKENS.Timers, timers);
  value(TOKENS.Random, random);
  value(TOKENS.Tracer, tracer);
  value(TOKENS.Substrate, substrate);
  const create = async (layer: Layer): Promise<unknown> => {
    const { plugin, options: opts } = resolved.layers[layer];
    return (plugin.create as (o: unknown, e: PluginEnvironment) => unknown)(opts, penv);
  };
  const tokenOf: Record<Layer, symbol> = {
    encapsulation: TOKENS.Encapsulation,
    security: TOKENS.Security,
    transport: TOKENS.Transport,
    congestion: TOKENS.Congestion,
  };
  for (const layer of ['encapsulation', 'security', 'transport', 'congestion'] as Layer[]) {
    if (!has(tokenOf[layer])) c.register(tokenOf[layer], { useValue: await create(layer) });
  }
  if (!has(TOKENS.TransportSession)) {
    c.register(TOKENS.TransportSession, {
      useFactory: (s) => s.resolve<TransportProtocol>(TOKENS.Transport).createSession(s.resolve<TransportContext>(TOKENS.TransportContext), s.resolve<SessionInit>(TOKENS.SessionInit)),
    });
  }
  if (!has(TOKENS.SecuritySession)) {
    c.register(TOKENS.SecuritySession, {
      useFactory: (s) => {
        const ctx = s.resolve<SecurityContext>(TOKENS.SecurityContext);
        const sec = s.resolve<SecurityProtocol>(TOKENS.Security);
        return ctx.role === 'client' ? sec.createClient(ctx) : sec.createServer(ctx);
      },
    });
  }
  if (!has(TOKENS.CongestionController)) {
    c.register(TOKENS.CongestionController, {
      useFactory: (s) => s.resolve<CongestionControllerFactory>(TOKENS.Congestion).create(s.resolve<CongestionContext>(TOKENS.CongestionContext)),
    });
  }
  const pcap = options.capture === undefined && options.pcap !== undefined ? new PcapWriter({ path: options.pcap }) : undefined;
  const capture = options.capture ?? pcap;
  // Connection ids are numbered per trace destination (unique in a trace shared by several stacks).
  const traceTarget = options.tracer ?? sinks[0];
  try {
    return new Stack(resolved, c, substrate, { clock, timers, random, tracer, capture, traceTarget }, ownsTimers);
  } catch (err) {
    // The stack was refused before any traffic: leave no empty capture file behind.
    if (pcap !== undefined) {
      pcap.close();
      rmSync(options.pcap as string, { force: true });
    }
    if (ownsTimers) timers.close?.();
    throw err;
  }
}
