/**
 * The process-wide plugin registries: the built-in plugins, present from
 * the moment toukit is imported, and the default registry that
 * applications register their own plugins into (its parent is the
 * built-ins' registry, so a stack config can name either).
 *
 * @module
 */
import type { Layer, Plugin } from '../contracts/plugin.js';
import { ToukitError } from '../errors.js';
import { builtinPlugins } from '../../plugins/index.js';
import { PluginRegistry } from './registry.js';

/** The built-in plugins (read-only by convention: register into {@link defaultRegistry} instead). */
export const builtinRegistry = new PluginRegistry();
for (const p of builtinPlugins) builtinRegistry.register(p);

/** The process-wide registry: plugins registered with {@link registerPlugin}, then the built-ins. */
export const defaultRegistry = new PluginRegistry(builtinRegistry);

/**
 * Register a plugin in the process-wide registry so stack configs can name it.
 * @throws ToukitError `ERR_PLUGIN_DUPLICATE` if another plugin of that layer already has the
 *   name, a built-in included (a stack's own `plugins` option may shadow a built-in instead)
 */
export function registerPlugin<L extends Layer, O>(plugin: Plugin<L, O>): void {
  const existing = defaultRegistry.get(plugin.layer, plugin.name);
  if (existing !== undefined && existing !== (plugin as unknown)) {
    const what = builtinRegistry.get(plugin.layer, plugin.name) === existing ? 'built-in' : 'registered';
    throw new ToukitError('ERR_PLUGIN_DUPLICATE', `a ${what} ${plugin.layer} plugin named '${plugin.name}' already exists; choose another name`);
  }
  defaultRegistry.register(plugin);
}

/**
 * Formerly registered the built-in plugins on first use; they are now present from import.
 * @deprecated nothing to do: kept so that existing callers still work
 */
export function registerBuiltins(): void {}
