import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, expect } from 'vitest';
import { formatDemo, runDemo, strongestStack } from '../../../core/cli/demo.js';
import type { StackConfig } from '../../../core/composition/config.js';
import { createStack } from '../../../core/composition/stack.js';

const PSK = { identity: 'demo-test', key: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' };
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The plugin names `createStack(config).describe()` resolves, layer by layer. */
async function resolvedNames(config: StackConfig): Promise<Record<string, string>> {
  const stack = await createStack(config);
  try {
    const { layers } = stack.describe();
    return Object.fromEntries(Object.entries(layers).map(([layer, d]) => [layer, d.name]));
  } finally {
    await stack.close();
  }
}

describe('tou demo', () => {
  it('picks the strongest registered stack', () => {
    const c = strongestStack();
    expect(c.encapsulation).toBe('gue');
    expect(['tcp', 'datagram']).toContain(c.transport);
  });

  it('transfers data on loopback and reports a SHA-256 match', async () => {
    const r = await runDemo({ bytes: 256 * 1024, config: { transport: 'datagram' } });
    expect(r.bytes).toBe(256 * 1024);
    expect(r.digestsMatch).toBe(true);
    expect(formatDemo(r)).toMatch(/sha-256: +[0-9a-f]{64} MATCH/);
  });

  it.each([
    ['sctp', { transport: 'sctp' }],
    ['tcp', { transport: 'tcp' }],
    ['dtls + sctp', { security: { use: 'dtls', options: { psk: PSK } }, transport: 'sctp' }],
    ['dtls + tcp', { security: { use: 'dtls', options: { psk: PSK } }, transport: 'tcp' }],
  ] satisfies [string, StackConfig][])('transfers data over %s on loopback and reports a SHA-256 match', async (_name, config) => {
    const r = await runDemo({ bytes: 200_003, config });
    expect(r.bytes).toBe(200_003);
    expect(r.digestsMatch).toBe(true);
    expect(formatDemo(r)).toMatch(/^sha-256: +[0-9a-f]{64} MATCH$/m);
  });

  it('prints the plugin names the stack resolved, not "default"', async () => {
    const config: StackConfig = { transport: 'sctp' };
    const names = await resolvedNames(config);
    expect(names).toMatchObject({ encapsulation: 'gue', security: 'none', transport: 'sctp' });
    const r = await runDemo({ bytes: 10_000, config });
    expect(r.layers).toEqual(names);
    const line = formatDemo(r).split('\n')[0];
    expect(line).toBe(`stack:      encapsulation=gue security=none transport=sctp congestion=${names.congestion}`);
    expect(line).not.toContain('default');
  });

  it('`tou demo --stack` with an sctp stack file prints MATCH and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tou-demo-'));
    try {
      const file = join(dir, 'sctp.json');
      await writeFile(file, JSON.stringify({ transport: 'sctp' }));
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'core/cli/tou.ts'), 'demo', '--stack', file, '--bytes', '100000'], {
        cwd: ROOT,
      });
      expect(stdout).toMatch(/^stack: +encapsulation=gue security=none transport=sctp congestion=\w+$/m);
      expect(stdout).toMatch(/^throughput: +[0-9.]+ MB\/s$/m);
      expect(stdout).toMatch(/^sha-256: +[0-9a-f]{64} MATCH$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
