/**
 * Stack throughput worker. Role `receiver`: `createStack(config)`, listen on
 * 127.0.0.1, count bytes of every connection. Role `sender`: connect and
 * write `size`-byte buffers for `durationMs`, honouring backpressure
 * (`write()` false → wait for `drain`) and yielding to the event loop every
 * 32 writes. The sender runs once per `go`; `restart` zeroes the
 * receiver's counts (paired rounds measure the same processes again).
 *
 * @module
 */
import { once } from 'node:events';
import { JsonSeqSink } from '../../../core/trace/jsonseq.js';
import { loadCreateStack } from '../lib/stack-api.js';
import type { BenchConnection, BenchStack, BenchStackConfig } from '../lib/stack-api.js';
import { onParentMessage, reportError, tell, workerArgs, yieldToLoop } from '../lib/worker-side.js';
import { ReceiveMeter } from '../lib/receive-meter.js';

/** Arguments from the parent. */
interface Args {
  readonly role: 'receiver' | 'sender';
  readonly config: BenchStackConfig;
  readonly size: number;
  readonly warmupMs: number;
  readonly port?: number;
  readonly durationMs?: number;
  /** Write a qlog JSON-SEQ trace of this side to this file. */
  readonly trace?: string;
}

const args = workerArgs<Args>();

/** The trace sink when `args.trace` is set. */
const sink = args.trace === undefined ? undefined : JsonSeqSink.toFile(args.trace, { title: `bench ${args.role}`, vantagePoint: { type: args.role === 'sender' ? 'client' : 'server' } });

async function open(): Promise<BenchStack> {
  const createStack = await loadCreateStack();
  if (typeof createStack === 'string') throw new Error(createStack);
  return createStack(args.config, sink === undefined ? {} : { trace: sink });
}

/** Close the stack, then flush the trace. */
async function shutdown(stack: BenchStack): Promise<void> {
  await stack.close();
  sink?.close();
}

async function receiver(): Promise<void> {
  const stack = await open();
  const meter = new ReceiveMeter(args.warmupMs);
  let connections = 0;
  const server = await stack.listen({ host: '127.0.0.1', port: 0 });
  server.on('connection', (conn: BenchConnection) => {
    connections++;
    conn.on('error', () => {});
    conn.on('data', (chunk: Uint8Array) => meter.count(chunk.length));
  });
  tell({ type: 'ready', port: server.address().port });
  onParentMessage(
    (m) => {
      if (m.type === 'restart') {
        meter.restart();
        tell({ type: 'restarted' });
      } else if (m.type === 'stats') {
        tell({ type: 'stats', ...meter.stats(), connections, cpu: process.cpuUsage() });
      }
    },
    () => shutdown(stack),
  );
}

/** Wait for `drain`, at most `ms`. */
async function waitDrain(conn: BenchConnection, ms: number): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    await once(conn, 'drain', { signal: ac.signal });
  } catch {
    // timed out: the sending period is over
  } finally {
    clearTimeout(timer);
  }
}

async function sender(): Promise<void> {
  const stack = await open();
  const c0 = performance.now();
  const conn = await stack.connect({ host: '127.0.0.1', port: args.port ?? 0 });
  const connectMs = performance.now() - c0;
  conn.on('error', reportError);
  const payload = Buffer.alloc(args.size, 0x5a);
  tell({ type: 'ready', connectMs });
  onParentMessage(
    async (m) => {
      if (m.type !== 'go') return;
      const cpu0 = process.cpuUsage();
      const end = performance.now() + (args.durationMs ?? 3000);
      let writes = 0;
      let blocked = 0;
      while (performance.now() < end) {
        for (let i = 0; i < 32; i++) {
          writes++;
          if (!conn.write(payload)) {
            blocked++;
            const left = end - performance.now();
            if (left <= 0) break;
            await waitDrain(conn, left);
            break;
          }
        }
        await yieldToLoop();
      }
      tell({ type: 'done', sent: writes, bytes: writes * args.size, blocked, cpu: process.cpuUsage(cpu0) });
    },
    () => shutdown(stack),
  );
}

(args.role === 'receiver' ? receiver() : sender()).catch(reportError);
