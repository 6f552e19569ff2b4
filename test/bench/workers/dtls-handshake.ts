/**
 * DTLS handshake worker.
 *
 * Role `server`: one stack listening on 127.0.0.1. It counts the handshakes it
 * completes (the stack's `handshake` event fires once per new DTLS session)
 * and reports them with its CPU time.
 *
 * Role `client`: one long-lived client stack. Each `connect()` on it binds a
 * new UDP socket (a new source port), so the server sees a new peer and runs a
 * full DTLS handshake with a new cookie exchange, new randoms and new
 * ephemeral keys. The plugin has no session resumption, so nothing carries
 * over from one connection to the next. Messages:
 * - `latency`: `count` handshakes one after another on that stack; each
 *   sample is the time from `connect()` to the stack's `handshake` event.
 * - `fresh-latency`: the same, but each handshake from a new stack (the
 *   earlier method); `createStack` is timed separately and not included.
 * - `rate`: `concurrency` loops of connect, handshake, destroy on that stack
 *   for `durationMs`; reports the completed count and the client's CPU time.
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

/** A connection as this worker uses it. */
interface HsConnection {
  destroy(): void;
  on(e: 'error', l: () => void): unknown;
}

/** A stack as this worker uses it (with the `handshake` event). */
interface HsStack {
  connect(options: { host: string; port: number }): Promise<HsConnection>;
  once(event: 'handshake', listener: () => void): unknown;
  on(event: 'handshake', listener: () => void): unknown;
  listen(options: { host: string; port: number }): Promise<{ address(): { port: number } }>;
  close(): Promise<void>;
}

const args = workerArgs<Args>();

/** Handshakes on the client stack before the client reports ready. */
const WARMUP_HANDSHAKES = 10;

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

/** One handshake on `stack`, timed from `connect()` to the stack's `handshake` event (ms). */
async function timedHandshake(stack: HsStack): Promise<number> {
  const done = new Promise<void>((resolve) => stack.once('handshake', resolve));
  const t0 = performance.now();
  const conn = await stack.connect({ host: '127.0.0.1', port: args.port ?? 0 });
  conn.on('error', () => {});
  await done;
  const ms = performance.now() - t0;
  conn.destroy();
  return ms;
}

/** One handshake from a new stack; returns its duration (stack creation excluded) and the `createStack` time. */
async function freshStackHandshake(createStack: CreateStack): Promise<{ ms: number; setupMs: number }> {
  const s0 = performance.now();
  const stack = (await createStack(args.config)) as unknown as HsStack;
  const setupMs = performance.now() - s0;
  try {
    return { ms: await timedHandshake(stack), setupMs };
  } finally {
    await stack.close();
  }
}

/** One connection on `stack` whose handshake completed (connect resolves after it), then destroyed. */
async function connectOnce(stack: HsStack): Promise<void> {
  const conn = await stack.connect({ host: '127.0.0.1', port: args.port ?? 0 });
  conn.on('error', () => {});
  conn.destroy();
}

async function client(): Promise<void> {
  const createStack = await load();
  const stack = (await createStack(args.config)) as unknown as HsStack;
  // Warm-up (JIT, module loading, the server's first sessions): one handshake from a new stack, then
  // WARMUP_HANDSHAKES on the long-lived one, so that the first measured samples are not the coldest.
  await freshStackHandshake(createStack);
  for (let i = 0; i < WARMUP_HANDSHAKES; i++) await timedHandshake(stack);
  tell({ type: 'ready' });
  onParentMessage(
    async (m) => {
      if (m.type === 'latency') {
        const samples: number[] = [];
        for (let i = 0; i < Number(m.count); i++) samples.push(await timedHandshake(stack));
        tell({ type: 'latency', samples });
      } else if (m.type === 'fresh-latency') {
        const samples: number[] = [];
        let setupMs = 0;
        for (let i = 0; i < Number(m.count); i++) {
          const r = await freshStackHandshake(createStack);
          samples.push(r.ms);
          setupMs += r.setupMs;
        }
        tell({ type: 'fresh-latency', samples, setupMs: setupMs / samples.length });
      } else if (m.type === 'rate') {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const end = t0 + Number(m.durationMs);
        let completed = 0;
        let failed = 0;
        const loop = async (): Promise<void> => {
          while (performance.now() < end) {
            try {
              await connectOnce(stack);
              completed++;
            } catch {
              failed++;
            }
          }
        };
        await Promise.all(Array.from({ length: Number(m.concurrency) }, loop));
        tell({ type: 'rate', completed, failed, elapsedMs: performance.now() - t0, cpu: process.cpuUsage(cpu0) });
      }
    },
    () => stack.close(),
  );
}

(args.role === 'server' ? server() : client()).catch(reportError);
