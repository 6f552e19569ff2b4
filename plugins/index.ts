/**
 * The built-in plugins, in the process-wide built-in registry from the
 * moment `toukit` is imported (`core/composition/builtins.ts`). DTLS, tcp and sctp are taken
 * from their `plugin.ts`, not their `index.ts`: the plugin objects load
 * their protocols on first use, so this module does not pull them in.
 *
 * @module
 */
import type { AnyPlugin } from '../core/contracts/plugin.js';
import gue from './encapsulation/gue/index.js';
import noneEncapsulation from './encapsulation/none/index.js';
import noneSecurity from './security/none/index.js';
import { dtlsSecurityPlugin as dtls } from './security/dtls/plugin.js';
import datagram from './transport/datagram/index.js';
import { tcpTransportPlugin as tcp } from './transport/tcp/plugin.js';
import { sctpTransportPlugin as sctp } from './transport/sctp/plugin.js';
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
