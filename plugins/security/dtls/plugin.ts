/**
 * The `dtls` plugin object: its name, capabilities and options schema, with
 * the protocol itself loaded on demand. `import 'toukit'` registers every
 * built-in plugin; the DTLS implementation (handshake, record layer,
 * certificates, the crypto providers) is loaded by the first stack that
 * names `dtls`, so a process that never uses DTLS does not pay for it
 * (start-up time and heap: see docs/guides/performance.md).
 *
 * @module
 */
import { z } from 'zod';
import { definePlugin, type Plugin } from '../../../core/contracts/plugin.js';
import type { SecurityProtocol } from '../../../core/contracts/security.js';
import { DTLS_CREDENTIAL_OPTIONS, dtlsJsonOptionsSchema, dtlsOptionsSchema } from './options.js';
import type { DtlsOptions } from './options.js';

/**
 * The JSON Schema of the options in a stack file: the zod schema's, plus the
 * credential rules its refinement checks (at least one credential;
 * `certificate` and `privateKey` together), which zod cannot export.
 */
function optionsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(dtlsJsonOptionsSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return {
    ...schema,
    anyOf: DTLS_CREDENTIAL_OPTIONS.map((k) => ({ required: [k] })),
    dependentRequired: { certificate: ['privateKey'], privateKey: ['certificate'] },
  };
}

/** The `dtls` security plugin. */
export const dtlsSecurityPlugin: Plugin<'security', DtlsOptions> = definePlugin({
  name: 'dtls',
  layer: 'security',
  description: 'DTLS 1.2 (RFC 6347): ECDHE-ECDSA, PSK and ECDHE-PSK with AES-128-GCM / ChaCha20-Poly1305',
  capabilities: ['confidential'],
  options: dtlsOptionsSchema,
  jsonSchema: optionsJsonSchema(),
  create: async (options: DtlsOptions, env): Promise<SecurityProtocol> => {
    const { DtlsProtocol } = await import('./protocol.js');
    return new DtlsProtocol(options, env.clock, env.random);
  },
});
