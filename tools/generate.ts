/**
 * Regenerates every committed generated artefact (`npm run generate`), or
 * checks that the committed files are current (`npm run check:generated`,
 * used by CI: it fails when a file is stale).
 *
 * Generators: the stack-file JSON Schema (`docs/schema/stack.schema.json`)
 * and, when present, other `tools/**\/generate-*.ts` modules exporting
 * `generate(): Promise<Record<string, string>>` (path → contents).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultRegistry } from '../core/index.js';
import { stackJsonSchema } from '../core/composition/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

type Generator = () => Promise<Record<string, string>>;

const generators: Record<string, Generator> = {
  schema: async () => {
    return { 'docs/schema/stack.schema.json': `${JSON.stringify(stackJsonSchema(defaultRegistry), null, 2)}\n` };
  },
};

function findGenerators(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findGenerators(p));
    else if (/^generate-.*\.ts$/.test(name)) out.push(p);
  }
  return out;
}

for (const file of findGenerators(join(root, 'tools'))) {
  const mod = (await import(pathToFileURL(file).href)) as { generate?: Generator };
  if (typeof mod.generate === 'function') generators[relative(root, file)] = mod.generate;
}

let stale = 0;
for (const [name, gen] of Object.entries(generators)) {
  const files = await gen();
  for (const [path, contents] of Object.entries(files)) {
    const abs = join(root, path);
    const current = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (current === contents) continue;
    if (check) {
      stale++;
      console.error(`stale: ${path} (generator ${name}); run \`npm run generate\` and commit the result`);
    } else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, contents);
      console.log(`wrote ${path}`);
    }
  }
}
if (check) {
  if (stale > 0) process.exit(1);
  console.log('generated files are current');
}
