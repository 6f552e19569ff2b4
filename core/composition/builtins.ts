/**
 * Registers the built-in plugins in the process-wide registry (once).
 *
 * @module
 */
import { builtinPlugins } from '../../plugins/index.js';
import { defaultRegistry } from './registry.js';

let done = false;

/** Register every built-in plugin (idempotent). */
export function registerBuiltins(): void {
  if (done) return;
  done = true;
  for (const p of builtinPlugins) defaultRegistry.register(p);
}
