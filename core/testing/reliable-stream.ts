/**
 * Compliance suite for reliable, ordered byte-stream transports (`tcp`
 * and anything claiming `reliable` + `ordered` + `stream`), run on the
 * deterministic simulator through `createStack`:
 *
 * ```ts
 * import { describeReliableStreamCompliance } from 'toukit/testing';
 * describeReliableStreamCompliance('tcp', () => ({ transport: 'tcp', congestion: 'reno' }));
 * ```
 *
 * Every transfer is checked with SHA-256 over the bytes received.
 *
 * A transport that cannot half-close (SCTP: after SHUTDOWN neither side
 * accepts new data, RFC 9260 §9.2) declares `halfClose: false`; the
 * half-close case is then reported as skipped with that reason, and a case
 * checking the transport's actual close semantics runs instead:
 *
 * ```ts
 * describeReliableStreamCompliance('sctp', () => ({ transport: 'sctp', congestion: 'reno' }), { halfClose: false });
 * ```
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import type { CreateStackOptions } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import type { Connection } from '../connection/connection.js';
import { SeededRandom } from '../random/random.js';
import type { LinkOptions } from '../sim/index.js';
import { simPair } from './transport.js';
import type { SimPair } from './transport.js';

/** Options of {@link describeReliableStreamCompliance}. */
export interface ReliableStreamComplianceOptions {
  /** Extra `createStack` options (e.g. `plugins`). */
  readonly stackOptions?: CreateStackOptions;
  /** Bytes per bulk transfer (default 1 MiB). */
  readonly transferSize?: number;
  /** Seed of the simulated networks (default 1). */
  readonly seed?: number;
  /** Virtual-time limit per test in ms (default 600 000). */
  readonly limit?: number;
  /**
   * Whether the transport supports half-close, i.e. one side can still send
   * after it received the peer's end of stream (default true, as TCP,
   * RFC 9293 §3.6). Declare `false` for transports whose graceful close shuts
   * both directions, such as SCTP (RFC 9260 §9.2: once SHUTDOWN is sent or
   * received, neither endpoint accepts new data from its upper layer). With
   * `false`, the half-close case is skipped with that reason, and a case
   * runs instead that checks that the peer's end arrives after all its data
   * and that a write after it fails with an error rather than being lost.
   */
  readonly halfClose?: boolean;
}

/** SHA-256 (hex) and byte count of everything a connection delivers. */
interface Sink {
  readonly bytes: () => number;
  readonly digest: () => string;
  readonly ended: () => boolean;
}

function sink(conn: Connection): Sink {
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

function payload(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  new SeededRandom(seed).fill(b);
  return b;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function closed(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    if (conn.destroyed && conn.closed) resolve();
    else conn.once('close', () => resolve());
  });
}

/**
 * Declare the reliable-stream compliance tests. `makeStackConfig` returns
 * the stack config under test (called once per network).
 */
export function describeReliableStreamCompliance(
  name: string,
  makeStackConfig: () => StackConfig,
  options: ReliableStreamComplianceOptions = {},
): void {
  const size = options.transferSize ?? 1 << 20;
  const limit = options.limit ?? 600_000;

  async function pair(link: LinkOptions): Promise<SimPair> {
    return simPair(makeStackConfig(), { stackOptions: options.stackOptions, seed: options.seed, link });
  }

  /** Client sends `size` bytes and ends; server counts, then ends its side. */
  async function bulk(link: LinkOptions): Promise<void> {
    const p = await pair(link);
    try {
      const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
      let got: Sink | undefined;
      let serverConn: Connection | undefined;
      srv.on('connection', (c: Connection) => {
        serverConn = c;
        got = sink(c);
        c.on('end', () => c.end());
      });
      const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit });
      conn.resume();
      const data = payload(size, 17);
      conn.end(data);
      await p.net.runUntil(closed(conn), { limit });
      expect(got?.ended()).toBe(true);
      expect(got?.bytes()).toBe(size);
      expect(got?.digest()).toBe(sha256(data));
      expect(serverConn).toBeDefined();
    } finally {
      await p.close();
    }
  }

  describe(`reliable stream compliance: ${name}`, () => {
    it('completes the handshake on both sides', async () => {
      const p = await pair({ bandwidth: '10Mbit', delay: '10ms' });
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        let accepted: Connection | undefined;
        srv.on('connection', (c: Connection) => (accepted = c));
        const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit });
        await p.net.run({ for: '100ms' });
        expect(conn.connected).toBe(true);
        expect(accepted?.connected).toBe(true);
      } finally {
        await p.close();
      }
    });

    it(`transfers ${size} bytes exactly once, in order (SHA-256), on a clean link`, async () => {
      await bulk({ bandwidth: '50Mbit', delay: '5ms' });
    });

    it('transfers exactly under 5% random loss both ways', async () => {
      await bulk({ bandwidth: '50Mbit', delay: '5ms', loss: 0.05 });
    });

    it('transfers exactly under reordering and duplication', async () => {
      await bulk({ bandwidth: '50Mbit', delay: '5ms', reorder: { probability: 0.05, delay: '8ms' }, duplicate: 0.03 });
    });

    const halfClose = options.halfClose ?? true;
    const halfCloseTitle = 'half-closes: the server still answers after the client ended';
    it.skipIf(!halfClose)(halfClose ? halfCloseTitle : `${halfCloseTitle} (skipped: the transport declares halfClose: false)`, async () => {
      const p = await pair({ bandwidth: '10Mbit', delay: '10ms' });
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        srv.on('connection', (c: Connection) => {
          const chunks: Buffer[] = [];
          c.on('data', (d: Buffer) => chunks.push(d));
          c.on('end', () => c.end(Buffer.concat(chunks).reverse()));
        });
        const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit });
        const got = sink(conn);
        const data = payload(100_000, 5);
        conn.end(data);
        await p.net.runUntil(closed(conn), { limit });
        expect(got.ended()).toBe(true);
        expect(got.digest()).toBe(sha256(Uint8Array.from(data).reverse()));
      } finally {
        await p.close();
      }
    });

    if (!halfClose) {
      it('without half-close: the server sees the end after all data, and a write after it fails with an error', async () => {
        const p = await pair({ bandwidth: '10Mbit', delay: '10ms' });
        try {
          const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
          let got: Sink | undefined;
          let writeError: Error | undefined;
          srv.on('connection', (c: Connection) => {
            got = sink(c);
            c.on('error', (e: Error) => (writeError = e));
            c.on('end', () => c.end(Buffer.from('too late')));
          });
          const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit });
          const back = sink(conn);
          const data = payload(100_000, 5);
          conn.end(data);
          await p.net.runUntil(closed(conn), { limit });
          await p.net.run({ for: '1s' });
          expect(got?.ended()).toBe(true);
          expect(got?.digest()).toBe(sha256(data));
          expect(back.bytes()).toBe(0);
          expect(writeError).toBeInstanceOf(Error);
        } finally {
          await p.close();
        }
      });
    }

    it('abort: destroying one side closes the other with an error', async () => {
      const p = await pair({ bandwidth: '10Mbit', delay: '10ms' });
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        let accepted: Connection | undefined;
        let error: Error | undefined;
        srv.on('connection', (c: Connection) => {
          accepted = c;
          c.on('error', (e: Error) => (error = e));
          c.resume();
        });
        const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }), { limit });
        conn.write(payload(10_000, 1));
        await p.net.run({ for: '200ms' });
        conn.destroy();
        await p.net.run({ for: '1s' });
        expect(accepted?.destroyed).toBe(true);
        expect(error).toBeInstanceOf(Error);
      } finally {
        await p.close();
      }
    });
  });
}
