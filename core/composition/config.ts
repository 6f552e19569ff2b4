/**
 * Declarative stack configuration: the shape of a stack file, loading it
 * from JSON, and resolving each layer to a registered (or module-loaded)
 * plugin with validated options, before any traffic flows.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { LAYERS, type AnyPlugin, type Capability, type Layer } from '../contracts/plugin.js';
import type { PluginRegistry } from './registry.js';
import { validateWithSchema } from './validation.js';

/** A plugin reference with options. */
export interface LayerUse {
  /** Plugin name, module path (`./my-cc.js`), or (in code) a plugin object. */
  readonly use: string | AnyPlugin;
  /** Plugin options (validated by the plugin's schema). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A layer reference: a plugin name (or module path), or `{ use, options }`; in code also a plugin object. */
export type LayerRef = string | AnyPlugin | LayerUse;

/** A stack configuration (what a stack file contains). */
export interface StackConfig {
  /** JSON Schema reference (ignored; allowed so editors can validate stack files). */
  readonly $schema?: string;
  /** Encapsulation plugin; default `gue`. */
  readonly encapsulation?: LayerRef;
  /** Security plugin; default `none`. */
  readonly security?: LayerRef;
  /** Transport plugin (required). */
  readonly transport: LayerRef;
  /** Congestion controller; default `cubic` (or `fixed` until it exists) for congestion-controlled transports, else `none`. */
  readonly congestion?: LayerRef;
  /** Largest UDP payload the stack sends, in bytes (default 1400). */
  readonly mtu?: number;
  /** Capabilities the application requires of the stack as a whole (e.g. `['reliable', 'confidential']`). */
  readonly require?: readonly Capability[];
}

/** Default stack MTU: the largest UDP payload sent, in bytes. */
export const DEFAULT_MTU = 1400;

/** Smallest accepted stack MTU in bytes. */
export const MIN_MTU = 256;

/** Largest UDP payload over IPv4 (65535 − 20 − 8) in bytes. */
export const MAX_MTU = 65507;

const pluginObject = z.custom<AnyPlugin>(
  (v) => typeof v === 'object' && v !== null && 'layer' in v && 'create' in v && 'name' in v,
  { message: 'expected a plugin object' },
);

// The unions name their alternatives as a stack file writes them (a plugin object is the in-code form).
const layerRefSchema = z.union(
  [
    z.string().min(1).describe('plugin name, or a module path starting with ./ ../ or /'),
    z
      .object({
        use: z.union([z.string().min(1).describe('plugin name or module path'), pluginObject], { error: 'expected a plugin name or module path' }),
        options: z.record(z.string(), z.unknown()).optional().describe('plugin options'),
      })
      .strict(),
    pluginObject,
  ],
  { error: 'expected a plugin name or { use, options }' },
);

/** The zod schema of a stack config's top level (plugin options are validated by each plugin). */
export const stackConfigSchema: z.ZodType<StackConfig> = z
  .object({
    $schema: z.string().optional(),
    encapsulation: layerRefSchema.optional(),
    security: layerRefSchema.optional(),
    transport: layerRefSchema,
    congestion: layerRefSchema.optional(),
    mtu: z.number().int().min(MIN_MTU).max(MAX_MTU).optional().describe('largest UDP payload in bytes'),
    require: z.array(z.string()).optional().describe('capabilities the stack must provide'),
  })
  .strict();

/**
 * Read a stack file (JSON). Module paths inside it (`{ "use": "./my-cc.js" }`)
 * are resolved relative to the file's folder here, at load time: the config
 * returned holds absolute paths, so a copy of it (`{ ...config, mtu }`,
 * `structuredClone`) still names the same modules.
 * @throws ConfigError `ERR_CONFIG_READ` / `ERR_CONFIG_JSON` when the file cannot be read or parsed
 */
export async function loadStackConfig(path: string): Promise<StackConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError('(file)', [`${path}: cannot read stack file (${(err as Error).message})`], 'ERR_CONFIG_READ');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('(file)', [`${path}: not valid JSON (${(err as Error).message})`], 'ERR_CONFIG_JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('(root)', [`${path}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`]);
  }
  const dir = dirname(resolvePath(path));
  const config = value as Record<string, unknown>;
  for (const layer of LAYERS) config[layer] = anchorModulePath(config[layer], dir);
  return config as unknown as StackConfig;
}

/** A layer reference with a relative module path made absolute against `dir` (anything else unchanged). */
function anchorModulePath(ref: unknown, dir: string): unknown {
  const anchor = (use: string): string => {
    if (!isModuleRef(use)) return use;
    // A relative file: URL (`file:./x.js`) is relative to the stack file too.
    if (use.startsWith('file:')) return use.startsWith('file:/') ? use : pathToFileURL(resolvePath(dir, use.slice(5))).href;
    return isAbsolute(use) ? use : resolvePath(dir, use);
  };
  if (typeof ref === 'string') return anchor(ref);
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && typeof (ref as { use?: unknown }).use === 'string') {
    return { ...ref, use: anchor((ref as { use: string }).use) };
  }
  return ref;
}

/** One resolved layer. */
export interface ResolvedLayer {
  /** The plugin. */
  readonly plugin: AnyPlugin;
  /** Validated options with defaults applied. */
  readonly options: unknown;
  /** Where the plugin came from (`registry` or a module path). */
  readonly source: string;
}

/** A fully resolved and checked stack. */
export interface ResolvedStackConfig {
  /** Resolved layers. */
  readonly layers: Readonly<Record<Layer, ResolvedLayer>>;
  /** Largest UDP payload in bytes. */
  readonly mtu: number;
}

function isModuleRef(name: string): boolean {
  return /^(\.{1,2}[\\/]|\/|file:)/.test(name) || /\.(m?js|cjs|ts|mts)$/.test(name);
}

async function importPlugin(spec: string, layer: Layer, baseDir: string): Promise<AnyPlugin> {
  const url = spec.startsWith('file:') ? spec : pathToFileURL(isAbsolute(spec) ? spec : resolvePath(baseDir, spec)).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(layer, [`${layer}: cannot load plugin module "${spec}" (${(err as Error).message})`], 'ERR_CONFIG_MODULE');
  }
  const exported = mod.default;
  const candidates = (Array.isArray(exported) ? exported : [exported]).filter(
    (p): p is AnyPlugin => typeof p === 'object' && p !== null && 'layer' in p && 'create' in p,
  );
  const matches = candidates.filter((p) => p.layer === layer);
  if (matches.length > 1) {
    const names = matches.map((p) => `"${p.name}"`).join(', ');
    throw new ConfigError(
      layer,
      [`${layer}: module "${spec}" exports several ${layer} plugins (${names}); export one per module, or register them with registerPlugin and name one`],
      'ERR_CONFIG_MODULE',
    );
  }
  const match = matches[0];
  if (match === undefined) {
    const found = candidates.map((p) => `${p.layer} plugin "${p.name}"`).join(', ') || 'no plugin';
    throw new ConfigError(layer, [`${layer}: module "${spec}" exports ${found} as its default export; expected ${article(layer)} ${layer} plugin`], 'ERR_CONFIG_MODULE');
  }
  return match;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function unknownPlugin(layer: Layer, name: string, registry: PluginRegistry): ConfigError {
  const available = registry.names(layer).map((n) => `"${n}"`).join(', ') || 'none';
  const elsewhere = registry.layersOf(name).filter((l) => l !== layer);
  const hint = elsewhere.length ? ` ("${name}" is ${article(elsewhere[0])} ${elsewhere.join('/')} plugin)` : '';
  return new ConfigError(layer, [`${layer}: unknown ${layer} plugin "${name}"${hint}; available: ${available}`], 'ERR_CONFIG_UNKNOWN_PLUGIN');
}

/**
 * Validate a config and resolve every layer to a plugin with validated options,
 * checking capabilities. Throws a {@link ConfigError} naming the offending path.
 */
export async function resolveStackConfig(config: StackConfig, registry: PluginRegistry): Promise<ResolvedStackConfig> {
  const top = await validateWithSchema(stackConfigSchema, config, '');
  if (!top.ok) throw new ConfigError(top.firstPath, top.issues);
  // Stack files arrive with absolute module paths (loadStackConfig); a config built in code is relative to the working directory.
  const baseDir = process.cwd();

  const layers = {} as Record<Layer, ResolvedLayer>;
  for (const layer of LAYERS) {
    let ref: LayerRef | undefined = config[layer];
    if (ref === undefined) ref = defaultRef(layer, layers, registry);
    const use = typeof ref === 'string' ? ref : 'use' in ref ? ref.use : ref;
    const rawOptions = typeof ref === 'object' && 'use' in ref ? (ref.options ?? {}) : {};
    let plugin: AnyPlugin;
    let source = 'registry';
    if (typeof use !== 'string') {
      plugin = use;
      source = 'object';
    } else if (isModuleRef(use)) {
      plugin = await importPlugin(use, layer, baseDir);
      source = use;
    } else {
      const p = registry.get(layer, use);
      if (p === undefined) throw unknownPlugin(layer, use, registry);
      plugin = p;
    }
    if (plugin.layer !== layer) {
      throw new ConfigError(layer, [`${layer}: plugin "${plugin.name}" is ${article(plugin.layer)} ${plugin.layer} plugin, not ${article(layer)} ${layer} plugin`], 'ERR_CONFIG_WRONG_LAYER');
    }
    let options: unknown = rawOptions;
    if (plugin.options !== undefined) {
      const r = await validateWithSchema(plugin.options, rawOptions, `${layer}.options`);
      if (!r.ok) throw new ConfigError(r.firstPath, r.issues);
      options = r.value;
    } else if (Object.keys(rawOptions).length > 0) {
      throw new ConfigError(`${layer}.options`, [`${layer}.options: plugin "${plugin.name}" takes no options, got ${JSON.stringify(rawOptions)}`]);
    }
    layers[layer] = { plugin, options, source };
  }
  checkCapabilities(layers, config.require ?? []);
  return { layers, mtu: config.mtu ?? DEFAULT_MTU };
}

function defaultRef(layer: Layer, resolved: Partial<Record<Layer, ResolvedLayer>>, registry: PluginRegistry): string {
  switch (layer) {
    case 'encapsulation':
      return 'gue';
    case 'security':
      return 'none';
    case 'congestion': {
      const transport = resolved.transport?.plugin;
      if (transport?.capabilities.includes('congestion-controlled')) {
        return registry.get('congestion', 'cubic') ? 'cubic' : 'fixed';
      }
      return 'none';
    }
    default:
      return '';
  }
}

function checkCapabilities(layers: Record<Layer, ResolvedLayer>, required: readonly Capability[]): void {
  const issues: string[] = [];
  let firstPath = '';
  for (const layer of LAYERS) {
    const { plugin } = layers[layer];
    for (const [other, caps] of Object.entries(plugin.requires ?? {}) as [Layer, readonly Capability[]][]) {
      const provider = layers[other].plugin;
      const missing = caps.filter((c) => !provider.capabilities.includes(c));
      if (missing.length) {
        firstPath ||= layer;
        const has = provider.capabilities.length ? provider.capabilities.join(', ') : 'nothing';
        issues.push(
          `${layer}: plugin "${plugin.name}" requires ${other} capabilit${missing.length > 1 ? 'ies' : 'y'} ${missing.map((m) => `"${m}"`).join(', ')}, which ${other} "${provider.name}" does not provide (it provides: ${has})`,
        );
      }
    }
  }
  const all = new Set(LAYERS.flatMap((l) => layers[l].plugin.capabilities));
  const missing = required.filter((c) => !all.has(c));
  if (missing.length) {
    firstPath ||= 'require';
    issues.push(`require: the stack does not provide ${missing.map((m) => `"${m}"`).join(', ')} (it provides: ${[...all].join(', ') || 'nothing'})`);
  }
  if (issues.length) throw new ConfigError(firstPath, issues, 'ERR_CONFIG_CAPABILITY');
}
