/**
 * The built-in plugins, registered in the process-wide registry by
 * `createStack` (and by importing `toukit`).
 *
 * @module
 */
import type { AnyPlugin } from '../core/contracts/plugin.js';
import gue from './encapsulation/gue/index.js';
import noneEncapsulation from './encapsulation/none/index.js';
import noneSecurity from './security/none/index.js';
import dtls from './security/dtls/index.js';
import datagram from './transport/datagram/index.js';
import tcp from './transport/tcp/index.js';
import sctp from './transport/sctp/index.js';
import noneCongestion from './congestion/none/index.js';
import fixedCongestion from './congestion/fixed/index.js';
import reno from './congestion/reno/index.js';
import cubic from './congestion/cubic/index.js';

/** Every built-in plugin. */
export const builtinPlugins: readonly AnyPlugin[] = [
  gue,
  noneEncapsulation,
  noneSecurity,
  dtls,
  datagram,
  tcp,
  sctp,
  noneCongestion,
  fixedCongestion,
  reno,
  cubic,
];
