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
 * The rules every transport keeps (datagram sizes, determinism, timers,
 * congestion window, bad input) are checked by `describeTransportCompliance`:
 * run it too.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { describe, it, expect } from 'vitest';
import type { CreateStackOptions } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import type { Connection } from '../connection/connection.js';
import type { LinkOptions } from '../sim/index.js';
import { connectOrReport, runUntilDone, statsOf } from './scenario.js';
import { checkBulkTransfer, closed, payload, sha256, sink, type Sink } from './stream-checks.js';
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

  const bulk = (link: LinkOptions): Promise<void> => checkBulkTransfer(makeStackConfig, link, options);

  describe(`reliable stream compliance: ${name}`, () => {
    it('completes the handshake on both sides', async () => {
      const p = await pair({ bandwidth: '10Mbit', delay: '10ms' });
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        let accepted: Connection | undefined;
        srv.on('connection', (c: Connection) => (accepted = c));
        const conn = await connectOrReport(p, limit);
        await p.net.run({ for: '100ms' });
        expect(conn.connected, 'the client connection must be connected once connect() resolved (ctx.opened())').toBe(true);
        expect(accepted?.connected, `the server's connection must be connected 100 ms after the client's (ctx.opened() on the server session); server connection: ${statsOf(accepted)}`).toBe(true);
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
        const conn = await connectOrReport(p, limit);
        const got = sink(conn);
        const data = payload(100_000, 5);
        conn.end(data);
        await runUntilDone(p.net, closed(conn), limit, 'a half-closed exchange (client sends 100000 bytes and ends, the server answers them reversed, then ends)', () =>
          [`client received ${got.bytes()} of 100000 bytes back (end ${got.ended() ? 'received' : 'not received'})`, `client connection: ${statsOf(conn)}`].join('\n'),
        );
        expect(got.ended(), 'after a half-close the server can still send, then end: the client must see the end').toBe(true);
        expect(got.digest(), `the client must get back exactly the 100000 bytes it sent, reversed (got ${got.bytes()} bytes)`).toBe(sha256(Uint8Array.from(data).reverse()));
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
          const conn = await connectOrReport(p, limit);
          const back = sink(conn);
          const data = payload(100_000, 5);
          conn.end(data);
          await runUntilDone(p.net, closed(conn), limit, 'a close without half-close (the client sends 100000 bytes and ends)', () =>
            [`server received ${got?.bytes() ?? 0} of 100000 bytes (end ${got?.ended() === true ? 'received' : 'not received'})`, `client connection: ${statsOf(conn)}`].join('\n'),
          );
          await p.net.run({ for: '1s' });
          expect(got?.ended(), "the server must see the client's end after its data").toBe(true);
          expect(got?.digest(), `the server must receive exactly the 100000 bytes sent (got ${got?.bytes() ?? 0})`).toBe(sha256(data));
          expect(back.bytes(), 'without half-close, data the server writes after the end must not reach the client').toBe(0);
          expect(writeError, 'without half-close, a write after the peer ended must fail with an error, not be lost silently').toBeInstanceOf(Error);
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
        const conn = await connectOrReport(p, limit);
        conn.write(payload(10_000, 1));
        await p.net.run({ for: '200ms' });
        conn.destroy();
        await p.net.run({ for: '1s' });
        expect(accepted?.destroyed, `destroying the client must close the server's connection within 1 s (abort sends RST / ABORT); server connection: ${statsOf(accepted)}`).toBe(true);
        expect(error, "the server's connection must close with an error after the peer's abort").toBeInstanceOf(Error);
      } finally {
        await p.close();
      }
    });
  });
}
