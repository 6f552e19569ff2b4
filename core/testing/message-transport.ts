/**
 * Compliance suite for message-oriented transports (`sctp`, and the parts
 * that apply to unreliable ones such as `datagram`), run on the
 * deterministic simulator through `createStack`:
 *
 * ```ts
 * import { describeMessageTransportCompliance } from 'toukit/testing';
 * describeMessageTransportCompliance('sctp', () => ({ transport: 'sctp', congestion: 'reno' }), {
 *   reliable: true, multistream: true, partialReliability: true,
 * });
 * ```
 *
 * Messages are sent with `Connection.send` and read from the connection's
 * `'message'` events; contents are compared byte for byte.
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
import type { MessageInfo } from '../contracts/transport.js';
import { ToukitError } from '../errors.js';
import { SeededRandom } from '../random/random.js';
import type { LinkOptions } from '../sim/index.js';
import { connectOrReport, statsOf } from './scenario.js';
import { simPair, type SimPair } from './transport.js';

/** What the transport under test promises; tests that do not apply are not declared. */
export interface MessageTransportComplianceOptions {
  /** Every message arrives exactly once, in order per stream (default false). */
  readonly reliable?: boolean;
  /** Several streams with stream ids and PPIDs (default false). */
  readonly multistream?: boolean;
  /** Per-message `maxRetransmits` / `lifetime` (default false). */
  readonly partialReliability?: boolean;
  /** Largest message used in the tests, in bytes (default 1000; use ≥ 8000 to cover fragmentation). */
  readonly maxMessage?: number;
  /** Extra `createStack` options (e.g. `plugins`). */
  readonly stackOptions?: CreateStackOptions;
  /** Seed of the simulated networks (default 1). */
  readonly seed?: number;
}

interface Received {
  readonly data: Uint8Array;
  readonly info: MessageInfo;
}

interface Session {
  readonly pair: SimPair;
  readonly conn: Connection;
  readonly received: Received[];
  /** Errors either connection reported (there must be none). */
  readonly errors: Error[];
}

async function open(makeConfig: () => StackConfig, o: MessageTransportComplianceOptions, link: LinkOptions): Promise<Session> {
  const pair = await simPair(makeConfig(), { link, stackOptions: o.stackOptions, seed: o.seed ?? 1 });
  const srv = await pair.server.listen({ host: '10.0.0.2', port: 6080 });
  const received: Received[] = [];
  const errors: Error[] = [];
  srv.on('connection', (c: Connection) => {
    c.on('message', (data: Uint8Array, info: MessageInfo) => received.push({ data: Uint8Array.from(data), info }));
    c.on('error', (e: Error) => errors.push(e));
    c.resume();
  });
  const conn = await connectOrReport(pair, '60s');
  conn.on('error', (e: Error) => errors.push(e));
  return { pair, conn, received, errors };
}

function message(rng: SeededRandom, id: number, size: number): Uint8Array {
  const m = new Uint8Array(Math.max(4, size));
  rng.fill(m);
  m[0] = id >>> 24;
  m[1] = (id >>> 16) & 0xff;
  m[2] = (id >>> 8) & 0xff;
  m[3] = id & 0xff;
  return m;
}

const idOf = (m: Uint8Array): number => ((m[0] << 24) | (m[1] << 16) | (m[2] << 8) | m[3]) >>> 0;

/**
 * Declare the message-transport compliance tests.
 * @param name - suite title (the transport's name)
 * @param makeStackConfig - builds the stack config under test (its `transport` is the plugin tested)
 * @param options - what the transport promises, and stack options
 */
export function describeMessageTransportCompliance(
  name: string,
  makeStackConfig: () => StackConfig,
  options: MessageTransportComplianceOptions = {},
): void {
  const maxMessage = options.maxMessage ?? 1000;
  const lossless: LinkOptions = { bandwidth: '20Mbit', delay: '10ms' };

  describe(`message transport compliance: ${name}`, () => {
    it('preserves message boundaries and contents', async () => {
      const s = await open(makeStackConfig, options, lossless);
      try {
        const rng = new SeededRandom(11);
        const sent: Uint8Array[] = [];
        for (let i = 0; i < 60; i++) {
          const m = message(rng, i, 4 + (rng.uint32() % (maxMessage - 3)));
          sent.push(m);
          s.conn.send(m);
        }
        await s.pair.net.run({ for: '10s' });
        expect(
          s.received.map((r) => r.data.length),
          `the sizes of the messages received must be those of the 60 sent (one send() is one 'message' event, never split or merged); client ${statsOf(s.conn)}`,
        ).toEqual(sent.map((m) => m.length));
        s.received.forEach((r, i) => expect(Buffer.compare(Buffer.from(r.data), Buffer.from(sent[i])), `message ${i} must arrive with the contents sent`).toBe(0));
        for (const r of s.received) expect(typeof r.info.unordered, 'MessageInfo.unordered must be a boolean').toBe('boolean');
      } finally {
        await s.pair.close();
      }
    });

    it('refuses a message larger than it can ever send with a typed error, and keeps working', async () => {
      const s = await open(makeStackConfig, options, lossless);
      try {
        expect(() => s.conn.send(new Uint8Array(64 * 1024 * 1024)), 'a 64 MiB message must be refused at once with a ToukitError (e.g. PayloadTooLargeError), not queued or sent in pieces').toThrow(ToukitError);
        s.conn.send(Uint8Array.of(0, 0, 0, 9));
        await s.pair.net.run({ for: '2s' });
        expect(s.received.map((r) => idOf(r.data)), 'after refusing a message the connection must still carry the next one (and only it)').toEqual([9]);
      } finally {
        await s.pair.close();
      }
    });

    if (options.multistream === true) {
      it('carries stream ids and PPIDs, and refuses a stream that does not exist with a typed error', async () => {
        const s = await open(makeStackConfig, options, lossless);
        try {
          const rng = new SeededRandom(12);
          for (let i = 0; i < 32; i++) s.conn.send(message(rng, i, 100), { stream: i % 8, ppid: 1000 + i });
          await s.pair.net.run({ for: '5s' });
          expect(s.received.length, `32 messages were sent on 8 streams; client ${statsOf(s.conn)}`).toBe(32);
          for (const r of s.received) {
            const id = idOf(r.data);
            expect(r.info, `message ${id} was sent on stream ${id % 8} with PPID ${1000 + id}: MessageInfo must carry them`).toMatchObject({ stream: id % 8, ppid: 1000 + id, unordered: false });
          }
          expect(() => s.conn.send(Uint8Array.of(1), { stream: 65535 }), 'sending on a stream that was not negotiated must throw a ToukitError').toThrow(ToukitError);
        } finally {
          await s.pair.close();
        }
      });

      it('marks unordered messages as unordered', async () => {
        const s = await open(makeStackConfig, options, lossless);
        try {
          s.conn.send(Uint8Array.of(0, 0, 0, 1), { stream: 1, unordered: true });
          s.conn.send(Uint8Array.of(0, 0, 0, 2), { stream: 1 });
          await s.pair.net.run({ for: '2s' });
          expect(s.received.map((r) => [idOf(r.data), r.info.unordered]).sort(), 'a message sent with { unordered: true } arrives with MessageInfo.unordered true, an ordered one with false').toEqual([
            [1, true],
            [2, false],
          ]);
        } finally {
          await s.pair.close();
        }
      });
    }

    if (options.reliable === true) {
      it('delivers every message exactly once, in order per stream, under loss, duplication and reordering', async () => {
        const link: LinkOptions = { bandwidth: '10Mbit', delay: '15ms', loss: 0.05, duplicate: 0.02, reorder: 0.02 };
        const s = await open(makeStackConfig, options, link);
        try {
          const rng = new SeededRandom(13);
          const streams = options.multistream === true ? 4 : 1;
          const sent: Uint8Array[] = [];
          for (let i = 0; i < 200; i++) {
            const m = message(rng, i, 4 + (rng.uint32() % (maxMessage - 3)));
            sent.push(m);
            s.conn.send(m, options.multistream === true ? { stream: i % streams } : {});
          }
          await s.pair.net.run({ for: '120s' });
          expect(s.errors, 'neither connection may fail under loss, duplication and reordering').toEqual([]);
          expect(
            s.received.length,
            `a reliable transport delivers all 200 messages exactly once within 120 s under 5 % loss (received ${s.received.length}: ${s.received.length > 200 ? 'duplicates were delivered' : 'the transfer stalled or lost messages'}); client ${statsOf(s.conn)}`,
          ).toBe(200);
          for (let st = 0; st < streams; st++) {
            const got = s.received.filter((r) => r.info.stream === st).map((r) => idOf(r.data));
            expect(got, `messages of stream ${st} must arrive in the order sent, each once`).toEqual(sent.map((_, i) => i).filter((i) => i % streams === st));
          }
          for (const r of s.received) expect(Buffer.compare(Buffer.from(r.data), Buffer.from(sent[idOf(r.data)])), `message ${idOf(r.data)} must arrive with the contents sent`).toBe(0);
        } finally {
          await s.pair.close();
        }
      });
    }

    if (options.partialReliability === true) {
      it('gives up on expiring messages under heavy loss without blocking reliable ones or delivering duplicates', async () => {
        const s = await open(makeStackConfig, options, { bandwidth: '10Mbit', delay: '10ms', loss: 0.2 });
        try {
          const rng = new SeededRandom(14);
          for (let i = 0; i < 100; i++) {
            s.conn.send(message(rng, i, 200), { stream: 1, maxRetransmits: 0 });
            s.conn.send(message(rng, 1000 + i, 200), { stream: 0 });
          }
          await s.pair.net.run({ for: '600s' });
          expect(s.errors, 'neither connection may fail when messages expire').toEqual([]);
          const reliable = s.received.filter((r) => r.info.stream === 0).map((r) => idOf(r.data));
          expect(reliable, `the 100 reliable messages of stream 0 must all arrive in order although messages of stream 1 are abandoned (${reliable.length} arrived); client ${statsOf(s.conn)}`).toEqual(
            Array.from({ length: 100 }, (_, i) => 1000 + i),
          );
          const partial = s.received.filter((r) => r.info.stream === 1).map((r) => idOf(r.data));
          expect(new Set(partial).size, 'an abandoned-or-delivered message must never be delivered twice').toBe(partial.length);
          expect(partial.length, 'with maxRetransmits: 0 under 20 % loss some messages must be given up (none was)').toBeLessThan(100);
          expect(partial, 'partially reliable messages of one stream must still arrive in order').toEqual([...partial].sort((a, b) => a - b));
        } finally {
          await s.pair.close();
        }
      });
    }
  });
}
