/**
 * The security compliance suite run against every security plugin: `dtls`
 * with each of its cipher suites and every crypto provider, and `none`.
 */
import { describeSecurityCompliance } from '../../../core/testing/security.js';
import { noneSecurity } from '../../../plugins/security/none/index.js';
import { CIPHER_SUITE_NAMES } from '../../../plugins/security/dtls/suites.js';
import { dtls, suiteOptions } from './dtls/fixtures.js';

for (const suite of CIPHER_SUITE_NAMES) {
  for (const crypto of ['node', 'noble', 'wasm'] as const) {
    describeSecurityCompliance(`dtls ${suite} (${crypto})`, () => {
      const o = suiteOptions(suite, { crypto });
      return { client: dtls(o.client, 11), server: dtls(o.server, 12) };
    });
  }
}

describeSecurityCompliance('none', () => ({ client: noneSecurity, server: noneSecurity }));
