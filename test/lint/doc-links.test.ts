/**
 * Documentation rule: every relative link in the README and in the
 * Markdown files under `docs/` (except the generated `docs/api/`),
 * `plugins/`, `tools/` and `examples/` names a file or folder that exists,
 * and every `#anchor` into a Markdown file names one of its headings.
 * Pages move (the GUE + datagram measurements left benchmarks.md for a
 * page of their own); a link left behind should fail here, not in a
 * reader's browser.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** Every `.md` file under `dir`, skipping `skip` (absolute paths). */
function markdown(dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip.includes(p) || e.name === 'node_modules') continue;
    if (e.isDirectory()) out.push(...markdown(p, skip));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Inline links `[text](target)` outside fenced code blocks, with their line numbers. */
function linksOf(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1], line: i + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (m) anchors.add(anchorOf(m[1]));
  }
  return anchors;
}

const FILES = [
  join(ROOT, 'README.md'),
  ...markdown(join(ROOT, 'docs'), [join(ROOT, 'docs', 'api')]),
  ...markdown(join(ROOT, 'plugins')),
  ...markdown(join(ROOT, 'tools')),
  ...markdown(join(ROOT, 'examples')),
];

describe('documentation links', () => {
  it('finds the links the rule checks', () => {
    expect(linksOf('see [a](b.md) and `[c](d.md)`\n```\n[e](f.md)\n```\n[g](h.md#x "title")')).toEqual([
      { target: 'b.md', line: 1 },
      { target: 'h.md#x', line: 5 },
    ]);
    expect(anchorOf('Back-to-back mark-compacts in a `busy` receiver')).toBe('back-to-back-mark-compacts-in-a-busy-receiver');
    expect(anchorOf('GUE + datagram: where the time goes')).toBe('gue--datagram-where-the-time-goes');
  });

  it('checks the README and the guides', () => {
    const names = FILES.map((f) => relative(ROOT, f));
    expect(names).toContain('README.md');
    expect(names).toContain(join('docs', 'guides', 'benchmarks.md'));
    expect(names.some((n) => n.startsWith(join('docs', 'api')))).toBe(false);
  });

  it.each(FILES.map((f) => [relative(ROOT, f), f]))('%s: every relative link resolves', (_name, file) => {
    const broken: string[] = [];
    for (const { target, line } of linksOf(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [path, anchor] = target.split('#', 2);
      const dest = path === '' ? file : join(dirname(file), decodeURI(path));
      if (!existsSync(dest)) {
        broken.push(`line ${line}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && anchor !== '' && dest.endsWith('.md') && statSync(dest).isFile() && !anchorsOf(dest).has(anchor)) {
        broken.push(`line ${line}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
