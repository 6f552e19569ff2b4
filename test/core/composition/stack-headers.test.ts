/**
 * Layers that cannot work together are refused by createStack, with a
 * ConfigError naming the layer, before any traffic flows and without
 * leaving files behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createStack, type StackConfig } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

const psk = { identity: 'me', key: '00112233445566778899aabbccddeeff' };

describe('createStack: header plan', () => {
  it("refuses GUE's linux profile under DTLS (the kernel drops payload transforms) with a ConfigError on encapsulation", async () => {
    const config: StackConfig = { encapsulation: { use: 'gue', options: { profile: 'linux' } }, security: { use: 'dtls', options: { psk } }, transport: 'tcp' };
    const net = new SimNetwork({ seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'toukit-headers-'));
    try {
      const pcap = join(dir, 'run.pcap');
      const err = await createStack(config, { substrate: net.host('10.0.0.1'), pcap }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ code: 'ERR_CONFIG_INCOMPATIBLE', path: 'encapsulation' });
      expect((err as Error).message).toMatch(/^encapsulation: "gue" with these options cannot carry the security layer's payload transform/);
      expect(existsSync(pcap)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the linux profile without a security layer', async () => {
    const net = new SimNetwork({ seed: 1 });
    const stack = await createStack({ encapsulation: { use: 'gue', options: { profile: 'linux' } }, transport: 'tcp' }, { substrate: net.host('10.0.0.1') });
    expect(stack.describe().layers.encapsulation.overhead).toBe(4);
    await stack.close();
  });

});
