/**
 * Helpers for the worker side of a benchmark process: read the arguments,
 * talk to the parent, report errors instead of crashing silently.
 *
 * @module
 */
import type { WorkerMessage } from './child.js';

/** The JSON arguments the parent passed as the last command-line argument. */
export function workerArgs<T>(): T {
  return JSON.parse(process.argv[process.argv.length - 1]) as T;
}

/** Send a message to the parent. */
export function tell(message: WorkerMessage): void {
  process.send?.(message);
}

/**
 * Handle parent messages with `handler`; `exit` ends the process (after
 * `cleanup`), and any error is sent to the parent as `{ type: 'error' }`.
 */
export function onParentMessage(handler: (m: WorkerMessage) => void | Promise<void>, cleanup?: () => void | Promise<void>): void {
  process.on('message', (m: WorkerMessage) => {
    if (m.type === 'exit') {
      void Promise.resolve(cleanup?.()).finally(() => process.exit(0));
      return;
    }
    Promise.resolve(handler(m)).catch(reportError);
  });
  process.on('disconnect', () => process.exit(0));
}

/** Report an error to the parent and exit non-zero. */
export function reportError(err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  tell({ type: 'error', message });
  setTimeout(() => process.exit(1), 50);
}

/** Resolve after the current I/O phase (lets libuv read sockets). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
