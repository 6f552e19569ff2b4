#!/usr/bin/env node
/**
 * The `tou` command line.
 *
 * - `tou demo [--bytes N] [--stack FILE]`: transfer data on loopback through
 *   the strongest available stack (or the one in FILE) and print throughput
 *   and a SHA-256 match;
 * - `tou describe FILE`: validate a stack file and print the resolved stack.
 *
 * @module
 */
import { createStack } from '../composition/stack.js';
import { loadStackConfig } from '../composition/config.js';
import { ToukitError } from '../errors.js';
import { formatDemo, runDemo } from './demo.js';

const USAGE = `usage:
  tou demo [--bytes N] [--stack FILE]   transfer data on 127.0.0.1 and check its SHA-256
  tou describe FILE                      validate a stack file and print the resolved stack
  tou --help`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'demo': {
      const bytesArg = flag(args, '--bytes');
      const stackFile = flag(args, '--stack');
      const bytes = bytesArg === undefined ? undefined : Number(bytesArg);
      if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0)) {
        console.error(`--bytes: expected a positive integer, got ${JSON.stringify(bytesArg)}`);
        return 2;
      }
      const config = stackFile === undefined ? undefined : await loadStackConfig(stackFile);
      const result = await runDemo({ bytes, config });
      console.log(formatDemo(result));
      return result.digestsMatch ? 0 : 1;
    }
    case 'describe': {
      const file = args[0];
      if (file === undefined) {
        console.error(USAGE);
        return 2;
      }
      const stack = await createStack(await loadStackConfig(file));
      console.log(JSON.stringify(stack.describe(), null, 2));
      await stack.close();
      return 0;
    }
    case '--help':
    case '-h':
    case undefined:
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ToukitError) console.error(`${err.code}: ${err.message}`);
    else console.error(err);
    process.exit(1);
  },
);
