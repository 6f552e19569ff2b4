/**
 * Source rule: code in `core/` and `plugins/` imports `Buffer` from
 * `node:buffer` and `performance` from `node:perf_hooks` instead of reading
 * the globals. In Node 20 both globals are accessors on `globalThis`, so
 * every read is a getter call; on the per-packet path that was the largest
 * single item in a profile of the GUE + datagram receiver (see
 * docs/guides/performance.md, "Writing per-packet code").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const GLOBALS = ['Buffer', 'performance'] as const;

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Names bound in the file: imports and declarations (a local binding shadows the global). */
function boundNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) && node.name !== undefined) names.add(node.name.text);
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined && ts.isIdentifier(node.name)) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** Lines where one of {@link GLOBALS} is read as a value without being bound in the file. */
function globalReads(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const bound = boundNames(file);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node)) return; // `: Buffer` costs nothing at run time
    if (ts.isIdentifier(node) && (GLOBALS as readonly string[]).includes(node.text) && !bound.has(node.text)) {
      const p = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p)) && p.name === node);
      if (!isName) found.push(`${node.text} at line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('source rule: Buffer and performance are imported, never read from globalThis', () => {
  it('finds a global read, and accepts an import, a type and a property name (the rule itself)', () => {
    expect(globalReads('a.ts', 'const b = Buffer.alloc(1); const t = performance.now();')).toEqual(['Buffer at line 1', 'performance at line 1']);
    expect(globalReads('b.ts', "import { Buffer } from 'node:buffer';\nconst b = Buffer.alloc(1);")).toEqual([]);
    expect(globalReads('c.ts', 'let x: Buffer | undefined; const o = { performance: 1 }; o.performance;')).toEqual([]);
  });

  it('holds for every source file in core/ and plugins/', () => {
    const offenders: string[] = [];
    for (const dir of ['core', 'plugins']) {
      for (const path of sources(join(ROOT, dir))) {
        for (const hit of globalReads(path, readFileSync(path, 'utf8'))) offenders.push(`${relative(ROOT, path)}: ${hit}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
