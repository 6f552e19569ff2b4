/**
 * `tou demo`: a server and a client on loopback transfer data through the
 * strongest stack available (GUE + DTLS + TCP + CUBIC when those plugins
 * exist) and print throughput and whether the SHA-256 digests match.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { createStack, type Stack, type StackDescription } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import { defaultRegistry } from '../composition/builtins.js';
import type { Connection } from '../connection/connection.js';
import { LAYERS, type Layer } from '../contracts/plugin.js';
import { ToukitError } from '../errors.js';

/** Result of one demo run. */
export interface DemoResult {
  /** The stack used. */
  readonly config: StackConfig;
  /** The plugin each layer resolved to (from `Stack.describe()`), e.g. `{ encapsulation: 'gue', …, congestion: 'cubic' }`. */
  readonly layers: Readonly<Record<Layer, string>>;
  /** Bytes transferred (client to server). */
  readonly bytes: number;
  /** Wall-clock duration in ms. */
  readonly durationMs: number;
  /** Throughput in MB/s (10^6 bytes per second). */
  readonly megabytesPerSecond: number;
  /** Whether the server's SHA-256 equals the client's. */
  readonly digestsMatch: boolean;
  /** The client's SHA-256 (hex). */
  readonly digest: string;
}

/** The strongest stack the registered plugins allow. */
export function strongestStack(): StackConfig {
  const has = (layer: 'security' | 'transport' | 'congestion', name: string): boolean => defaultRegistry.get(layer, name) !== undefined;
  const transport = has('transport', 'tcp') ? 'tcp' : 'datagram';
  const congestion = transport === 'datagram' ? 'none' : has('congestion', 'cubic') ? 'cubic' : 'fixed';
  if (has('security', 'dtls')) {
    const key = randomBytes(32).toString('hex');
    return { encapsulation: 'gue', security: { use: 'dtls', options: { psk: { identity: 'tou-demo', key } } }, transport, congestion };
  }
  return { encapsulation: 'gue', security: 'none', transport, congestion };
}

// ---- the stream protocol (reliable transports) ----
//
// client -> server: an 8-byte big-endian byte count N, then N bytes of data
// server -> client: the 32-byte SHA-256 of those N bytes, then end()
// client:           compares, then end()
//
// Nobody sends after its own end() and nobody needs to send after the peer's
// end(), so the protocol works with and without half-close (SCTP has none:
// after the peer's SHUTDOWN a write fails with ERR_SCTP_SHUTDOWN).

/** Bytes of the client's header: the byte count as an unsigned 64-bit big-endian integer. */
const HEADER_BYTES = 8;
/** Bytes of the server's reply: a raw SHA-256 digest. */
const DIGEST_BYTES = 32;
/** Size of the client's writes. */
const CHUNK_BYTES = 64 * 1024;

/** Outcome of {@link sendAndVerify}: both digests as hex. */
export interface StreamTransferResult {
  /** SHA-256 of the bytes the client sent (hex). */
  readonly digest: string;
  /** SHA-256 the server computed over the bytes it received (hex). */
  readonly remote: string;
  /** `performance.now()` when the server's digest had arrived (before the closing handshake). */
  readonly completedAt: number;
}

/** One outcome per transfer: the first failure rejects and destroys the stream; later ones, and a success after it, are ignored. */
class Outcome<T> {
  /** Whether the transfer has already succeeded or failed. */
  settled = false;

  constructor(
    private readonly conn: Duplex,
    private readonly onSuccess: (value: T) => void,
    private readonly onFailure: (err: Error) => void,
  ) {}

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onFailure(toError(err));
    this.conn.destroy();
  }

  succeed(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.onSuccess(value);
  }
}

function protocolError(message: string): ToukitError {
  return new ToukitError('ERR_DEMO_PROTOCOL', message);
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function checkByteCount(bytes: number): void {
  if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new RangeError(`bytes: expected a non-negative safe integer, got ${bytes}`);
}

/**
 * Client side of the demo's stream protocol on a connected reliable stream:
 * send an 8-byte big-endian byte count and `bytes` random bytes, read the
 * server's 32-byte SHA-256, then `end()` and wait for the stream to close.
 * Needs no half-close (the server replies before anyone ends).
 * @param conn - a connected stream (a toukit `Connection` or any `Duplex`)
 * @param bytes - how many bytes to send (a non-negative safe integer)
 * @returns both digests, and when the digest arrived, once the stream closed
 * @throws (rejects) the stream's error, a write failure, or ToukitError `ERR_DEMO_PROTOCOL`
 *   when the stream ends or closes before the digest arrived or the server sent more than a digest;
 *   the stream is destroyed on failure
 */
export function sendAndVerify(conn: Duplex, bytes: number): Promise<StreamTransferResult> {
  checkByteCount(bytes);
  return new Promise<StreamTransferResult>((resolve, reject) => {
    const hash = createHash('sha256');
    const reply: Buffer[] = [];
    let replyLength = 0;
    let remote: Buffer | undefined;
    let completedAt = 0;
    let sent = 0;
    const outcome = new Outcome(conn, resolve, reject);
    const fail = (err: unknown): void => outcome.fail(err);
    conn.on('error', fail);
    conn.on('data', (d: Buffer) => {
      replyLength += d.length;
      if (replyLength > DIGEST_BYTES) {
        fail(protocolError(`the server sent ${replyLength} bytes; expected a ${DIGEST_BYTES}-byte SHA-256`));
        return;
      }
      reply.push(d);
      if (replyLength < DIGEST_BYTES) return;
      if (sent < bytes) {
        fail(protocolError(`the server replied after ${sent} of ${bytes} bytes`));
        return;
      }
      remote = Buffer.concat(reply);
      completedAt = performance.now();
      conn.end();
    });
    conn.on('end', () => {
      if (remote === undefined) fail(protocolError(`the connection ended after ${replyLength} of the ${DIGEST_BYTES} digest bytes`));
    });
    conn.on('close', () => {
      if (outcome.settled) return;
      if (remote === undefined) {
        fail(protocolError(`the connection closed after ${replyLength} of the ${DIGEST_BYTES} digest bytes`));
        return;
      }
      outcome.succeed({ digest: hash.digest('hex'), remote: remote.toString('hex'), completedAt });
    });
    const chunk = randomBytes(Math.min(CHUNK_BYTES, Math.max(bytes, 1)));
    const pump = (): void => {
      try {
        while (!outcome.settled && sent < bytes) {
          const n = Math.min(chunk.length, bytes - sent);
          const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
          hash.update(piece);
          sent += n;
          if (!conn.write(piece)) {
            conn.once('drain', pump);
            return;
          }
        }
      } catch (err) {
        fail(err);
      }
    };
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeBigUInt64BE(BigInt(bytes));
    try {
      if (conn.write(header)) pump();
      else conn.once('drain', pump);
    } catch (err) {
      fail(err);
    }
  });
}

/**
 * Server side of the demo's stream protocol: read the 8-byte big-endian byte
 * count N, hash exactly N bytes, write their 32-byte SHA-256, `end()`, and
 * wait for the stream to close. Needs no half-close.
 * @param conn - an accepted stream (a toukit `Connection` or any `Duplex`)
 * @returns resolves once the digest was written and the stream closed
 * @throws (rejects) the stream's error, a failed write of the digest, or ToukitError
 *   `ERR_DEMO_PROTOCOL` when the client sends more than it announced or the stream ends
 *   or closes early; the stream is destroyed on failure
 */
export function serveDigest(conn: Duplex): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const hash = createHash('sha256');
    let header: Buffer = Buffer.alloc(0);
    let expected: number | undefined;
    let received = 0;
    let replied = false;
    const outcome = new Outcome(conn, resolve, reject);
    const fail = (err: unknown): void => outcome.fail(err);
    conn.on('error', fail);
    conn.on('data', (d: Buffer) => {
      if (outcome.settled) return;
      if (replied) {
        fail(protocolError(`the client sent more than the ${expected ?? 0} bytes it announced`));
        return;
      }
      let body = d;
      if (expected === undefined) {
        header = header.length === 0 ? d : Buffer.concat([header, d]);
        if (header.length < HEADER_BYTES) return;
        const announced = header.readBigUInt64BE(0);
        if (announced > BigInt(Number.MAX_SAFE_INTEGER)) {
          fail(protocolError(`the client announced ${announced} bytes; expected at most ${Number.MAX_SAFE_INTEGER}`));
          return;
        }
        expected = Number(announced);
        body = header.subarray(HEADER_BYTES);
      }
      if (received + body.length > expected) {
        fail(protocolError(`the client sent more than the ${expected} bytes it announced`));
        return;
      }
      hash.update(body);
      received += body.length;
      if (received < expected) return;
      replied = true;
      conn.write(hash.digest(), (err) => {
        if (err) fail(err);
      });
      conn.end();
    });
    conn.on('end', () => {
      if (!replied) fail(protocolError(`the client ended after ${received} of ${expected ?? '(unknown)'} bytes`));
    });
    conn.on('close', () => {
      if (outcome.settled) return;
      if (!replied || !conn.writableFinished) {
        fail(protocolError('the connection closed before the digest was sent'));
        return;
      }
      outcome.succeed();
    });
  });
}

async function datagramTransfer(conn: Connection, bytes: number): Promise<StreamTransferResult> {
  const size = 1024;
  const count = Math.ceil(bytes / size);
  const payload = randomBytes(count * size);
  const echoed: (Buffer | undefined)[] = new Array(count);
  const window = 32;
  let received = 0;
  let next = 0;
  const sendOne = (i: number): void => {
    const m = Buffer.allocUnsafe(4 + size);
    m.writeUInt32BE(i, 0);
    payload.copy(m, 4, i * size, (i + 1) * size);
    conn.write(m);
  };
  // The datagram transport is unreliable: keep a window of 32 messages in
  // flight and resend what has not come back after 200 ms.
  let retry: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    conn.on('data', (m: Buffer) => {
      const i = m.readUInt32BE(0);
      if (i < count && echoed[i] === undefined) {
        echoed[i] = m.subarray(4);
        received++;
      }
      if (received === count) resolve();
      else if (next < count) sendOne(next++);
    });
    retry = setInterval(() => {
      for (let i = 0; i < next; i++) if (echoed[i] === undefined) sendOne(i);
    }, 200);
    while (next < Math.min(window, count)) sendOne(next++);
  });
  clearInterval(retry);
  const mine = createHash('sha256').update(payload).digest('hex');
  const theirs = createHash('sha256')
    .update(Buffer.concat(echoed as Buffer[]))
    .digest('hex');
  conn.destroy();
  return { digest: mine, remote: theirs, completedAt: performance.now() };
}

/** The plugin names of a resolved stack, layer by layer. */
function layerNames(d: StackDescription): Record<Layer, string> {
  return Object.fromEntries(LAYERS.map((l) => [l, d.layers[l].name])) as Record<Layer, string>;
}

/** `err` with the side it happened on in its message, keeping a ToukitError's code. */
function sideError(side: 'client' | 'server', err: unknown): ToukitError {
  const e = toError(err);
  const other = (e as { code?: unknown }).code;
  const code = e instanceof ToukitError ? e.code : typeof other === 'string' ? other : 'ERR_DEMO';
  return new ToukitError(code, `demo ${side}: ${e.message}`, { cause: e });
}

/**
 * Run the demo: a server and a client stack on 127.0.0.1 transfer `bytes`
 * client to server and compare SHA-256 digests. Reliable transports use the
 * stream protocol of {@link sendAndVerify} / {@link serveDigest}; the
 * datagram transport echoes numbered messages. Prints nothing.
 * @param options - `bytes` to transfer (default 16 MiB on reliable transports, 4 MiB on datagram);
 *   `config`: the stack (default {@link strongestStack})
 * @returns the measured result
 * @throws (rejects) a ToukitError whose message names the side (`demo client:` / `demo server:`)
 *   when either side fails (a failed write, a protocol violation, a closed connection); ConfigError for a bad `config`
 */
export async function runDemo(options: { bytes?: number; config?: StackConfig } = {}): Promise<DemoResult> {
  const config = options.config ?? strongestStack();
  if (options.bytes !== undefined) checkByteCount(options.bytes);
  const stacks: Stack[] = [];
  try {
    const server = await createStack(config);
    stacks.push(server);
    const client = await createStack(config);
    stacks.push(client);
    const srv = await server.listen({ host: '127.0.0.1', port: 0 });
    const description = server.describe();
    const stream = description.layers.transport.capabilities.includes('reliable');
    const bytes = options.bytes ?? (stream ? 16 * 1024 * 1024 : 4 * 1024 * 1024);
    // The server finished (stream: digest sent and connection closed; datagram: echo started).
    let serverDone!: () => void;
    const served = new Promise<void>((resolve) => (serverDone = resolve));
    // Rejects on the first server-side failure; never resolves.
    const serverFailed = new Promise<never>((_, reject) => {
      const onError = (err: unknown): void => reject(sideError('server', err));
      srv.on('error', onError);
      srv.once('connection', (conn) => {
        if (stream) serveDigest(conn).then(() => serverDone(), onError);
        else {
          conn.on('error', onError);
          conn.pipe(conn);
          serverDone();
        }
      });
    });
    const start = performance.now();
    const clientSide = (async (): Promise<StreamTransferResult> => {
      try {
        const conn = await client.connect({ host: '127.0.0.1', port: srv.address().port });
        return stream ? await sendAndVerify(conn, bytes) : await datagramTransfer(conn, bytes);
      } catch (err) {
        throw sideError('client', err);
      }
    })();
    const [{ digest, remote, completedAt }] = await Promise.race([Promise.all([clientSide, served]), serverFailed]);
    const durationMs = completedAt - start;
    return {
      config,
      layers: layerNames(description),
      bytes,
      durationMs,
      megabytesPerSecond: bytes / 1e6 / (durationMs / 1000),
      digestsMatch: digest === remote,
      digest,
    };
  } finally {
    await Promise.all(stacks.map((s) => s.close()));
  }
}

/** Format a demo result for the terminal: the resolved stack, the transfer, throughput and the SHA-256 check. */
export function formatDemo(r: DemoResult): string {
  return [
    `stack:      ${LAYERS.map((l) => `${l}=${r.layers[l]}`).join(' ')}`,
    `transfer:   ${(r.bytes / 1024 / 1024).toFixed(1)} MiB client -> server on 127.0.0.1 in ${r.durationMs.toFixed(0)} ms`,
    `throughput: ${r.megabytesPerSecond.toFixed(1)} MB/s`,
    `sha-256:    ${r.digest} ${r.digestsMatch ? 'MATCH' : 'MISMATCH'}`,
  ].join('\n');
}
