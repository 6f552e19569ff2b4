import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, afterEach } from 'vitest';
import { createStack, defaultRegistry, type Stack, type StackConfig } from '../../../core/index.js';
import { stackJsonSchema } from '../../../core/composition/json-schema.js';
import { Ajv2020 } from 'ajv/dist/2020.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const schema = stackJsonSchema(defaultRegistry);
// Ajv, a validator nobody here wrote, in strict mode: an unknown keyword or a
// malformed schema fails compile() instead of passing unchecked. (strictRequired
// is off: "at least one credential" is an anyOf of bare `required` lists.)
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);

/** The problems of `value` against the schema (`/congestion: anyOf`); empty when valid. */
function jsonSchemaErrors(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.keyword}`);
}
const valid = (config: unknown): boolean => jsonSchemaErrors(config).length === 0;

/** Every JSON file under `dir` that is a stack file (it names a transport, or points at the stack schema). */
function stackFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...stackFiles(path));
    } else if (entry.name.endsWith('.json')) {
      const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      if ('transport' in json || String(json.$schema ?? '').endsWith('stack.schema.json')) out.push(relative(root, path));
    }
  }
  return out;
}

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

describe('the stack-file JSON Schema', () => {
  it('accepts a congestion plugin registered by the application, as examples/vegas/stack.json names it', () => {
    const example = JSON.parse(readFileSync(join(root, 'examples/vegas/stack.json'), 'utf8')) as unknown;
    expect(jsonSchemaErrors(example)).toEqual([]);
    expect(valid({ transport: 'tcp', congestion: 'vegas' })).toBe(true);
    expect(valid({ transport: 'tcp', congestion: { use: 'vegas', options: { alpha: 2, beta: 4 } } })).toBe(true);
    expect(valid({ transport: 'my-transport', security: 'my-security', encapsulation: { use: 'my-encap' } })).toBe(true);
  });

  it('accepts every stack file in the repository', () => {
    const files = [...stackFiles(join(root, 'examples')), ...stackFiles(join(root, 'test'))];
    expect(files).toEqual(expect.arrayContaining(['examples/vegas/stack.json', 'examples/vegas/stack-module.json', 'test/core/composition/fixtures/module-stack.json']));
    for (const file of files) {
      expect({ file, errors: jsonSchemaErrors(JSON.parse(readFileSync(join(root, file), 'utf8'))) }).toEqual({ file, errors: [] });
    }
  });

  it('checks the options of a built-in named in use against that plugin, not the branch for other plugins', () => {
    expect(valid({ transport: { use: 'tcp', options: { minRto: 200, receiveBuffer: 4194304 } } })).toBe(true);
    expect(valid({ transport: { use: 'tcp', options: { minRto: 'abc' } } })).toBe(false);
    expect(valid({ transport: { use: 'tcp', options: { mss: 'abc' } } })).toBe(false);
    expect(valid({ encapsulation: { use: 'gue', options: { profile: 'bsd' } }, transport: 'datagram' })).toBe(false);
  });

  it('lists the built-in names of each layer for completion', () => {
    const layer = (schema.properties as Record<string, { anyOf: { enum?: string[] }[] }>).transport;
    expect(layer.anyOf.find((b) => b.enum !== undefined)?.enum).toEqual(expect.arrayContaining(['datagram', 'sctp', 'tcp']));
  });

  it('accepts module paths, bare or with options', () => {
    expect(valid({ transport: 'tcp', congestion: './my-cc.js' })).toBe(true);
    expect(valid({ transport: 'tcp', congestion: { use: '../cc/index.ts', options: { window: 4 } } })).toBe(true);
  });

  it('rejects a missing transport, empty names and unknown keys beside use and options', () => {
    expect(valid({ congestion: 'reno' })).toBe(false);
    expect(valid({ transport: '' })).toBe(false);
    expect(valid({ transport: { use: '' } })).toBe(false);
    expect(valid({ transport: { use: 'vegas', option: {} } })).toBe(false);
    expect(valid({ transport: 5 })).toBe(false);
  });

  it('rejects a dtls layer without credentials, and certificate without privateKey', () => {
    const psk = { identity: 'me', key: '00112233445566778899aabbccddeeff' };
    expect(valid({ transport: 'datagram', security: 'dtls' })).toBe(false);
    expect(valid({ transport: 'datagram', security: { use: 'dtls' } })).toBe(false);
    expect(valid({ transport: 'datagram', security: { use: 'dtls', options: { crypto: 'noble' } } })).toBe(false);
    expect(valid({ transport: 'datagram', security: { use: 'dtls', options: { certificate: '-----BEGIN CERTIFICATE-----' } } })).toBe(false);
    expect(valid({ transport: 'datagram', security: { use: 'dtls', options: { psk } } })).toBe(true);
    expect(valid({ transport: 'datagram', security: { use: 'dtls', options: { fingerprint: 'ab'.repeat(32) } } })).toBe(true);
  });

  it('embeds plugin option schemas without a $schema of their own (only the document root declares it)', () => {
    const nested: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if (k === '$schema' && typeof v === 'string' && at !== '') nested.push(at);
        walk(v, `${at}/${k}`);
      }
    };
    walk(schema, '');
    expect(nested).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a minimal stack', { transport: 'datagram' }],
    ['every layer with options', { encapsulation: { use: 'gue', options: { port: 7000 } }, security: 'none', transport: { use: 'tcp', options: { noDelay: true } }, congestion: { use: 'reno' }, mtu: 1280 }],
    ['dtls with a psk', { security: { use: 'dtls', options: { psk: { identity: 'me', key: '0011' } } }, transport: 'datagram' }],
    ['no transport', { congestion: 'reno' }],
    ['an mtu below the minimum', { transport: 'datagram', mtu: 100 }],
    ['an mtu given as text', { transport: 'datagram', mtu: '1400' }],
    ['a wrong tcp option type', { transport: { use: 'tcp', options: { minRto: 'abc' } } }],
    ['an unknown tcp option', { transport: { use: 'tcp', options: { mss: 1200 } } }],
    ['dtls without credentials', { security: 'dtls', transport: 'datagram' }],
    ['a bad psk key', { security: { use: 'dtls', options: { psk: { identity: 'me', key: 'zz' } } }, transport: 'datagram' }],
    ['an unknown top-level key', { transport: 'datagram', transprot: 'tcp' }],
  ])('agrees with createStack on built-in plugins: %s', async (_, config) => {
    let accepted = true;
    try {
      stacks.push(await createStack(config as StackConfig));
    } catch {
      accepted = false;
    }
    expect(valid(config)).toBe(accepted);
  });
});
