/**
 * Checks of the transport rules of the plugin guide (`docs/guides/write-a-plugin.md`,
 * "Writing a transport") that concern time: sessions are sans-IO (they read
 * only `ctx.clock` and `ctx.random`, so a seeded simulation repeats
 * exactly), create their timers once and re-arm them, and leave no timer
 * armed once closed. Same shape as the checks in `transport-rules.ts`.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { StackConfig } from '../composition/config.js';
import { SeededRandom } from '../random/random.js';
import type { Timer } from '../time/clock.js';
import { probedPair, type ProbedPair, type StackProbe } from './probe.js';
import { converse, put, violated } from './scenario.js';
import type { CheckResult } from './transport-rules.js';
import type { TransportComplianceOptions } from './transport.js';

const GUIDE = 'docs/guides/write-a-plugin.md, "Writing a transport"';

/** How far {@link checkDeterminism} moves the wall clock for its second run, in ms. */
export const WALL_CLOCK_SHIFT = 1_000_000;

function payload(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  new SeededRandom(seed).fill(b);
  return b;
}

/**
 * Run `fn` with `performance.now()` and `Date.now()` moved `shift` ms
 * ahead (a constant offset, so durations measured in between stay right).
 */
async function withWallClockShift<T>(shift: number, fn: () => Promise<T>): Promise<T> {
  const perfNow = performance.now;
  const dateNow = Date.now;
  Object.defineProperty(performance, 'now', { value: () => perfNow.call(performance) + shift, configurable: true, writable: true });
  Date.now = () => dateNow() + shift;
  try {
    return await fn();
  } finally {
    delete (performance as { now?: unknown }).now;
    if (performance.now !== perfNow) Object.defineProperty(performance, 'now', { value: perfNow, configurable: true, writable: true });
    Date.now = dateNow;
  }
}

/** The seeded scenario of {@link checkDeterminism}; returns its trace. */
async function tracedRun(config: StackConfig, options: TransportComplianceOptions): Promise<string[]> {
  const p = await probedPair(config, {
    ...options,
    trace: true,
    link: options.link ?? { bandwidth: '10Mbit', delay: '20ms', loss: 0.03 },
  });
  try {
    const conv = await converse(p, { onServer: (c) => c.resume() });
    conv.client.resume();
    // A 600 ms outage: only timers get the transfer going again.
    p.net.outage(p.net.links[0], p.net.now + 150, p.net.now + 750);
    if (conv.stream) put(conv.client, payload(120_000, 1), true);
    else for (let i = 0; i < 120; i++) put(conv.client, payload(900, i), false);
    await p.net.run({ for: '400ms' });
    if (conv.server !== undefined) for (let i = 0; i < 20; i++) put(conv.server, payload(700, 50 + i), conv.stream);
    await p.net.run({ for: '30s' });
    const trace = p.trace ?? [];
    trace.push(`end ${p.net.now} server received ${conv.atServer.bytes}, client received ${conv.atClient.bytes}`);
    return trace;
  } finally {
    await p.close();
  }
}

/**
 * Rule "Sans-IO" (time and randomness): the same seeded scenario, run
 * twice, must send the same datagrams (size and contents) at the same
 * virtual times and arm the same timers for the same deadlines. The
 * scenario has loss and an outage, so retransmission timers fire; the
 * second run has the wall clock (`performance.now()`, `Date.now()`) moved
 * {@link WALL_CLOCK_SHIFT} ms ahead, so a session reading it instead of
 * `ctx.clock` shows.
 */
export async function checkDeterminism(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  const first = await tracedRun(config, options);
  const second = await withWallClockShift(WALL_CLOCK_SHIFT, () => tracedRun(config, options));
  const n = Math.max(first.length, second.length);
  for (let i = 0; i < n; i++) {
    if (first[i] === second[i]) continue;
    const around = (t: string[]): string => t.slice(Math.max(0, i - 2), i + 1).map((l) => `    ${l}`).join('\n');
    violated(
      `two runs of the same seeded scenario differ at trace entry ${i} of ${first.length}/${second.length} ` +
        `(the second run had the wall clock moved ${WALL_CLOCK_SHIFT / 1000} s ahead; entries are "time src>dst size fingerprint" or "time timer#n.arm(deadline)"):\n` +
        `  run 1:\n${around(first)}\n  run 2:\n${around(second)}\n` +
        `A session reads time only from ctx.clock and randomness only from ctx.random, never performance.now(), Date.now() or Math.random() (${GUIDE}, "Sans-IO").`,
    );
  }
  return undefined;
}

function describeArmed(timers: readonly Timer[], now: number): string {
  return timers
    .slice(0, 5)
    .map((t) => `deadline ${t.deadline.toFixed(1)} ms (${(t.deadline - now).toFixed(1)} ms ahead)`)
    .join(', ');
}

/** Fail if a session of `probe` that called `ctx.closed()` still has armed timers. */
function closedSessionsDisarmed(name: string, probe: StackProbe, now: number, after: string): void {
  for (const s of probe.sessions) {
    if (s.closedAt === undefined) continue;
    const armed = s.armedTimers();
    if (armed.length > 0) {
      violated(
        `${after}, the ${name} session (closed at ${s.closedAt.toFixed(1)} ms) still has ${armed.length} of its ${s.timers.length} timers armed at ${now.toFixed(1)} ms: ${describeArmed(armed, now)}. ` +
          `Cancel every timer when the session closes, aborts or is disposed: an armed timer keeps the session alive and fires into a dead connection (${GUIDE}, "Sans-IO").`,
      );
    }
  }
}

/**
 * Rule "timers created once and re-armed": the number of timers the stacks
 * create must not grow with the number of writes. After the connection is
 * up and has carried data, 300 more small writes (each given time to be
 * sent) may create at most 3 further timers.
 */
export async function checkTimersPerWrite(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  const p = await probedPair(config, options);
  try {
    const conv = await converse(p, { onServer: (c) => c.resume() });
    put(conv.client, payload(2000, 1), conv.stream);
    await p.net.run({ for: '500ms' });
    const count = (): number => p.clientProbe.timers.created.length + p.serverProbe.timers.created.length;
    const before = count();
    const writes = 300;
    for (let i = 0; i < writes; i++) {
      put(conv.client, payload(50, i), conv.stream);
      if (i % 3 === 0) await p.net.run({ for: '2ms' });
    }
    await p.net.run({ for: '1s' });
    const created = count() - before;
    if (created > 3) {
      violated(
        `the stacks created ${created} timers during ${writes} small writes on an established connection (${before} before them): ` +
          `a session creates its timers once, with ctx.timers.createTimer(callback), and re-arms them with timer.arm(deadline); no timer (and no closure) per write or per packet (${GUIDE}, "Sans-IO", "Per-packet path").`,
      );
    }
    return undefined;
  } finally {
    await p.close();
  }
}

async function openWithDataInFlight(p: ProbedPair): Promise<Awaited<ReturnType<typeof converse>>> {
  const conv = await converse(p, { onServer: (c) => c.resume() });
  conv.client.resume();
  put(conv.client, payload(conv.stream ? 200_000 : 1000, 1), conv.stream);
  if (!conv.stream) for (let i = 0; i < 50; i++) put(conv.client, payload(1000, i), false);
  await p.net.run({ for: '30ms' });
  if (conv.server !== undefined) put(conv.server, payload(conv.stream ? 50_000 : 800, 2), conv.stream);
  await p.net.run({ for: '5ms' });
  return conv;
}

/**
 * Rule "no timer outlives its session", in three scenarios:
 * 1. graceful close (the client ends, the server ends when it sees the end):
 *    once a session has called `ctx.closed()`, none of its timers is armed;
 * 2. abort with data in flight (`destroy()` on the client): the same, on
 *    both sides;
 * 3. `stack.close()` with data in flight: afterwards no timer created
 *    through either stack's timer service (sessions' and the protocol's,
 *    e.g. TIME-WAIT) is armed (`dispose()` and `TransportProtocol.close()`
 *    release them; the stacks here do not close their timer services,
 *    which would hide leaks).
 */
export async function checkTimersReleased(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  {
    const p = await probedPair(config, options);
    try {
      const conv = await converse(p, { onServer: (c) => (c.resume(), c.on('end', () => c.end())) });
      conv.client.resume();
      put(conv.client, payload(conv.stream ? 30_000 : 500, 1), conv.stream);
      await p.net.run({ for: '200ms' });
      conv.client.end();
      await p.net.run({ for: '60s' }); // sessions that do not close on their own (no handshake, idle timeouts) are left alone
      closedSessionsDisarmed('client', p.clientProbe, p.net.now, 'after a graceful close');
      closedSessionsDisarmed('server', p.serverProbe, p.net.now, 'after a graceful close');
    } finally {
      await p.close();
    }
  }
  {
    const p = await probedPair(config, options);
    try {
      const conv = await openWithDataInFlight(p);
      conv.client.destroy();
      await p.net.run({ for: '1ms' });
      const c = p.clientProbe.sessions[0];
      if (c !== undefined && c.closedAt === undefined) {
        const armed = c.armedTimers();
        if (armed.length > 0) {
          violated(`after the client connection was destroyed (TransportSession.abort()) with data in flight, its session still has ${armed.length} timers armed: ${describeArmed(armed, p.net.now)}. abort() releases everything (${GUIDE}).`);
        }
      }
      closedSessionsDisarmed('client', p.clientProbe, p.net.now, 'after destroy() with data in flight');
      await p.net.run({ for: '60s' });
      closedSessionsDisarmed('server', p.serverProbe, p.net.now, "after the peer's abort");
    } finally {
      await p.close();
    }
  }
  {
    const p = await probedPair(config, options);
    try {
      await openWithDataInFlight(p);
      await p.closeStacks();
      for (const [name, probe] of [['client', p.clientProbe], ['server', p.serverProbe]] as const) {
        const armed = probe.timers.armed();
        if (armed.length > 0) {
          const owned = probe.sessions.some((s) => s.armedTimers().length > 0);
          violated(
            `after stack.close() with data in flight, ${armed.length} of the ${probe.timers.created.length} timers created on the ${name} stack are still armed ` +
              `(${owned ? 'some created by a session through ctx.timers' : 'created by the protocol, not by a session'}): ${describeArmed(armed.map((a) => a.timer), p.net.now)}. ` +
              `TransportSession.dispose() must cancel the session's timers, TransportProtocol.close() the protocol's (${GUIDE}).`,
          );
        }
      }
    } finally {
      await p.close();
    }
  }
  return undefined;
}
