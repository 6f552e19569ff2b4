/**
 * Options of the `gue` encapsulation plugin (zod 4 schema, strict, with
 * defaults). The linux profile can express neither a VNID nor a GUE
 * checksum (the kernel drops every extension-draft flag), so asking for
 * them is a configuration error.
 *
 * @module
 */
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { GUE_PORT, type GueProfile } from './constants.js';

/** Validated `gue` options (output of {@link gueOptionsSchema}). */
export interface GueOptions {
  /**
   * Header layout (default `'draft'`): `'draft'` (draft-ietf-intarea-gue-09
   * with the extensions of draft-ietf-intarea-gue-extensions-06) or `'linux'`
   * (what the Linux `fou` module accepts: flags 0, private-flag remote
   * checksum offload).
   */
  readonly profile: GueProfile;
  /** UDP port used when listen/connect give none (default: the IANA `gue` port 6080). */
  readonly port: number;
  /** 32-bit virtual network / group identifier sent in every header (V flag); draft profile only. */
  readonly vnid?: number;
  /**
   * Add the GUE checksum field (K flag) to every header (default `false`):
   * RFC 1071 checksum over the GUE header (cached headers) or header +
   * payload (sealed headers); verified on receive whenever present. Draft
   * profile only.
   */
  readonly checksum: boolean;
}

/** Input accepted by {@link gueOptionsSchema} (every field optional). */
export type GueOptionsInput = Partial<GueOptions>;

/** Type of {@link gueOptionsSchema}: a zod schema whose field schemas can be inspected. */
export type GueOptionsSchema = z.ZodType<GueOptions, GueOptionsInput> & {
  /** The schema of each option, by name (each carries its `description`). */
  readonly shape: Readonly<Record<keyof GueOptions, z.ZodType>>;
};

/** Schema of the `gue` options. */
export const gueOptionsSchema: GueOptionsSchema = z
  .object({
    profile: z
      .enum(['draft', 'linux'])
      .default('draft')
      .describe(
        "header layout: 'draft' (draft-ietf-intarea-gue-09 + extensions-06) or 'linux' (what the Linux fou module accepts: flags 0, private-flag remote checksum offload)",
      ),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(GUE_PORT)
      .describe('UDP port used when listen/connect give none (IANA gue port 6080)'),
    vnid: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .optional()
      .describe('32-bit virtual network / group identifier sent in every header (V flag); draft profile only'),
    checksum: z
      .boolean()
      .default(false)
      .describe(
        'add the GUE checksum field (K flag) to every header: RFC 1071 checksum over the GUE header (cached headers) or header + payload (sealedHeader); verified on receive whenever present; draft profile only',
      ),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.profile !== 'linux') return;
    if (o.vnid !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['vnid'], message: 'the linux profile cannot carry a VNID (the kernel drops the V flag)' });
    }
    if (o.checksum) {
      ctx.addIssue({ code: 'custom', path: ['checksum'], message: 'the linux profile cannot carry a GUE checksum (the kernel drops the K flag)' });
    }
  });

/**
 * Validates options, throwing a {@link ConfigError} whose paths are prefixed
 * with `encapsulation.options`.
 */
export function parseGueOptions(input: unknown): GueOptions {
  const r = gueOptionsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${['encapsulation', 'options', ...i.path.map(String)].join('.')}: ${i.message}`);
  const first = r.error.issues[0];
  return failConfig(['encapsulation', 'options', ...first.path.map(String)].join('.'), issues);
}

function failConfig(path: string, issues: string[]): never {
  throw new ConfigError(path, issues);
}
