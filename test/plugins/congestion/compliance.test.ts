/**
 * Every built-in congestion controller passes the compliance suite.
 */
import { describeCongestionCompliance } from '../../../core/testing/index.js';
import noneCongestionPlugin from '../../../plugins/congestion/none/index.js';
import fixedCongestionPlugin, { fixedOptionsSchema } from '../../../plugins/congestion/fixed/index.js';
import { renoFactory } from '../../../plugins/congestion/reno/index.js';
import { cubicFactory } from '../../../plugins/congestion/cubic/index.js';
import type { PluginEnvironment } from '../../../core/contracts/plugin.js';
import { renoLinuxPlugin, renoQuichePlugin } from '../../../plugins/congestion/adapters/index.js';

const env = undefined as unknown as PluginEnvironment;

describeCongestionCompliance('none', await noneCongestionPlugin.create({}, env), { reactive: false });
describeCongestionCompliance('fixed', await fixedCongestionPlugin.create(fixedOptionsSchema.parse({}), env), {
  reactive: false,
});
describeCongestionCompliance('reno', renoFactory());
describeCongestionCompliance('reno (HyStart++)', renoFactory({ hystart: true }));
describeCongestionCompliance('cubic', cubicFactory());
describeCongestionCompliance('cubic (no HyStart++, no fast convergence)', cubicFactory({ hystart: false, fastConvergence: false }));
describeCongestionCompliance('reno-linux (Linux adapter)', await renoLinuxPlugin.create({}, env));
describeCongestionCompliance('reno-quiche (quiche adapter)', await renoQuichePlugin.create({}, env));
