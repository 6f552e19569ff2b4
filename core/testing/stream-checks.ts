/**
 * The bulk transfer of the reliable-stream compliance suite as a check
 * that throws a {@link ComplianceViolation} (bytes delivered of bytes
 * expected, and both sessions' statistics, when the transfer stalls), and
 * the helpers the suite shares with it.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { StackConfig } from '../composition/config.js';
import type { Connection } from '../connection/connection.js';
import { SeededRandom } from '../random/random.js';
import type { LinkOptions } from '../sim/index.js';
import type { ReliableStreamComplianceOptions } from './reliable-stream.js';
import { connectOrReport, runUntilDone, statsOf, violated, type ComplianceViolation } from './scenario.js';
import { simPair } from './transport.js';

/** SHA-256 (hex) and byte count of everything a connection delivers. */
export interface Sink {
  /** Bytes delivered so far. */
  readonly bytes: () => number;
  /** SHA-256 of everything delivered (call once, at the end). */
  readonly digest: () => string;
  /** Whether the end of the stream arrived. */
  readonly ended: () => boolean;
}

/** Count and hash what `conn` delivers. */
export function sink(conn: Connection): Sink {
  const h = createHash('sha256');
  let n = 0;
  let ended = false;
  let digest: string | undefined;
  conn.on('data', (d: Buffer) => {
    h.update(d);
    n += d.length;
  });
  conn.on('end', () => {
    ended = true;
  });
  return {
    bytes: () => n,
    digest: () => (digest ??= h.digest('hex')),
    ended: () => ended,
  };
}

/** `size` seeded random bytes. */
export function payload(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  new SeededRandom(seed).fill(b);
  return b;
}

/** SHA-256 of `b`, hex. */
export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Resolves when `conn` has closed. */
export function closed(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    if (conn.destroyed && conn.closed) resolve();
    else conn.once('close', () => resolve());
  });
}

/**
 * One bulk transfer: the client sends `options.transferSize` bytes (default
 * 1 MiB) and ends; the server counts them (SHA-256) and ends its side when
 * it sees the end. Throws a {@link ComplianceViolation} saying how many
 * bytes arrived of how many, with both connections' statistics, when the
 * transfer stalls or the bytes differ.
 */
export async function checkBulkTransfer(
  makeStackConfig: () => StackConfig,
  link: LinkOptions,
  options: ReliableStreamComplianceOptions = {},
): Promise<void> {
  const size = options.transferSize ?? 1 << 20;
  const limit = options.limit ?? 600_000;
  const p = await simPair(makeStackConfig(), { stackOptions: options.stackOptions, seed: options.seed, link });
  try {
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    let got: Sink | undefined;
    let serverConn: Connection | undefined;
    srv.on('connection', (c: Connection) => {
      serverConn = c;
      got = sink(c);
      c.on('end', () => c.end());
    });
    const conn = await connectOrReport(p, limit);
    conn.resume();
    const data = payload(size, 17);
    conn.end(data);
    const progress = (): string =>
      [
        `server received ${got?.bytes() ?? 0} of ${size} bytes (end ${got?.ended() === true ? 'received' : 'not received'})`,
        `client connection: ${statsOf(conn)}`,
        `server connection: ${statsOf(serverConn)}`,
      ].join('\n');
    await runUntilDone(p.net, closed(conn), limit, `a ${size}-byte transfer (client writes and ends, server ends after the end)`, progress);
    if (serverConn === undefined) violated('the server never accepted the connection');
    const n = got?.bytes() ?? 0;
    if (n !== size) {
      violated(
        `the server received ${n} bytes, but the client sent ${size}: a reliable byte stream delivers every byte exactly once ` +
          `(${n > size ? 'duplicated or out-of-order data was delivered' : 'data is missing although the connection closed normally'}).\n${progress()}`,
      );
    }
    if (got?.ended() !== true) violated(`the server received all ${size} bytes but never the end of the stream (no 'end' event) before the client connection closed.\n${progress()}`);
    if (got?.digest() !== sha256(data)) violated(`the server received ${size} bytes, but not the bytes sent (SHA-256 differs): data was reordered or corrupted.\n${progress()}`);
  } finally {
    await p.close();
  }
}
