/**
 * The built-in plugins, registered in the process-wide registry by
 * `createStack` (and by importing `toukit`).
 *
 * @module
 */
import type { AnyPlugin } from '../core/contracts/plugin.js';
import noneCongestion from './congestion/none/index.js';
import fixedCongestion from './congestion/fixed/index.js';
import noneSecurity from './security/none/index.js';
import datagram from './transport/datagram/index.js';
import gue from './encapsulation/gue/index.js';
import noneEncapsulation from './encapsulation/none/index.js';

/** Every built-in plugin. */
export const builtinPlugins: readonly AnyPlugin[] = [
  gue,
  noneEncapsulation,
  noneSecurity,
  datagram,
  noneCongestion,
  fixedCongestion,
];
