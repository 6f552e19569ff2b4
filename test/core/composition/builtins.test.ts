/**
 * The built-in plugins register without loading their protocols: DTLS, tcp
 * and sctp are loaded by the first stack that names them. The modules a
 * process loads are recorded by a module hook in a child process (the test
 * process has loaded everything already).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOOK = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));
const PROTOCOLS = ['plugins/security/dtls/protocol', 'plugins/transport/tcp/protocol', 'plugins/transport/sctp/protocol'];

/** The child: import the package entry, mark the log, build one stack per lazy plugin, mark again. */
const CHILD = `
import { appendFileSync } from 'node:fs';
const mark = (m) => appendFileSync(process.env.TOUKIT_LOAD_LOG, m + '\\n');
const { createStack } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'core/index.ts')).href)});
mark('--- imported');
const psk = { identity: 'test', key: '000102030405060708090a0b0c0d0e0f' };
const stacks = [
  await createStack({ transport: 'tcp' }),
  await createStack({ security: { use: 'dtls', options: { psk } }, transport: 'sctp' }),
];
mark('--- stacks created');
for (const s of stacks) await s.close();
`;

/** Loaded module paths (relative to the repository) before and after the stacks were created. */
function recordLoads(): { imported: string[]; created: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'toukit-loads-'));
  const log = join(dir, 'loads.txt');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOK, '--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, TOUKIT_LOAD_LOG: log },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    const at = (m: string): number => lines.indexOf(m);
    expect(at('--- imported')).toBeGreaterThan(0);
    expect(at('--- stacks created')).toBeGreaterThan(at('--- imported'));
    const local = (from: number, to: number): string[] =>
      lines
        .slice(from, to)
        .filter((u) => u.startsWith(pathToFileURL(ROOT).href))
        .map((u) => fileURLToPath(u).slice(ROOT.length).replace(/\\/g, '/'));
    return { imported: local(0, at('--- imported')), created: local(at('--- imported'), at('--- stacks created')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('built-in plugins', () => {
  it('are registered by importing the package without loading the DTLS, tcp and sctp protocols, which the first stack naming them loads', () => {
    const { imported, created } = recordLoads();
    const loaded = (files: string[], p: string): boolean => files.some((f) => f.startsWith(p));
    expect(loaded(imported, 'core/index')).toBe(true);
    expect(loaded(imported, 'plugins/transport/tcp/plugin')).toBe(true);
    for (const p of PROTOCOLS) {
      expect(loaded(imported, p), `${p} loaded by the import`).toBe(false);
      expect(loaded(created, p), `${p} loaded by createStack`).toBe(true);
    }
  });
});
