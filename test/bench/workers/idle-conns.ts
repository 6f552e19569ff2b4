/**
 * Idle-connection memory worker (run with `--expose-gc`). Role `server`:
 * one tcp stack listening on 127.0.0.1, keeping every accepted connection
 * open. Role `client`: one tcp stack opening `count` connections
 * (`concurrency` at a time) and keeping them open. Both answer `memory`
 * with `process.memoryUsage()` after two full garbage collections.
 *
 * @module
 */
import { loadCreateStack } from '../lib/stack-api.js';
import type { BenchConnection, BenchStack, BenchStackConfig } from '../lib/stack-api.js';
import { onParentMessage, reportError, tell, workerArgs } from '../lib/worker-side.js';

/** Arguments from the parent. */
interface Args {
  readonly role: 'server' | 'client';
  readonly config: BenchStackConfig;
  readonly port?: number;
}

const args = workerArgs<Args>();
const held: BenchConnection[] = [];

/** Memory after full collections. */
function memory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage();
}

async function open(): Promise<BenchStack> {
  const createStack = await loadCreateStack();
  if (typeof createStack === 'string') throw new Error(createStack);
  return createStack(args.config);
}

async function server(): Promise<void> {
  const stack = await open();
  const srv = await stack.listen({ host: '127.0.0.1', port: 0 });
  srv.on('connection', (conn) => {
    conn.on('error', () => {});
    held.push(conn);
  });
  tell({ type: 'ready', port: srv.address().port });
  onParentMessage(
    (m) => {
      if (m.type === 'memory') tell({ type: 'memory', connections: held.length, usage: memory() });
    },
    () => stack.close(),
  );
}

async function client(): Promise<void> {
  const stack = await open();
  tell({ type: 'ready' });
  onParentMessage(
    async (m) => {
      if (m.type === 'memory') tell({ type: 'memory', connections: held.length, usage: memory() });
      if (m.type !== 'open') return;
      const count = Number(m.count);
      let next = 0;
      let failed = 0;
      let firstError = '';
      const t0 = performance.now();
      const loop = async (): Promise<void> => {
        while (next < count) {
          next++;
          try {
            const conn = await stack.connect({ host: '127.0.0.1', port: args.port ?? 0 });
            conn.on('error', () => {});
            held.push(conn);
          } catch (err) {
            failed++;
            if (firstError === '') firstError = err instanceof Error ? err.message : String(err);
          }
        }
      };
      await Promise.all(Array.from({ length: Number(m.concurrency) }, loop));
      tell({ type: 'opened', opened: held.length, failed, firstError, elapsedMs: performance.now() - t0 });
    },
    () => stack.close(),
  );
}

(args.role === 'server' ? server() : client()).catch(reportError);
