/**
 * Worker processes for the benchmarks: each worker is `process.execPath
 * --import tsx <script>` with an IPC channel; the parent and the worker talk
 * in small JSON messages `{ type, ... }`.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** A message between the parent and a worker. */
export interface WorkerMessage {
  /** Message kind, e.g. `ready`, `result`, `error`. */
  readonly type: string;
  /** Further fields. */
  readonly [field: string]: unknown;
}

/** Folder of the worker scripts. */
export const WORKERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'workers');

/** Directory for V8 CPU profiles of every worker (`--cpu-prof`), or undefined for no profiling. */
let cpuProfileDir: string | undefined;

/** Make every worker started from now on write a V8 CPU profile (`.cpuprofile`) into `dir`. */
export function profileWorkersInto(dir: string | undefined): void {
  cpuProfileDir = dir;
}

/** Workers started and not yet exited. */
const live = new Set<Worker>();

/** Kill every worker still running (after a case failed or ran over its budget). Returns how many. */
export async function stopAllWorkers(): Promise<number> {
  const all = [...live];
  await Promise.all(all.map((w) => w.stop(500)));
  return all.length;
}

/** A running worker process. */
export class Worker {
  private readonly inbox: WorkerMessage[] = [];
  private waiter: { type: string; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | undefined;
  private exited: Error | undefined;
  /** Everything the worker wrote to stderr (for error reports). */
  stderr = '';

  /** @param child - the spawned process (with an IPC channel) */
  constructor(private readonly child: ChildProcess) {
    live.add(this);
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'error') {
        this.fail(new Error(`worker error: ${String(m.message)}`));
        return;
      }
      const w = this.waiter;
      if (w !== undefined && w.type === m.type) {
        this.waiter = undefined;
        w.resolve(m);
      } else {
        this.inbox.push(m);
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      live.delete(this);
      if (code !== 0 || signal !== null) {
        this.fail(new Error(`worker exited (code ${code}, signal ${signal}): ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`));
      } else {
        this.fail(new Error('worker exited'));
      }
    });
  }

  private fail(err: Error): void {
    if (this.exited === undefined) this.exited = err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  /** Send a message to the worker. */
  send(message: WorkerMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Wait for the next message of `type` (earlier ones are kept in order). */
  next(type: string, timeoutMs: number): Promise<WorkerMessage> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    if (this.exited !== undefined) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`timed out after ${timeoutMs} ms waiting for '${type}' from the worker`));
      }, timeoutMs);
      this.waiter = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Send a request and wait for the reply of type `replyType`. */
  async request(message: WorkerMessage, replyType: string, timeoutMs: number): Promise<WorkerMessage> {
    const reply = this.next(replyType, timeoutMs);
    this.send(message);
    return reply;
  }

  /** Ask the worker to exit, and kill it if it has not after `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Start `workers/<script>` in a new Node process (with tsx for TypeScript)
 * and wait for its `ready` message.
 */
export async function startWorker(
  script: string,
  args: Readonly<Record<string, unknown>>,
  options: { readonly timeoutMs?: number; readonly exposeGc?: boolean } = {},
): Promise<{ worker: Worker; ready: WorkerMessage }> {
  const execArgv = ['--import', 'tsx'];
  if (options.exposeGc === true) execArgv.push('--expose-gc');
  if (cpuProfileDir !== undefined) execArgv.push('--cpu-prof', '--cpu-prof-dir', cpuProfileDir);
  const child = spawn(process.execPath, [...execArgv, join(WORKERS_DIR, script), JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const worker = new Worker(child);
  try {
    const ready = await worker.next('ready', options.timeoutMs ?? 15_000);
    return { worker, ready };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
