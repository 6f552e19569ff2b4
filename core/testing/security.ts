/**
 * Security-layer test kit: a back-to-back client/server harness for
 * {@link SecurityProtocol} sessions in virtual time (no sockets, seeded
 * randomness), and the compliance suite {@link describeSecurityCompliance}.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { PeerAddress } from '../contracts/address.js';
import type {
  HandshakeInfo,
  SecurityContentKind,
  SecurityContext,
  SecurityProtocol,
  SecuritySession,
} from '../contracts/security.js';
import { SeededRandom } from '../random/random.js';
import type { Timer, TimerService } from '../time/clock.js';
import { DeadlineHeap } from '../time/heap.js';
import type { HeapEntry } from '../time/heap.js';
import { nullTracer } from '../trace/tracer.js';
import type { Tracer } from '../trace/tracer.js';
import { joinBytes } from '../bytes.js';

interface VirtualEvent extends HeapEntry {
  run: (() => void) | undefined;
}

class VirtualTimer implements Timer, VirtualEvent {
  deadline = Infinity;
  seq = 0;
  heapIndex = -1;
  run: (() => void) | undefined;
  constructor(
    private readonly time: VirtualTime,
    callback: () => void,
  ) {
    this.run = callback;
  }
  get armed(): boolean {
    return this.heapIndex >= 0;
  }
  arm(deadline: number): void {
    this.time.schedule(this, Math.max(deadline, this.time.now()));
  }
  cancel(): void {
    this.time.unschedule(this);
    this.deadline = Infinity;
  }
}

/** Virtual clock and timer service driven explicitly by the test. */
export class VirtualTime implements TimerService {
  private t = 0;
  private readonly heap = new DeadlineHeap<VirtualEvent>();

  /** Current virtual time in ms. */
  now(): number {
    return this.t;
  }

  /** Create a disarmed timer on the virtual clock. */
  createTimer(callback: () => void): Timer {
    return new VirtualTimer(this, callback);
  }

  /** Run `fn` at virtual time `at`. */
  at(at: number, fn: () => void): void {
    this.heap.schedule({ deadline: 0, seq: 0, heapIndex: -1, run: fn }, Math.max(at, this.t));
  }

  /** @internal */
  schedule(e: VirtualEvent, deadline: number): void {
    this.heap.schedule(e, deadline);
  }

  /** @internal */
  unschedule(e: VirtualEvent): void {
    if (e.heapIndex >= 0) this.heap.remove(e);
  }

  /** Fire the next event; false when none is due before `limit`. */
  step(limit: number): boolean {
    const next = this.heap.peek();
    if (next === undefined || next.deadline > limit) return false;
    this.heap.pop();
    this.t = next.deadline;
    next.deadline = Infinity;
    next.run?.();
    return true;
  }

  /** Whether no event is queued. */
  get idle(): boolean {
    return this.heap.size === 0;
  }

  /** Cancel every timer. */
  close(): void {
    this.heap.clear();
  }
}

/** An event emitted by a session of a {@link SecurityPair}. */
export interface SideEvent {
  /** Event name (`keylog`, `handshake`, …). */
  name: string;
  /** Arguments passed with it. */
  args: unknown[];
}

/** A datagram sent by one side of a {@link SecurityPair}. */
export interface SentDatagram {
  /** The datagram. */
  data: Uint8Array;
  /** Its content kind. */
  kind: SecurityContentKind;
}

/** What one side of a {@link SecurityPair} observed. */
export interface SideLog {
  /** Plaintexts delivered to the transport. */
  readonly delivered: Uint8Array[];
  /** Handshake info once established. */
  established?: HandshakeInfo;
  /** Error passed to `failed`. */
  failed?: Error;
  /** Times `closed` was called. */
  closed: number;
  /** Drop counters. */
  readonly drops: Record<string, number>;
  /** Events emitted (`keylog`, `handshake`, …). */
  readonly events: SideEvent[];
  /** Datagrams this side sent, with their kind. */
  readonly sent: SentDatagram[];
}

/** Direction of a datagram in a {@link SecurityPair}. */
export type PairDirection = 'toServer' | 'toClient';

/** Options of {@link SecurityPair}. */
export interface SecurityPairOptions {
  /** One-way latency in ms (default 5). */
  readonly latencyMs?: number;
  /** Independent loss probability per datagram (default 0). */
  readonly loss?: number;
  /** Seed of the pair's randomness (default 1). */
  readonly seed?: number;
  /** maxDatagramSize given to both sessions (default 1400). */
  readonly maxDatagramSize?: number;
  /** Rewrite, drop (`null`) or multiply (array) datagrams in flight. */
  readonly filter?: (dir: PairDirection, data: Uint8Array) => Uint8Array | Uint8Array[] | null;
  /** Tracer given to both sessions. */
  readonly tracer?: Tracer;
}

function emptyLog(): SideLog {
  return { delivered: [], closed: 0, drops: {}, events: [], sent: [] };
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  return joinBytes(parts);
}

const CLIENT_ADDR: PeerAddress = { address: '192.0.2.1', family: 'IPv4', port: 40000 };
const SERVER_ADDR: PeerAddress = { address: '192.0.2.2', family: 'IPv4', port: 4433 };

/**
 * A client session and (once a datagram is accepted) a server session wired
 * back to back through a lossy virtual link. The server side follows the
 * stack's rules: datagrams from a peer without a session go to
 * `protocol.accept`, and a session is created only when it returns true.
 */
export class SecurityPair {
  /** Virtual time. */
  readonly time = new VirtualTime();
  /** Randomness of the link and of both sessions. */
  readonly random: SeededRandom;
  /** The client session. */
  readonly client: SecuritySession;
  /** The server session, once accepted. */
  server: SecuritySession | undefined;
  /** Client-side observations. */
  readonly clientLog = emptyLog();
  /** Server-side observations. */
  readonly serverLog = emptyLog();
  /** Datagrams the server protocol saw in `accept`. */
  accepts = 0;
  /** Stateless replies sent by `accept`. */
  acceptReplies = 0;
  private readonly latency: number;

  /**
   * @param clientProtocol - protocol creating the client session
   * @param serverProtocol - protocol accepting and creating the server session
   * @param options - link options
   */
  constructor(
    clientProtocol: SecurityProtocol,
    private readonly serverProtocol: SecurityProtocol,
    private readonly options: SecurityPairOptions = {},
  ) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.latency = options.latencyMs ?? 5;
    this.client = clientProtocol.createClient(this.context('client', this.clientLog, SERVER_ADDR, 'toServer'));
  }

  private context(role: 'client' | 'server', log: SideLog, peer: PeerAddress, dir: PairDirection): SecurityContext {
    return {
      role,
      peer,
      maxDatagramSize: this.options.maxDatagramSize ?? 1400,
      sendDown: (parts, kind) => {
        const data = join(parts);
        log.sent.push({ data, kind });
        this.transmit(dir, data);
      },
      deliver: (p) => log.delivered.push(p.slice()),
      established: (info) => (log.established = info),
      failed: (err) => (log.failed = err),
      closed: () => log.closed++,
      emitEvent: (name, ...args) => log.events.push({ name, args }),
      drop: (reason) => (log.drops[reason] = (log.drops[reason] ?? 0) + 1),
      clock: this.time,
      timers: this.time,
      random: this.random,
      tracer: this.options.tracer ?? nullTracer,
    };
  }

  /** Put a datagram on the link (subject to loss and the filter). */
  transmit(dir: PairDirection, data: Uint8Array): void {
    if ((this.options.loss ?? 0) > 0 && this.random.float() < this.options.loss!) return;
    const out = this.options.filter ? this.options.filter(dir, data) : data;
    if (out === null) return;
    for (const d of Array.isArray(out) ? out : [out]) {
      this.time.at(this.time.now() + this.latency, () => (dir === 'toServer' ? this.toServer(d) : this.client.handleDatagram(d)));
    }
  }

  /** Deliver a datagram to the server side now. */
  toServer(data: Uint8Array): void {
    if (this.server !== undefined) {
      this.server.handleDatagram(data);
      return;
    }
    this.accepts++;
    const accepted = this.serverProtocol.accept(data, {
      peer: CLIENT_ADDR,
      reply: (parts) => {
        this.acceptReplies++;
        this.transmit('toClient', join(parts));
      },
      drop: (reason) => (this.serverLog.drops[reason] = (this.serverLog.drops[reason] ?? 0) + 1),
      clock: this.time,
      random: this.random,
    });
    if (!accepted) return;
    this.server = this.serverProtocol.createServer(this.context('server', this.serverLog, CLIENT_ADDR, 'toClient'));
    this.server.start();
    this.server.handleDatagram(data);
  }

  /** Start the client handshake. */
  start(): void {
    this.client.start();
  }

  /**
   * Run events until `done()` holds or virtual time passes `maxMs` from now;
   * yields to the event loop when idle so promise-based work can finish.
   */
  async runUntil(done: () => boolean, maxMs = 120_000): Promise<boolean> {
    const limit = this.time.now() + maxMs;
    let idleRounds = 0;
    while (!done()) {
      // Let promise-based work (e.g. an asynchronous PSK lookup) settle before virtual time moves on.
      await new Promise((r) => setImmediate(r));
      if (done()) break;
      if (this.time.step(limit)) {
        idleRounds = 0;
        continue;
      }
      if (++idleRounds > 3) return done();
    }
    return true;
  }

  /** Run until both sides are established (or one failed). */
  async handshake(maxMs?: number): Promise<boolean> {
    this.start();
    await this.runUntil(
      () =>
        (this.client.established && this.server?.established === true) ||
        this.clientLog.failed !== undefined ||
        this.serverLog.failed !== undefined,
      maxMs,
    );
    return this.client.established && this.server?.established === true;
  }
}

/** The two protocols a compliance run needs (they may be the same object). */
export interface SecurityProtocols {
  /** Creates the client session. */
  readonly client: SecurityProtocol;
  /** Accepts and creates the server session. */
  readonly server: SecurityProtocol;
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/**
 * Declare the security compliance tests for a protocol: handshake, data both
 * ways, a tampered datagram dropped without ending the session (confidential
 * protocols), replay rejected, and close.
 */
export function describeSecurityCompliance(
  name: string,
  makeProtocols: () => SecurityProtocols | Promise<SecurityProtocols>,
): void {
  describe(`security compliance: ${name}`, () => {
    async function established(): Promise<{ pair: SecurityPair; protocols: SecurityProtocols }> {
      const protocols = await makeProtocols();
      const pair = new SecurityPair(protocols.client, protocols.server, { seed: 7 });
      await pair.handshake();
      if (pair.server === undefined && pair.client.established) {
        // Protocols without a handshake create the server session on the first datagram.
        pair.client.send([bytes('first')]);
        await pair.runUntil(() => pair.server !== undefined);
        pair.serverLog.delivered.length = 0;
      }
      expect(pair.clientLog.failed, 'the client handshake must not fail (ctx.failed)').toBeUndefined();
      expect(pair.serverLog.failed, 'the server handshake must not fail (ctx.failed)').toBeUndefined();
      expect(pair.client.established, 'the client session must be established after the handshake (ctx.established)').toBe(true);
      expect(pair.server?.established, 'the server session must be established after the handshake (ctx.established)').toBe(true);
      return { pair, protocols };
    }

    it('completes a handshake and reports it on both sides', async () => {
      const { pair } = await established();
      expect(pair.clientLog.established?.protocol, 'HandshakeInfo.protocol must name the protocol').toBeTruthy();
      expect(pair.serverLog.established?.cipherSuite, 'both sides must report the same negotiated cipher suite').toBe(pair.clientLog.established?.cipherSuite);
    });

    it('carries data both ways, one datagram per send, in order', async () => {
      const { pair } = await established();
      for (let i = 0; i < 5; i++) pair.client.send([bytes(`ping ${i}`), bytes('!')]);
      await pair.runUntil(() => pair.serverLog.delivered.length === 5);
      expect(pair.serverLog.delivered.map(text), 'each send([parts]) is delivered as one datagram with its parts concatenated, in order on a clean link').toEqual([0, 1, 2, 3, 4].map((i) => `ping ${i}!`));
      pair.server!.send([bytes('pong')]);
      await pair.runUntil(() => pair.clientLog.delivered.length === 1);
      expect(text(pair.clientLog.delivered[0]), 'the server must be able to send back to the client').toBe('pong');
    });

    it('drops a tampered datagram without ending the session (confidential protocols)', async () => {
      const { pair, protocols } = await established();
      if (!protocols.client.confidential) return;
      pair.client.send([bytes('authentic')]);
      const wire = pair.clientLog.sent[pair.clientLog.sent.length - 1].data.slice();
      await pair.runUntil(() => pair.serverLog.delivered.length === 1);
      const tampered = wire.slice();
      tampered[tampered.length - 1] ^= 0x01;
      pair.toServer(tampered);
      pair.toServer(wire); // replay of the authentic datagram
      expect(pair.serverLog.delivered.length, 'a tampered datagram and a replayed one must not be delivered (integrity and replay protection)').toBe(1);
      expect(Object.keys(pair.serverLog.drops).length, 'rejected datagrams must be counted with ctx.drop(reason)').toBeGreaterThan(0);
      expect(pair.server!.established, 'a tampered datagram must not end the session (an attacker could otherwise kill it)').toBe(true);
      pair.client.send([bytes('still alive')]);
      await pair.runUntil(() => pair.serverLog.delivered.length === 2);
      expect(text(pair.serverLog.delivered[1]), 'the session must keep working after dropping a tampered datagram').toBe('still alive');
    });

    it('closes: the closing side stops, a confidential peer is told', async () => {
      const { pair, protocols } = await established();
      pair.client.close();
      expect(pair.client.established, 'after close() the closing side is no longer established').toBe(false);
      await pair.runUntil(() => pair.serverLog.closed > 0, 1000);
      if (protocols.client.confidential) {
        expect(pair.serverLog.closed, 'a confidential protocol tells the peer it closes (e.g. close_notify): the peer must call ctx.closed() once').toBe(1);
        expect(pair.server!.established, 'the peer told of the close is no longer established').toBe(false);
      }
      expect(() => pair.client.stats(), 'stats() must work after close()').not.toThrow();
    });
  });
}
