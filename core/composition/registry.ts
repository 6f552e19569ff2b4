/**
 * The plugin registry, keyed by (layer, name): `none` exists in several layers.
 *
 * @module
 */
import { ToukitError } from '../errors.js';
import type { AnyPlugin, Layer, Plugin } from '../contracts/plugin.js';

/** A registry of plugins keyed by (layer, name). */
export class PluginRegistry {
  private readonly plugins = new Map<string, AnyPlugin>();

  /** @param parent - registry consulted for names not found here */
  constructor(private readonly parent?: PluginRegistry) {}

  /**
   * Register a plugin.
   * @throws ToukitError `ERR_PLUGIN_DUPLICATE` if (layer, name) is taken in this registry
   */
  register<L extends Layer, O>(plugin: Plugin<L, O>): void {
    const key = `${plugin.layer}:${plugin.name}`;
    const existing = this.plugins.get(key);
    if (existing !== undefined && existing !== (plugin as unknown)) {
      throw new ToukitError('ERR_PLUGIN_DUPLICATE', `a ${plugin.layer} plugin named '${plugin.name}' is already registered`);
    }
    this.plugins.set(key, plugin as unknown as AnyPlugin);
  }

  /** Look up a plugin by layer and name. */
  get(layer: Layer, name: string): AnyPlugin | undefined {
    return this.plugins.get(`${layer}:${name}`) ?? this.parent?.get(layer, name);
  }

  /** Layers in which some plugin is called `name`. */
  layersOf(name: string): Layer[] {
    const out = new Set<Layer>();
    for (const p of this.list()) if (p.name === name) out.add(p.layer);
    return [...out];
  }

  /** Every plugin (own first, then inherited), optionally of one layer. */
  list(layer?: Layer): AnyPlugin[] {
    const seen = new Set<string>();
    const out: AnyPlugin[] = [];
    for (let r: PluginRegistry | undefined = this; r !== undefined; r = r.parent) {
      for (const [key, p] of r.plugins) {
        if (seen.has(key) || (layer !== undefined && p.layer !== layer)) continue;
        seen.add(key);
        out.push(p);
      }
    }
    return out;
  }

  /** Names of the plugins of one layer, sorted. */
  names(layer: Layer): string[] {
    return this.list(layer)
      .map((p) => p.name)
      .sort();
  }
}
