/**
 * Checks of the transport rules of the plugin guide (`docs/guides/write-a-plugin.md`,
 * "Writing a transport") that concern what a session sends and receives:
 * datagram sizes, the congestion controller, and bad input. Each check is
 * an async function that resolves when the transport keeps the rule, throws
 * a {@link ComplianceViolation} naming the rule when it does not, and
 * returns a reason when the rule does not apply. `describeTransportCompliance`
 * declares one test per check.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { StackConfig } from '../composition/config.js';
import { createStack } from '../composition/stack.js';
import { DecodeError } from '../errors.js';
import { SimNetwork } from '../sim/index.js';
import { SeededRandom } from '../random/random.js';
import fixedCongestionPlugin from '../../plugins/congestion/fixed/index.js';
import { probedPair, type SessionProbe, type StackProbe } from './probe.js';
import { converse, put, runUntilDone, violated } from './scenario.js';
import type { TransportComplianceOptions } from './transport.js';

/** A check's outcome: `undefined` when it ran and passed, else why it did not apply. */
export type CheckResult = string | undefined;

const GUIDE = 'docs/guides/write-a-plugin.md, "Writing a transport"';

function payload(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  new SeededRandom(seed).fill(b);
  return b;
}

function oversizeReport(name: string, probe: StackProbe): string | undefined {
  for (const s of probe.sessions) {
    const o = s.oversize[0];
    if (o !== undefined) {
      return (
        `the ${name} session sent a ${o.size}-byte transport datagram at ${o.at.toFixed(1)} ms, but ctx.maxDatagramSize is ${s.context.maxDatagramSize} ` +
        `(the stack's mtu ${probe.mtu} minus the encapsulation and security overheads; ${s.oversize.length} such datagram(s) seen). ` +
        `A datagram must never exceed ctx.maxDatagramSize (${GUIDE}, "Sizes"): a link whose MTU matches the stack's drops it.`
      );
    }
  }
  const u = probe.oversize[0];
  if (u !== undefined) {
    return `the ${name} stack sent a ${u.size}-byte UDP payload at ${u.at.toFixed(1)} ms, above its mtu of ${probe.mtu} bytes (${GUIDE}, "Sizes").`;
  }
  return undefined;
}

/**
 * Rule "Sizes": no transport datagram larger than `ctx.maxDatagramSize`, no
 * UDP payload larger than the stack's mtu. Runs a transfer both ways with
 * writes far larger than a datagram (byte streams) or messages of sizes
 * around the datagram size (message transports), at mtu 1000 unless the
 * config sets one (so a transport that assumes the default 1400 is caught).
 */
export async function checkDatagramSizes(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  const p = await probedPair({ ...config, mtu: config.mtu ?? 1000 }, options);
  try {
    const conv = await converse(p, { onServer: (c) => c.resume() });
    const max = p.clientProbe.sessions[0]?.context.maxDatagramSize ?? 1000;
    const sizes = conv.stream ? [12_000, 7, 5000, max + 1, 3 * max] : [1, 100, max - 64, max - 16, max, max + 1, 2 * max, 9000];
    for (const [i, n] of sizes.entries()) put(conv.client, payload(n, i), conv.stream);
    conv.server?.resume();
    await p.net.run({ for: '200ms' });
    if (conv.server !== undefined) for (const [i, n] of sizes.entries()) put(conv.server, payload(n, 100 + i), conv.stream);
    await p.net.run({ for: '10s' });
    const report = oversizeReport('client', p.clientProbe) ?? oversizeReport('server', p.serverProbe);
    if (report !== undefined) violated(report);
    if (conv.atServer.bytes === 0) violated(`the server received nothing (the check could not exercise the transport).\n${conv.progress(1)}`);
    return undefined;
  } finally {
    await p.close();
  }
}

/**
 * Rule "Congestion control", for transports declaring
 * `congestion-controlled`: the stack gets the `fixed` controller with a
 * 5000-byte window, the client sends 100 kB on a clean link, and then
 * - the client session must have created a controller,
 * - no new data may be reported to `onPacketSent` while
 *   `canSend(bytesInFlight)` was false (retransmissions are exempt),
 * - every data-sized datagram must be reported to `onPacketSent`.
 */
export async function checkCongestionWindowRespected(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  const window = 5000;
  const probe = await createStack(config, { ...options.stackOptions, substrate: new SimNetwork().host('10.0.0.1') });
  const caps = probe.describe().layers.transport.capabilities;
  await probe.close();
  if (!caps.includes('congestion-controlled')) return 'the transport does not declare the capability congestion-controlled';
  const p = await probedPair({ ...config, congestion: { use: fixedCongestionPlugin, options: { window } } }, { ...options, link: { bandwidth: '10Mbit', delay: '10ms' } });
  try {
    const conv = await converse(p, { onServer: (c) => c.resume() });
    const total = 100_000;
    if (conv.stream) put(conv.client, payload(total, 1), true);
    else for (let i = 0; i < total / 1000; i++) put(conv.client, payload(1000, i), false);
    await runUntilDone(p.net, conv.received('server', total), '120s', `sending ${total} bytes under a fixed ${window}-byte congestion window`, () => conv.progress(total));
    const s: SessionProbe | undefined = p.clientProbe.sessions[0];
    if (s === undefined) return violated('the client stack created no transport session');
    const rule = `never send beyond controller.canSend(bytesInFlight) (${GUIDE}, "Congestion control")`;
    if (s.controllers.length === 0) {
      violated(`the transport declares congestion-controlled, but the client session sent ${s.datagrams} datagrams without ever calling ctx.createCongestionController: create the controller once the segment size is known, and ${rule}.`);
    }
    const over = s.controllers.flatMap((c) => c.overWindow);
    if (over.length > 0) {
      const o = over[0];
      violated(
        `the client session sent new data (${o.bytes} bytes at ${o.now.toFixed(1)} ms) with ${o.bytesInFlight} bytes in flight although the congestion controller's canSend(${o.bytesInFlight}) was false (fixed window ${o.cwnd} bytes; ${over.length} such packet(s)): ${rule}.`,
      );
    }
    const reported = s.controllers.reduce((n, c) => n + c.packetsSent, 0);
    if (reported < s.fullSized) {
      violated(
        `the client session sent ${s.fullSized} data-sized datagrams (at least half of ctx.maxDatagramSize) but reported only ${reported} packets to the controller's onPacketSent: report every packet sent, and ${rule}.`,
      );
    }
    return undefined;
  } finally {
    await p.close();
  }
}

/** Malformed variants of the datagrams in `seen`: truncations, byte mutations, garbage with a valid prefix, replays. */
function malformed(seen: readonly Uint8Array[], rng: SeededRandom): Uint8Array[] {
  const out: Uint8Array[] = [];
  const picks = seen.length <= 24 ? seen : Array.from({ length: 24 }, (_, i) => seen[Math.floor((i * seen.length) / 24)]);
  for (const d of picks) {
    out.push(Uint8Array.from(d)); // replay
    for (let n = 0; n < Math.min(d.length, 48); n++) out.push(d.slice(0, n));
    for (let k = 0; k < 8; k++) out.push(d.slice(0, rng.uint32() % Math.max(1, d.length)));
    for (let k = 0; k < 40; k++) {
      const m = Uint8Array.from(d);
      const flips = 1 + (rng.uint32() % 3);
      for (let f = 0; f < flips && m.length > 0; f++) {
        const at = k % 2 === 0 ? rng.uint32() % Math.min(m.length, 64) : rng.uint32() % m.length;
        m[at] = rng.uint32() & 0xff;
      }
      out.push(m);
    }
    for (let k = 0; k < 6; k++) {
      const g = new Uint8Array(rng.uint32() % 300);
      rng.fill(g);
      g.set(d.subarray(0, Math.min(g.length, 8 + (rng.uint32() % 16))));
      out.push(g);
    }
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.subarray(0, 24)).toString('hex') + (b.length > 24 ? '…' : '');
}

/** Feed `inputs` routed to `s` (same demux key) to its `handleDatagram`; fail on the first throw. */
function feed(name: string, s: SessionProbe, inputs: readonly Uint8Array[]): number {
  const session = s.session;
  if (session === undefined) return 0;
  let fed = 0;
  for (const m of inputs) {
    let key: number;
    try {
      key = s.transport.demuxKey(m);
    } catch (err) {
      if (err instanceof DecodeError) continue;
      return violated(`demuxKey threw ${String(err)} (not a DecodeError) on a ${m.length}-byte datagram ${hex(m)}`);
    }
    if (key !== session.demuxKey) continue; // the stack would not route it to this session
    fed++;
    try {
      session.handleDatagram(m);
    } catch (err) {
      violated(
        `the established ${name} session's handleDatagram threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} on a malformed ${m.length}-byte datagram (${hex(m)}) ` +
          `(${fed - 1} malformed datagrams were handled before it): bad input never throws, it is dropped with ctx.drop(reason) (${GUIDE}, "Bad input never throws"); ` +
          'the stack counts a throw as internal_error and the datagram is lost.',
      );
    }
  }
  return fed;
}

/**
 * Rule "Bad input never throws", for established sessions: after an
 * exchange both ways, each session is fed truncated, mutated, replayed and
 * garbage variants of the datagrams its peer sent (those the transport's
 * `demuxKey` routes to it). `handleDatagram` must never throw, and, unless
 * a security layer protects the session (it then only ever receives
 * authenticated datagrams, so a forged one may be treated as a protocol
 * violation by the peer), the connection must keep working: on a byte
 * stream every byte written before and after arrives exactly; on a message
 * transport a last message arrives.
 */
export async function checkBadInputToEstablishedSession(config: StackConfig, options: TransportComplianceOptions = {}): Promise<CheckResult> {
  const p = await probedPair(config, { ...options, keepSent: true });
  try {
    const conv = await converse(p, { keep: true, onServer: (c) => c.resume() });
    conv.client.resume();
    const before = payload(6000, 1);
    const back = payload(6000, 2);
    put(conv.client, before.subarray(0, conv.stream ? 6000 : 500), conv.stream);
    await p.net.run({ for: '300ms' });
    if (conv.server === undefined) return violated(`the server never accepted the connection.\n${conv.progress(6000)}`);
    put(conv.server, back.subarray(0, conv.stream ? 6000 : 500), conv.stream);
    await p.net.run({ for: '500ms' });
    const rng = new SeededRandom(options.seed ?? 99);
    const c = p.clientProbe.sessions[0];
    const s = p.serverProbe.sessions[0];
    let fed = 0;
    if (s === undefined || c === undefined) return violated(`the client or the server stack created no transport session.\n${conv.progress(6000)}`);
    for (const [name, target, peer] of [['server', s, c], ['client', c, s]] as const) {
      const n = feed(name, target, malformed(peer.sent, rng));
      if (n === 0 && peer.sent.length > 0) {
        violated(
          `none of the ${peer.sent.length} datagrams the ${name}'s peer sent has the ${name} session's demux key (${target.session?.demuxKey}) according to demuxKey(): ` +
            `TransportSession.demuxKey must equal what TransportProtocol.demuxKey returns for the session's incoming payloads (${GUIDE}, "Demultiplexing").`,
        );
      }
      fed += n;
      await p.net.run({ for: '100ms' });
    }
    await p.net.run({ for: '500ms' });
    // Behind a security layer the session only ever sees authenticated datagrams of its peer: a forged
    // one may legitimately be treated as the peer's protocol violation (e.g. an SCTP ABORT). Only the
    // no-throw rule applies then.
    if (c?.context.secured === true) return undefined;
    const broken = conv.atClient.closed || conv.atServer.closed;
    if (broken) {
      violated(
        `the connection closed after ${fed} malformed datagrams were fed to its sessions (client error: ${String(conv.atClient.error)}, server error: ${String(conv.atServer.error)}): ` +
          `malformed input must be dropped and the connection must keep working.\n${conv.progress(0)}`,
      );
    }
    const after = payload(conv.stream ? 3000 : 300, 3);
    const sentBefore = conv.stream ? 6000 : 500;
    put(conv.client, after, conv.stream);
    put(conv.server, Uint8Array.of(1, 2, 3), conv.stream);
    const want = conv.atServer.bytes + after.length;
    await runUntilDone(p.net, conv.received('server', conv.stream ? sentBefore + after.length : want), '60s', `a transfer after ${fed} malformed datagrams`, () =>
      conv.progress(conv.stream ? sentBefore + after.length : want),
    );
    if (conv.stream) {
      const got = Buffer.concat(conv.atServer.chunks);
      const expected = Buffer.concat([before.subarray(0, 6000), after]);
      if (!got.equals(expected)) {
        violated(
          `after ${fed} malformed datagrams the server's byte stream differs from what the client wrote (${got.length} bytes received, ${expected.length} written${got.length === expected.length ? ', same length, different contents' : ''}): malformed input was delivered as data.`,
        );
      }
    }
    return undefined;
  } finally {
    await p.close();
  }
}
