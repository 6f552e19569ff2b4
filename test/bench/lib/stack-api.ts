/**
 * Late binding to `createStack` from `core/index.ts`: the harness must run
 * (raw UDP, and report skipped cases) even when the stack or a plugin is
 * missing or broken, so the stack is loaded with a dynamic import and used
 * through the minimal structural types below.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** A stack config as `createStack` takes it (layer names or `{ use, options }`). */
export type BenchStackConfig = Readonly<Record<string, unknown>>;

/** The part of a connection the benchmarks use (a node Duplex). */
export type BenchConnection = Duplex;

/** The part of a server the benchmarks use. */
export interface BenchServer {
  /** Bound UDP address. */
  address(): { port: number };
  /** `connection` events. */
  on(event: 'connection', listener: (conn: BenchConnection) => void): unknown;
}

/** The part of a stack the benchmarks use. */
export interface BenchStack {
  /** Listen for connections. */
  listen(options: { host: string; port: number }): Promise<BenchServer>;
  /** Open a connection. */
  connect(options: { host: string; port: number }): Promise<BenchConnection>;
  /** Close everything. */
  close(): Promise<void>;
}

/** `createStack` as the benchmarks call it. */
export type CreateStack = (config: BenchStackConfig, options?: Readonly<Record<string, unknown>>) => Promise<BenchStack>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CORE_INDEX = join(ROOT, 'core', 'index.js');
const LAYERS = ['encapsulation', 'security', 'transport', 'congestion'] as const;

/**
 * The plugin objects of the layers `config` names, loaded from
 * `plugins/<layer>/<name>/index.ts` when that file exists, so a case runs
 * whether or not the plugin is among the registered built-ins yet.
 */
async function pluginsFor(config: BenchStackConfig): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const layer of LAYERS) {
    const ref = config[layer];
    const name = typeof ref === 'string' ? ref : typeof ref === 'object' && ref !== null ? (ref as { use?: unknown }).use : undefined;
    if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name)) continue;
    const plugin = await pluginModule(layer, name);
    if (plugin !== undefined) out.push(plugin);
  }
  return out;
}

/** Default exports of plugin modules, loaded once per process (a dynamic import per `createStack` goes through tsx's loader thread). */
const pluginModules = new Map<string, Promise<unknown>>();

function pluginModule(layer: string, name: string): Promise<unknown> {
  const key = `${layer}/${name}`;
  let p = pluginModules.get(key);
  if (p === undefined) {
    p = existsSync(join(ROOT, 'plugins', layer, name, 'index.ts'))
      ? import(join(ROOT, 'plugins', layer, name, 'index.js')).then((mod: { default?: unknown }) => mod.default)
      : Promise.resolve(undefined);
    pluginModules.set(key, p);
  }
  return p;
}

/** Load `createStack` (wrapped to supply the plugins a config names), or return why it cannot be loaded. */
export async function loadCreateStack(): Promise<CreateStack | string> {
  let createStack: CreateStack;
  try {
    const mod = (await import(CORE_INDEX)) as { createStack?: unknown };
    if (typeof mod.createStack !== 'function') return 'core/index.ts does not export createStack yet';
    createStack = mod.createStack as CreateStack;
  } catch (err) {
    return `core/index.ts cannot be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  return async (config, options = {}) => {
    const plugins = await pluginsFor(config);
    return createStack(config, { ...options, plugins: [...plugins, ...((options.plugins as unknown[] | undefined) ?? [])] });
  };
}

/**
 * Why `config` cannot run here: createStack is missing, or creating the
 * stack fails (e.g. an unknown plugin). Undefined when it works.
 */
export async function stackUnavailable(config: BenchStackConfig): Promise<string | undefined> {
  const createStack = await loadCreateStack();
  if (typeof createStack === 'string') return createStack;
  try {
    const stack = await createStack(config);
    await stack.close();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

/** Shorthand for a stack config naming each layer. */
export function stackConfig(
  encapsulation: string,
  security: string | BenchStackConfig,
  transport: string,
  congestion: string,
): BenchStackConfig {
  return { encapsulation, security, transport, congestion };
}

/**
 * A DTLS security layer with a fixed benchmark PSK and the plugin's default
 * suite order (TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 is negotiated) and
 * default crypto provider (`node`: node:crypto).
 */
export const DTLS_PSK: BenchStackConfig = {
  use: 'dtls',
  options: { psk: { identity: 'bench', key: '000102030405060708090a0b0c0d0e0f' } },
};

/** {@link DTLS_PSK} with `crypto: 'wasm'`: node:crypto plus the WebAssembly ChaCha20-Poly1305 record kernel. */
export const DTLS_PSK_WASM: BenchStackConfig = {
  use: 'dtls',
  options: { psk: { identity: 'bench', key: '000102030405060708090a0b0c0d0e0f' }, crypto: 'wasm' },
};
