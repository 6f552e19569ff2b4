/**
 * DTLS handshake worker. Role `server`: one stack listening on 127.0.0.1,
 * counting completed handshakes. Role `client`: on `latency`, runs `count`
 * handshakes one after another, each from a fresh stack (a fresh UDP port,
 * so a fresh DTLS session), and reports each one's time from `connect()`
 * to the connection being usable with the handshake done; on `rate`, runs
 * `concurrency` such loops for `durationMs` and reports how many completed.
 *
 * @module
 */
import { loadCreateStack } from '../lib/stack-api.js';
import type { BenchStackConfig, CreateStack } from '../lib/stack-api.js';
import { onParentMessage, reportError, tell, workerArgs } from '../lib/worker-side.js';

/** Arguments from the parent. */
interface Args {
  readonly role: 'server' | 'client';
  readonly config: BenchStackConfig;
  readonly port?: number;
}

/** A stack as this worker uses it (with the `handshake` event). */
interface HsStack {
  connect(options: { host: string; port: number }): Promise<{ destroy(): void; on(e: 'error', l: () => void): unknown }>;
  once(event: 'handshake', listener: () => void): unknown;
  on(event: 'handshake', listener: () => void): unknown;
  listen(options: { host: string; port: number }): Promise<{ address(): { port: number } }>;
  close(): Promise<void>;
}

const args = workerArgs<Args>();

async function load(): Promise<CreateStack> {
  const createStack = await loadCreateStack();
  if (typeof createStack === 'string') throw new Error(createStack);
  return createStack;
}

async function server(): Promise<void> {
  const createStack = await load();
  const stack = (await createStack(args.config)) as unknown as HsStack;
  let handshakes = 0;
  stack.on('handshake', () => handshakes++);
  const srv = await stack.listen({ host: '127.0.0.1', port: 0 });
  tell({ type: 'ready', port: srv.address().port });
  onParentMessage(
    (m) => {
      if (m.type === 'count') tell({ type: 'count', handshakes, cpu: process.cpuUsage() });
    },
    () => stack.close(),
  );
}

/** Time spent in `createStack` by the client, ms (reported with the latency samples). */
let setupMs = 0;

/** One handshake from a fresh stack; returns its duration in ms (stack creation excluded). */
async function handshakeOnce(createStack: CreateStack): Promise<number> {
  const s0 = performance.now();
  const stack = (await createStack(args.config)) as unknown as HsStack;
  setupMs += performance.now() - s0;
  try {
    const done = new Promise<void>((resolve) => stack.once('handshake', resolve));
    const t0 = performance.now();
    const conn = await stack.connect({ host: '127.0.0.1', port: args.port ?? 0 });
    conn.on('error', () => {});
    await done;
    const ms = performance.now() - t0;
    conn.destroy();
    return ms;
  } finally {
    await stack.close();
  }
}

async function client(): Promise<void> {
  const createStack = await load();
  await handshakeOnce(createStack); // warm-up: JIT and module loading
  tell({ type: 'ready' });
  onParentMessage(
    async (m) => {
      if (m.type === 'latency') {
        const samples: number[] = [];
        setupMs = 0;
        for (let i = 0; i < Number(m.count); i++) samples.push(await handshakeOnce(createStack));
        tell({ type: 'latency', samples, setupMs: setupMs / samples.length });
      } else if (m.type === 'rate') {
        const end = performance.now() + Number(m.durationMs);
        const t0 = performance.now();
        let completed = 0;
        const loop = async (): Promise<void> => {
          while (performance.now() < end) {
            await handshakeOnce(createStack);
            completed++;
          }
        };
        await Promise.all(Array.from({ length: Number(m.concurrency) }, loop));
        tell({ type: 'rate', completed, elapsedMs: performance.now() - t0, cpu: process.cpuUsage() });
      }
    },
    () => undefined,
  );
}

(args.role === 'server' ? server() : client()).catch(reportError);
