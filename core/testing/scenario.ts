/**
 * Building blocks of the compliance checks: a failure type whose message
 * names the rule broken, running the simulator until a transfer completes
 * (reporting progress and the sessions' statistics when it stalls), and a
 * connected client/server pair with byte counting on both sides.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { Stack } from '../composition/stack.js';
import type { Connection } from '../connection/connection.js';
import { SimLimitError, type SimNetwork, type TimeInput } from '../sim/index.js';

/** A compliance check failed; the message says which rule was broken and what was seen. */
export class ComplianceViolation extends Error {
  /** @param message - the rule and what was observed */
  constructor(message: string) {
    super(message);
    this.name = 'ComplianceViolation';
  }
}

/** Throw a {@link ComplianceViolation}. */
export function violated(message: string): never {
  throw new ComplianceViolation(message);
}

/** JSON of a connection's statistics (with the transport session's), for failure messages. */
export function statsOf(conn: Connection | undefined): string {
  if (conn === undefined) return '(no connection)';
  try {
    return JSON.stringify({ destroyed: conn.destroyed, ...conn.stats() });
  } catch (err) {
    return `(stats() threw ${String(err)})`;
  }
}

/**
 * Run `net` until `promise` settles. When the run hits its limit or the
 * simulation goes idle first, throw a {@link ComplianceViolation} naming
 * `what`, with `progress()` (e.g. bytes delivered of bytes expected, and the
 * sessions' statistics) instead of the simulator's bare "promise still
 * pending".
 */
export async function runUntilDone<T>(net: SimNetwork, promise: Promise<T>, limit: TimeInput, what: string, progress: () => string): Promise<T> {
  try {
    return await net.runUntil(promise, { limit });
  } catch (err) {
    if (!(err instanceof SimLimitError)) throw err;
    const why = err.code === 'ERR_SIM_DEADLOCK' ? 'nothing was left to do (no datagram in flight, no timer armed)' : `the limit of ${typeof limit === 'number' ? `${limit} ms` : limit} of virtual time was reached`;
    return violated(`${what} did not complete: ${why}, at ${net.now.toFixed(1)} ms virtual time.\n${progress()}`);
  }
}

/**
 * Connect the client of `pair` to the server at 10.0.0.2:6080 (listening
 * already). When the handshake does not complete within `limit` of virtual
 * time, throw a {@link ComplianceViolation} with both stacks' counters
 * (datagrams and bytes each way, drops by reason).
 */
export function connectOrReport(pair: { net: SimNetwork; client: Stack; server: Stack }, limit: TimeInput = '60s'): Promise<Connection> {
  return runUntilDone(pair.net, pair.client.connect({ host: '10.0.0.2', port: 6080 }), limit, 'the connection attempt (handshake)', () =>
    [`client stack: ${JSON.stringify(pair.client.stats())}`, `server stack: ${JSON.stringify(pair.server.stats())}`].join('\n'),
  );
}

/** What one side of a {@link Conversation} received. */
export interface Received {
  /** Bytes received (stream data, or message payloads). */
  bytes: number;
  /** Chunks or messages received, in order (kept only when asked). */
  readonly chunks: Uint8Array[];
  /** Whether the peer's end arrived. */
  ended: boolean;
  /** Whether the connection closed. */
  closed: boolean;
  /** The error it closed with, if any. */
  error: Error | undefined;
}

/** A connected client and the server's side of the same connection. */
export interface Conversation {
  /** The client's connection. */
  readonly client: Connection;
  /** The server's connection (once accepted). */
  readonly server: Connection | undefined;
  /** What the client received. */
  readonly atClient: Received;
  /** What the server received. */
  readonly atServer: Received;
  /** Whether the transport is a byte stream (else one write is one message). */
  readonly stream: boolean;
  /** Resolves when `side` has received at least `bytes` bytes (or closed). */
  received(side: 'client' | 'server', bytes: number): Promise<void>;
  /** Resolves when both connections have closed. */
  bothClosed(): Promise<void>;
  /** "server received x of y bytes …" plus both sides' statistics. */
  progress(expectAtServer: number, expectAtClient?: number): string;
}

function track(conn: Connection, r: Received, keep: boolean, waiters: Set<() => void>): void {
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  conn.on('data', (d: Buffer) => {
    r.bytes += d.length;
    if (keep) r.chunks.push(Uint8Array.from(d));
    wake();
  });
  conn.on('end', () => {
    r.ended = true;
    wake();
  });
  conn.on('error', (e: Error) => {
    r.error ??= e;
  });
  conn.on('close', () => {
    r.closed = true;
    wake();
  });
}

/** Options of {@link converse}. */
export interface ConverseOptions {
  /** Server action on each new connection (after tracking is attached), e.g. echo. */
  readonly onServer?: (c: Connection) => void;
  /** Keep every chunk received (default false: count only). */
  readonly keep?: boolean;
  /** Virtual-time limit for the connection attempt (default 60 s). */
  readonly limit?: TimeInput;
}

/**
 * Listen on the server (10.0.0.2:6080), connect the client, and count what
 * each side receives.
 */
export async function converse(pair: { net: SimNetwork; client: Stack; server: Stack }, options: ConverseOptions = {}): Promise<Conversation> {
  const waiters = new Set<() => void>();
  const mk = (): Received => ({ bytes: 0, chunks: [], ended: false, closed: false, error: undefined });
  const atServer = mk();
  const atClient = mk();
  const keep = options.keep ?? false;
  const until = (cond: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (cond()) return resolve();
      const w = (): void => {
        if (!cond()) return;
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  const srv = await pair.server.listen({ host: '10.0.0.2', port: 6080 });
  const state: { server: Connection | undefined } = { server: undefined };
  srv.on('connection', (c: Connection) => {
    state.server = c;
    track(c, atServer, keep, waiters);
    options.onServer?.(c);
  });
  const client = await connectOrReport(pair, options.limit ?? '60s');
  track(client, atClient, keep, waiters);
  const stream = pair.client.describe().layers.transport.capabilities.includes('stream');
  const conv: Conversation = {
    client,
    get server() {
      return state.server;
    },
    atClient,
    atServer,
    stream,
    received: (side, bytes) => {
      const r = side === 'client' ? atClient : atServer;
      return until(() => r.bytes >= bytes || r.closed);
    },
    bothClosed: () => until(() => atClient.closed && atServer.closed),
    progress: (expectAtServer, expectAtClient) =>
      [
        `server received ${atServer.bytes} of ${expectAtServer} bytes (end ${atServer.ended ? 'received' : 'not received'}, connection ${atServer.closed ? 'closed' : 'open'})`,
        expectAtClient === undefined ? undefined : `client received ${atClient.bytes} of ${expectAtClient} bytes (end ${atClient.ended ? 'received' : 'not received'}, connection ${atClient.closed ? 'closed' : 'open'})`,
        `client connection: ${statsOf(client)}`,
        `server connection: ${statsOf(state.server)}`,
      ]
        .filter((l) => l !== undefined)
        .join('\n'),
  };
  return conv;
}

/**
 * Send `data` on `conn`: one `write()` on a byte stream; on a message
 * transport, `send()` (one message), ignoring a typed refusal of a message
 * too large for the transport. Returns whether it was accepted.
 */
export function put(conn: Connection, data: Uint8Array, stream: boolean): boolean {
  if (stream) {
    conn.write(data);
    return true;
  }
  try {
    conn.send(data);
    return true;
  } catch {
    return false;
  }
}
