/**
 * Rejecting unknown keys in simulator options: a misspelt option (`delya`,
 * `lose`) would otherwise leave the link unimpaired and the experiment
 * measuring a different network from the one written down.
 *
 * @module
 */
import { SimConfigError } from './errors.js';

/**
 * Throws a {@link SimConfigError} naming the first key of `options` that is not in `allowed`.
 *
 * @param options - the options object as given
 * @param allowed - the keys it may have
 * @param path - option path of the object (e.g. `link(10.0.0.1,10.0.0.2)`)
 */
export function rejectUnknownKeys(options: object, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new SimConfigError(`${path}.${key}`, `unknown option; expected one of ${allowed.join(', ')}`);
    }
  }
}
