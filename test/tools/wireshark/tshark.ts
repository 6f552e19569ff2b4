/**
 * Test helper: runs the real tshark with the GUE Lua dissector loaded and
 * returns one record of fields per frame. Test files using it skip when
 * tshark is missing, unless CI is set (then a missing tshark fails).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A temporary directory for the pcaps of the calling `describe` block:
 * created before its tests, removed after them. Returns its path (valid
 * once the tests run).
 */
export function suiteTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** Absolute path of tools/wireshark/gue.lua. */
export const GUE_LUA = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../tools/wireshark/gue.lua');
/** Whether `tshark` runs on this machine. */
export const tsharkPresent = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
/** Whether we run under CI (a missing tshark is then an error, not a skip). */
export const ciSet = process.env.CI !== undefined;
/** expert.severity.ERROR as tshark prints it in `_ws.expert.severity`. */
export const SEVERITY_ERROR = String(0x00800000);

/** Logs why a suite is skipped (only when tshark is missing and CI is unset). */
export function warnIfSkipped(file: string): void {
  if (!tsharkPresent && !ciSet) {
    console.warn(`[${file}] tshark not found: skipping the Wireshark dissector tests (install the Debian package \`tshark\`).`);
  }
}

/** One frame: field name → value (occurrences joined with `;`, empty when absent). */
export type Row = Record<string, string>;

/**
 * Runs tshark on `pcap` with the GUE dissector and TCP/IP/UDP checksum
 * validation on, printing `fields`; fails the test on Lua errors.
 */
export function runTshark(pcap: string, fields: readonly string[], extra: readonly string[] = []): Row[] {
  const args = [
    '-n',
    '-X',
    `lua_script:${GUE_LUA}`,
    '-r',
    pcap,
    '-o',
    'tcp.check_checksum:TRUE',
    '-o',
    'ip.check_checksum:TRUE',
    '-o',
    'udp.check_checksum:TRUE',
    ...extra,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=;',
  ];
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  const problems = r.stderr.split('\n').filter((l) => /lua|error/i.test(l) && !/Running as user/.test(l));
  expect(problems, 'tshark printed Lua errors').toEqual([]);
  // strip only line breaks: trailing tabs separate empty fields
  const out = r.stdout.replace(/[\r\n]+$/, '');
  if (out === '') return [];
  return out.split('\n').map((line) => {
    const values = line.split('\t');
    return Object.fromEntries(fields.map((f, i) => [f, values[i] ?? '']));
  });
}
