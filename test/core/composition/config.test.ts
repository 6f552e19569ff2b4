import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it, expect, afterEach } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createStack,
  definePlugin,
  loadStackConfig,
  PluginRegistry,
  defaultRegistry,
  type Stack,
  type StackConfig,
  type CongestionControllerFactory,
} from '../../../core/index.js';
import { NoCongestionControl } from '../../../plugins/congestion/none/index.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function configError(config: unknown, registry?: PluginRegistry): Promise<ConfigError> {
  try {
    const s = await createStack(config as StackConfig, registry ? { registry } : {});
    stacks.push(s);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected createStack to fail');
}

describe('stack config validation', () => {
  it('requires a transport', async () => {
    const e = await configError({});
    expect(e.path).toBe('transport');
    expect(e.message).toMatch(/^transport: /);
  });

  it('names a missing transport as required, with the forms it may take', async () => {
    for (const config of [{}, { congestion: 'reno' }]) {
      const e = await configError(config);
      expect(e.path).toBe('transport');
      expect(e.message).toBe('transport: required; expected a plugin name or { use, options }, got nothing');
    }
  });

  it('names the forms of a layer given as the wrong type', async () => {
    const e = await configError({ transport: 5 });
    expect(e.message).toBe('transport: expected a plugin name or { use, options }, got 5');
  });

  it('reports a problem inside { use, options } at its own path', async () => {
    expect((await configError({ transport: { use: 'tcp', options: 5 } })).message).toBe('transport.options: expected an object, got 5');
    const e = await configError({ transport: { options: {} } });
    expect(e.path).toBe('transport.use');
    expect(e.message).toBe('transport.use: required; expected a plugin name or module path, got nothing');
  });

  it('rejects unknown top-level keys and lists the allowed ones', async () => {
    const e = await configError({ transport: 'datagram', transprot: 'x' });
    expect(e.message).toContain('unknown key "transprot"');
    expect(e.message).toContain('allowed keys: $schema, encapsulation, security, transport, congestion, mtu, require');
  });

  it('names an unknown plugin and lists what is available in that layer', async () => {
    const e = await configError({ transport: 'quic' });
    expect(e.code).toBe('ERR_CONFIG_UNKNOWN_PLUGIN');
    expect(e.path).toBe('transport');
    expect(e.message).toMatch(/transport: unknown transport plugin "quic"; available: .*"datagram"/);
  });

  it('says when a name belongs to another layer', async () => {
    const e = await configError({ transport: 'datagram', congestion: 'gue' });
    expect(e.path).toBe('congestion');
    expect(e.message).toContain('"gue" is an encapsulation plugin');
  });

  it('rejects a plugin object used in the wrong layer', async () => {
    const cc = definePlugin({ name: 'x', layer: 'congestion', capabilities: [], create: () => ({ create: () => new NoCongestionControl() }) });
    const e = await configError({ transport: cc });
    expect(e.code).toBe('ERR_CONFIG_WRONG_LAYER');
    expect(e.message).toBe('transport: plugin "x" is a congestion plugin, not a transport plugin');
  });

  it('validates plugin options with the path, the expectation and what was given', async () => {
    const e = await configError({ transport: { use: 'datagram', options: { maxPeers: 'abc' } } });
    expect(e.path).toBe('transport.options.maxPeers');
    expect(e.message).toBe('transport.options.maxPeers: expected an integer ≥ 1, got "abc"');
  });

  it('reports the README example for a tcp option', async () => {
    const e = await configError({ transport: { use: 'tcp', options: { receiveBuffer: 100 } } });
    expect(e.message).toBe('transport.options.receiveBuffer: expected an integer ≥ 1024 and ≤ 1073741824, got 100');
  });

  it('reports numeric bounds', async () => {
    const e = await configError({ transport: { use: 'datagram', options: { proto: 300 } } });
    expect(e.message).toBe('transport.options.proto: expected an integer ≥ 0 and ≤ 255, got 300');
  });

  it('reports enum values', async () => {
    const e = await configError({ transport: 'datagram', encapsulation: { use: 'gue', options: { profile: 'bsd' } } });
    expect(e.path).toBe('encapsulation.options.profile');
    expect(e.message).toMatch(/^encapsulation\.options\.profile: expected one of "draft", "linux", got "bsd"$/);
  });

  it('rejects unknown plugin options', async () => {
    const e = await configError({ transport: { use: 'datagram', options: { nagle: true } } });
    expect(e.message).toContain('transport.options: unknown key "nagle"');
  });

  it('rejects an mtu out of range', async () => {
    const e = await configError({ transport: 'datagram', mtu: 70000 });
    expect(e.message).toBe('mtu: expected an integer ≥ 256 and ≤ 65507, got 70000');
  });

  it('describes the whole mtu constraint, whichever way the value is wrong', async () => {
    for (const [mtu, got] of [[100, '100'], [70000, '70000'], ['1400', '"1400"'], [1400.5, '1400.5']] as const) {
      const e = await configError({ transport: 'datagram', mtu });
      expect(e.message).toBe(`mtu: expected an integer ≥ 256 and ≤ 65507, got ${got}`);
    }
  });

  it('writes every message as "<path>: expected <what>, got <value>" (or names the unknown key)', async () => {
    const configs: unknown[] = [
      {},
      { transport: 5 },
      { transport: '' },
      { transport: { use: 5 } },
      { transport: { use: 'tcp', options: 5 } },
      { transport: 'datagram', mtu: '1400' },
      { transport: 'datagram', require: [5] },
      { transport: { use: 'tcp', options: { minRto: 'abc' } } },
      { transport: { use: 'datagram', options: { proto: -1 } } },
      { transport: 'datagram', encapsulation: { use: 'gue', options: { profile: 'bsd' } } },
      { transport: 'datagram', security: { use: 'dtls', options: { psk: { identity: 'me', key: 'zz' } } } },
      { transport: 'datagram', security: { use: 'dtls', options: { psk: { identity: 'me' } } } },
      { transport: 'datagram', security: { use: 'dtls', options: { psk: 5 } } },
      { transport: 'datagram', security: { use: 'dtls', options: { fingerprint: 'ab' } } },
      { transport: 'datagram', security: { use: 'dtls', options: { ca: 'x', cipherSuites: [] } } },
      { transport: 'datagram', security: 'dtls' },
    ];
    for (const config of configs) {
      const e = await configError(config);
      for (const line of e.issues) {
        expect(line).toMatch(/^[\w.[\]$]+: ((required; )?expected .+, got .+|unknown key .+)$/);
        expect(line).not.toContain('a valid value');
      }
    }
  });

  it('fails on missing required capabilities between layers', async () => {
    const e = await configError({ transport: 'datagram', congestion: 'fixed' });
    expect(e.code).toBe('ERR_CONFIG_CAPABILITY');
    expect(e.message).toContain('congestion: plugin "fixed" requires transport capability "congestion-controlled"');
  });

  it('fails when the application requires a capability no layer provides', async () => {
    const e = await configError({ transport: 'datagram', require: ['reliable'] });
    expect(e.path).toBe('require');
    expect(e.message).toContain('the stack does not provide "reliable"');
  });

  it('applies defaults and reports them in describe()', async () => {
    const s = await createStack({ transport: 'datagram' });
    stacks.push(s);
    const d = s.describe();
    expect(d.mtu).toBe(1400);
    expect(d.layers.encapsulation.name).toBe('gue');
    expect(d.layers.security.name).toBe('none');
    expect(d.layers.congestion.name).toBe('none');
    expect(d.layers.transport.options).toEqual({ proto: 253, idleTimeout: 120000, maxPeers: 10000 });
    expect(d.layers.encapsulation.overhead).toBe(4);
    expect(d.maxTransportDatagram).toBe(1396);
  });
});

describe('custom plugins', () => {
  const myCc = definePlugin({
    name: 'my-cc',
    layer: 'congestion',
    capabilities: [],
    options: z.object({ window: z.number().int().min(1).default(10) }).strict(),
    create: (o): CongestionControllerFactory => {
      expect(o.window).toBe(7);
      return { create: () => new NoCongestionControl() };
    },
  });

  it('a plugin registered in a registry is used by name from a JSON stack file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toukit-'));
    const file = join(dir, 'stack.json');
    await writeFile(file, JSON.stringify({ transport: 'datagram', congestion: { use: 'my-cc', options: { window: 7 } } }));
    const registry = new PluginRegistry(defaultRegistry);
    registry.register(myCc);
    const s = await createStack(await loadStackConfig(file), { registry });
    stacks.push(s);
    expect(s.describe().layers.congestion).toMatchObject({ name: 'my-cc', source: 'registry', options: { window: 7 } });
  });

  it('a plugin is loaded by module path relative to the stack file', async () => {
    const config = await loadStackConfig(new URL('./fixtures/module-stack.json', import.meta.url).pathname);
    const s = await createStack(config);
    stacks.push(s);
    expect(s.describe().layers.congestion).toMatchObject({ name: 'counting', source: join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'counting-cc.js') });
  });

  it('a copy of a loaded stack file still names the modules next to the file, wherever the process runs', async () => {
    const config = await loadStackConfig(new URL('./fixtures/module-stack.json', import.meta.url).pathname);
    for (const copy of [{ ...config, mtu: 1300 }, structuredClone(config)]) {
      const s = await createStack(copy);
      stacks.push(s);
      expect(s.describe().layers.congestion.name).toBe('counting');
    }
  });

  it('a relative file: URL in a stack file is relative to the file too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toukit-'));
    const counting = fileURLToPath(new URL('./fixtures/counting-cc.js', import.meta.url));
    await writeFile(join(dir, 'cc.mjs'), `export { default } from ${JSON.stringify(pathToFileURL(counting).href)};\n`);
    await writeFile(join(dir, 'stack.json'), JSON.stringify({ transport: 'datagram', congestion: 'file:./cc.mjs' }));
    const s = await createStack(await loadStackConfig(join(dir, 'stack.json')));
    stacks.push(s);
    expect(s.describe().layers.congestion.name).toBe('counting');
  });

  it('a module exporting two plugins of the layer is refused as ambiguous', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toukit-'));
    const counting = pathToFileURL(fileURLToPath(new URL('./fixtures/counting-cc.js', import.meta.url))).href;
    await writeFile(
      join(dir, 'two.mjs'),
      `import one from ${JSON.stringify(counting)};\nexport default [one, { ...one, name: 'other' }];\n`,
    );
    await writeFile(join(dir, 'stack.json'), JSON.stringify({ transport: 'datagram', congestion: './two.mjs' }));
    await expect(createStack(await loadStackConfig(join(dir, 'stack.json')))).rejects.toMatchObject({
      code: 'ERR_CONFIG_MODULE',
      message: expect.stringMatching(/exports several congestion plugins \("counting", "other"\)/),
    });
  });

  it('a module path that does not exist fails with ERR_CONFIG_MODULE', async () => {
    const e = await configError({ transport: 'datagram', congestion: './nope/missing-cc.js' });
    expect(e.code).toBe('ERR_CONFIG_MODULE');
    expect(e.message).toContain('cannot load plugin module "./nope/missing-cc.js"');
  });

  it('the same name may exist in several layers', () => {
    const r = new PluginRegistry(defaultRegistry);
    expect(r.get('security', 'none')?.layer).toBe('security');
    expect(r.get('congestion', 'none')?.layer).toBe('congestion');
    expect(r.get('encapsulation', 'none')?.layer).toBe('encapsulation');
  });

  it('loadStackConfig reports unreadable and malformed files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toukit-'));
    await writeFile(join(dir, 'bad.json'), '{ "transport": ');
    await expect(loadStackConfig(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'ERR_CONFIG_JSON' });
    await expect(loadStackConfig(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ERR_CONFIG_READ' });
  });
});
