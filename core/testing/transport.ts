/**
 * Compliance suite for transport plugins (the basics every transport must
 * meet), run on the deterministic simulator. Use it from your own tests:
 *
 * ```ts
 * import { describeTransportCompliance } from 'toukit/testing';
 * describeTransportCompliance('my-transport', { transport: { use: myPlugin } });
 * ```
 *
 * Besides connecting and exchanging data, it checks the rules of the plugin
 * guide ("Writing a transport") by instrumenting what the sessions are
 * handed: no datagram above `ctx.maxDatagramSize`; the same seeded run
 * twice (the second with the wall clock moved ahead) sends the same
 * datagrams and arms the same timers; timers are created once, not per
 * write, and none stays armed after close, abort or `stack.close()`; a
 * `congestion-controlled` transport never sends new data beyond
 * `canSend(bytesInFlight)` of a small fixed window and reports every
 * packet to `onPacketSent`; `handleDatagram` of an established session
 * never throws on truncated, mutated or garbage datagrams, and the
 * connection keeps working.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { describe, it, expect } from 'vitest';
import { createStack, type CreateStackOptions, type Stack } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import type { Connection } from '../connection/connection.js';
import { DecodeError } from '../errors.js';
import { SeededRandom } from '../random/random.js';
import { SimNetwork } from '../sim/index.js';
import type { LinkOptions } from '../sim/index.js';
import type { TransportAcceptContext } from '../contracts/transport.js';
import { checkBadInputToEstablishedSession, checkCongestionWindowRespected, checkDatagramSizes, type CheckResult } from './transport-rules.js';
import { connectOrReport, statsOf } from './scenario.js';
import { checkDeterminism, checkTimersPerWrite, checkTimersReleased } from './transport-lifecycle.js';

/** Options of {@link describeTransportCompliance}. */
export interface TransportComplianceOptions {
  /** Link between client and server (default: 10 Mbit/s, 10 ms each way, no loss). */
  readonly link?: LinkOptions;
  /** Extra `createStack` options (e.g. `plugins`). */
  readonly stackOptions?: CreateStackOptions;
  /** Seed of the simulated network (default 1). */
  readonly seed?: number;
}

/** A client and a server stack on a fresh simulated network. */
export interface SimPair {
  /** The network (run it to make time pass). */
  readonly net: SimNetwork;
  /** The server stack (host 10.0.0.2). */
  readonly server: Stack;
  /** The client stack (host 10.0.0.1). */
  readonly client: Stack;
  /** Close both stacks. */
  close(): Promise<void>;
}

/** Build a client/server pair of stacks with `config` on a simulated two-host network. */
export async function simPair(config: StackConfig, options: TransportComplianceOptions = {}): Promise<SimPair> {
  const net = new SimNetwork({ seed: options.seed ?? 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, options.link ?? { bandwidth: '10Mbit', delay: '10ms' });
  const client = await createStack(config, { ...options.stackOptions, substrate: a });
  const server = await createStack(config, { ...options.stackOptions, substrate: b });
  return {
    net,
    server,
    client,
    close: async () => {
      await Promise.all([client.close(), server.close()]);
    },
  };
}

function collect(conn: Connection): { chunks: Buffer[]; text(): string } {
  const chunks: Buffer[] = [];
  conn.on('data', (d: Buffer) => chunks.push(d));
  return { chunks, text: () => Buffer.concat(chunks).toString() };
}

/**
 * Declare the transport compliance tests for the stack `config` (its
 * `transport` is the plugin under test).
 */
export function describeTransportCompliance(name: string, config: StackConfig, options: TransportComplianceOptions = {}): void {
  describe(`transport compliance: ${name}`, () => {
    it('resolves to a transport with a valid protocol number and overhead', async () => {
      const s = await createStack(config, options.stackOptions);
      try {
        const t = s.describe().layers.transport;
        expect(t.overhead, 'TransportProtocol.overhead (header bytes per data datagram) must not be negative').toBeGreaterThanOrEqual(0);
        expect(s.describe().maxTransportDatagram, 'the largest transport datagram must leave room for a payload after the transport header').toBeGreaterThan(t.overhead);
      } finally {
        await s.close();
      }
    });

    it('connects, exchanges data both ways and reports JSON-serialisable stats', async () => {
      const p = await simPair(config, options);
      try {
        const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
        srv.on('connection', (c) => c.on('data', (d: Buffer) => c.write(Buffer.from(d.toString().toUpperCase()))));
        const conn = await connectOrReport(p);
        expect(conn.remoteAddress, 'remote address of the client connection').toBe('10.0.0.2');
        expect(conn.localAddress, 'local address of the client connection').toBe('10.0.0.1');
        const got = collect(conn);
        conn.write('hello');
        await p.net.run({ for: '2s' });
        expect(got.text(), `the server echoes what it receives upper-cased: "hello" written by the client must come back as "HELLO" within 2 s (client ${statsOf(conn)})`).toBe('HELLO');
        expect(() => JSON.stringify(conn.stats()), 'TransportSession.stats() must be JSON-serialisable').not.toThrow();
        expect(() => JSON.stringify(p.server.stats()), 'stack stats must be JSON-serialisable').not.toThrow();
      } finally {
        await p.close();
      }
    });

    it('never throws out of demuxKey/handleUnmatched on random bytes (only DecodeError from demuxKey)', async () => {
      const s = await createStack(config, options.stackOptions);
      const rng = new SeededRandom(options.seed ?? 7);
      const transport = (s as unknown as { transport: import('../contracts/transport.js').TransportProtocol }).transport;
      const drops: string[] = [];
      const ctx: TransportAcceptContext = {
        peer: { address: '10.0.0.9', family: 'IPv4', port: 4000 },
        local: { address: '10.0.0.2', family: 'IPv4', port: 6080 },
        listening: () => false,
        accept: () => {
          throw new Error('accept() must not be called when nothing listens');
        },
        reply: () => {},
        drop: (r) => drops.push(r),
        clock: { now: () => 0 },
        random: rng,
        maxDatagramSize: 1396,
      };
      try {
        for (let i = 0; i < 2000; i++) {
          const bytes = new Uint8Array(rng.uint32() % 80);
          rng.fill(bytes);
          const hex = Buffer.from(bytes).toString('hex');
          try {
            transport.demuxKey(bytes);
          } catch (err) {
            expect(err, `demuxKey may throw only a DecodeError on bad input; it threw ${String(err)} on ${hex}`).toBeInstanceOf(DecodeError);
          }
          expect(() => transport.handleUnmatched(bytes, ctx), `handleUnmatched must never throw (bad input is dropped with ctx.drop); input ${hex}`).not.toThrow();
        }
      } finally {
        await s.close();
      }
    });

    it('stack.close() ends open connections', async () => {
      const p = await simPair(config, options);
      const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
      let accepted: Connection | undefined;
      srv.on('connection', (c) => (accepted = c));
      const conn = await connectOrReport(p);
      conn.write('x');
      await p.net.run({ for: '1s' });
      await p.close();
      expect(conn.destroyed, 'stack.close() must destroy the client connection').toBe(true);
      expect(accepted?.destroyed ?? true, "stack.close() must destroy the server's connection").toBe(true);
    });

    const rule = (title: string, check: (c: StackConfig, o: TransportComplianceOptions) => Promise<CheckResult>): void => {
      it(title, async (ctx) => {
        const skipped = await check(config, options);
        if (skipped !== undefined) ctx.skip(skipped);
      });
    };
    rule('never sends a datagram larger than ctx.maxDatagramSize, nor a UDP payload above the stack mtu', checkDatagramSizes);
    rule('is deterministic: the same seed gives the same datagrams and timer deadlines, whatever the wall clock', checkDeterminism);
    rule('creates timers once per session, not per write', checkTimersPerWrite);
    rule('leaves no timer armed after a close, an abort or stack.close()', checkTimersReleased);
    rule('congestion-controlled: never sends new data beyond canSend() of a fixed window, and reports every packet sent', checkCongestionWindowRespected);
    rule('never throws from handleDatagram on malformed input to an established session, and keeps working', checkBadInputToEstablishedSession);
  });
}
