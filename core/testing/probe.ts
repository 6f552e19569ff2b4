/**
 * Instrumentation for the transport rule checks: a client/server pair of
 * stacks on the simulator whose transport sessions get a recording
 * {@link TransportContext} (datagrams sent, timers created, congestion
 * controllers used, close), whose timer services record every timer, and
 * whose datagrams are captured. The plugin under test runs unchanged; only
 * what it is handed is wrapped (through `createStack`'s `container`,
 * `timers` and `capture` options).
 *
 * @module
 */
import 'reflect-metadata';
import { container as rootContainer } from 'tsyringe';
import { createStack, type Stack } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import { TOKENS } from '../composition/tokens.js';
import type { PeerAddress } from '../contracts/address.js';
import type { CongestionController, CongestionParameters, PacketSentEvent, RttStats } from '../contracts/congestion.js';
import type { MessageInfo, SessionInit, TransportContext, TransportProtocol, TransportSession } from '../contracts/transport.js';
import type { RandomSource } from '../random/random.js';
import { SimNetwork, type SimHost } from '../sim/index.js';
import type { Clock, Timer, TimerService } from '../time/clock.js';
import type { DatagramCapture } from '../trace/capture.js';
import type { Tracer } from '../trace/tracer.js';
import type { SimPair, TransportComplianceOptions } from './transport.js';

/** FNV-1a over the concatenation of `parts` (a cheap fingerprint for traces). */
function fingerprint(parts: readonly Uint8Array[]): string {
  let h = 0x811c9dc5;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function totalLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** A stack-wide timer service that records every timer and (optionally) every arm in a trace. */
export class ProbedTimers implements TimerService {
  /** Every timer created through this service, in creation order. */
  readonly created: { readonly timer: Timer; readonly createdAt: number }[] = [];

  /**
   * @param inner - the real (simulated) timer service
   * @param clock - the stack clock (creation times)
   * @param trace - where `arm` calls are logged, if anywhere
   */
  constructor(
    private readonly inner: TimerService,
    private readonly clock: Clock,
    private readonly trace: string[] | undefined,
  ) {}

  /** {@inheritDoc TimerService.createTimer} */
  createTimer(callback: () => void): Timer {
    const t = this.inner.createTimer(callback);
    const trace = this.trace;
    const clock = this.clock;
    const id = this.created.length;
    const timer: Timer =
      trace === undefined
        ? t
        : {
            arm: (deadline: number) => {
              trace.push(`${clock.now()} timer#${id}.arm(${deadline})`);
              t.arm(deadline);
            },
            cancel: () => t.cancel(),
            get armed() {
              return t.armed;
            },
            get deadline() {
              return t.deadline;
            },
          };
    this.created.push({ timer, createdAt: clock.now() });
    return timer;
  }

  /** {@inheritDoc TimerService.close} */
  close(): void {
    this.inner.close();
  }

  /** Timers still armed. */
  armed(): { readonly timer: Timer; readonly createdAt: number }[] {
    return this.created.filter((r) => r.timer.armed);
  }
}

/** What a congestion controller handed to a session saw (see {@link SessionProbe.controllers}). */
export interface ControllerRecord {
  /** `onPacketSent` calls. */
  packetsSent: number;
  /** New-data `onPacketSent` events (not retransmissions) sent while `canSend(bytesInFlight)` was false. */
  readonly overWindow: { readonly now: number; readonly bytes: number; readonly bytesInFlight: number; readonly cwnd: number }[];
}

/** Wrap `inner` so that `onPacketSent` is counted and checked against `canSend`. */
function spyController(inner: CongestionController, record: ControllerRecord): CongestionController {
  const bound = new Map<PropertyKey, unknown>();
  const onPacketSent = (ev: PacketSentEvent): void => {
    record.packetsSent++;
    if (!ev.retransmission && !inner.canSend(ev.bytesInFlight) && record.overWindow.length < 20) {
      record.overWindow.push({ now: ev.now, bytes: ev.bytes, bytesInFlight: ev.bytesInFlight, cwnd: inner.cwnd });
    }
    inner.onPacketSent(ev);
  };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'onPacketSent') return onPacketSent;
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      let b = bound.get(prop);
      if (b === undefined) bound.set(prop, (b = (v as (...a: unknown[]) => unknown).bind(target)));
      return b;
    },
  });
}

/** Everything recorded about one transport session. */
export class SessionProbe {
  /** The session (set right after `createSession`). */
  session: TransportSession | undefined;
  /** The context handed to the session. */
  readonly context: TransportContext;
  /** Timers the session created through `ctx.timers`. */
  readonly timers: Timer[] = [];
  /** Datagrams sent through `ctx.sendDown`. */
  datagrams = 0;
  /** Datagrams of at least half `maxDatagramSize` (data-carrying). */
  fullSized = 0;
  /** Datagrams larger than `ctx.maxDatagramSize` (the first few). */
  readonly oversize: { readonly at: number; readonly size: number }[] = [];
  /** Copies of the datagrams sent, while {@link SessionProbe.keepSent} is true. */
  readonly sent: Uint8Array[] = [];
  /** Whether to keep copies of sent datagrams. */
  keepSent = false;
  /** Congestion controllers the session created. */
  readonly controllers: ControllerRecord[] = [];
  /** When the session called `ctx.closed()`, if it did. */
  closedAt: number | undefined;
  /** Drops the session counted, by reason. */
  readonly drops: Record<string, number> = {};

  /**
   * @param inner - the real context
   * @param init - how the session starts
   * @param transport - the stack's transport protocol
   * @param stackTimers - the stack's timer service
   */
  constructor(
    readonly inner: TransportContext,
    readonly init: SessionInit,
    readonly transport: TransportProtocol,
    stackTimers: TimerService,
  ) {
    this.context = new ProbedContext(inner, this, stackTimers);
  }

  /** @internal */
  recordSend(parts: readonly Uint8Array[]): void {
    const size = totalLength(parts);
    this.datagrams++;
    if (size * 2 >= this.inner.maxDatagramSize) this.fullSized++;
    if (size > this.inner.maxDatagramSize && this.oversize.length < 10) this.oversize.push({ at: this.inner.clock.now(), size });
    if (this.keepSent && this.sent.length < 400) {
      const copy = new Uint8Array(size);
      let o = 0;
      for (const p of parts) {
        copy.set(p, o);
        o += p.length;
      }
      this.sent.push(copy);
    }
  }

  /** Timers of this session still armed. */
  armedTimers(): Timer[] {
    return this.timers.filter((t) => t.armed);
  }
}

/** The recording {@link TransportContext} of one session: everything is forwarded to the real one. */
class ProbedContext implements TransportContext {
  readonly role: 'client' | 'server';
  readonly peer: PeerAddress;
  readonly local: PeerAddress;
  readonly maxDatagramSize: number;
  readonly secured: boolean;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly tracer: Tracer;
  readonly timers: TimerService;

  constructor(
    private readonly inner: TransportContext,
    private readonly probe: SessionProbe,
    stackTimers: TimerService,
  ) {
    this.role = inner.role;
    this.peer = inner.peer;
    this.local = inner.local;
    this.maxDatagramSize = inner.maxDatagramSize;
    this.secured = inner.secured;
    this.clock = inner.clock;
    this.random = inner.random;
    this.tracer = inner.tracer;
    this.timers = {
      createTimer: (cb) => {
        const t = stackTimers.createTimer(cb);
        probe.timers.push(t);
        return t;
      },
      close: () => stackTimers.close(),
    };
  }

  sendDown(parts: readonly Uint8Array[]): void {
    this.probe.recordSend(parts);
    this.inner.sendDown(parts);
  }
  deliver(data: Uint8Array, info?: MessageInfo): boolean {
    return this.inner.deliver(data, info);
  }
  opened(): void {
    this.inner.opened();
  }
  writable(): void {
    this.inner.writable();
  }
  remoteEnded(): void {
    this.inner.remoteEnded();
  }
  closed(error?: Error): void {
    this.probe.closedAt ??= this.inner.clock.now();
    this.inner.closed(error);
  }
  emitEvent(name: string, ...args: unknown[]): void {
    this.inner.emitEvent(name, ...args);
  }
  drop(reason: string): void {
    this.probe.drops[reason] = (this.probe.drops[reason] ?? 0) + 1;
    this.inner.drop(reason);
  }
  createCongestionController(mss: number, rtt: RttStats, params?: CongestionParameters): CongestionController {
    const record: ControllerRecord = { packetsSent: 0, overWindow: [] };
    this.probe.controllers.push(record);
    return spyController(this.inner.createCongestionController(mss, rtt, params), record);
  }
}

/** What was recorded for one stack of a {@link ProbedPair}. */
export interface StackProbe {
  /** The stack. */
  readonly stack: Stack;
  /** Its timer service (every timer of the stack: sessions and protocol). */
  readonly timers: ProbedTimers;
  /** Its transport sessions, in creation order. */
  readonly sessions: SessionProbe[];
  /** UDP payloads the stack sent that exceed its mtu (the first few). */
  readonly oversize: { readonly at: number; readonly size: number }[];
  /** The stack's mtu. */
  readonly mtu: number;
}

/** A {@link SimPair} whose stacks are instrumented (see the module description). */
export interface ProbedPair extends SimPair {
  /** Client-side records. */
  readonly clientProbe: StackProbe;
  /** Server-side records. */
  readonly serverProbe: StackProbe;
  /** Datagrams (time, addresses, size, fingerprint) and timer arms of both stacks in order, if traced. */
  readonly trace: string[] | undefined;
  /** Close both stacks but keep their timer services open (to inspect what stayed armed). */
  closeStacks(): Promise<void>;
}

/** Options of {@link probedPair}. */
export interface ProbedPairOptions extends TransportComplianceOptions {
  /** Record a trace of datagrams and timer arms (default false). */
  readonly trace?: boolean;
  /** Keep copies of the datagrams every session sends (default false; see {@link SessionProbe.sent}). */
  readonly keepSent?: boolean;
}

async function probedStack(config: StackConfig, host: SimHost, options: ProbedPairOptions, trace: string[] | undefined): Promise<StackProbe> {
  const so = options.stackOptions ?? {};
  const env = host.environment;
  if (env === undefined) throw new Error('a simulated host has an environment');
  const timers = new ProbedTimers(so.timers ?? env.timers, env.clock, trace);
  const sessions: SessionProbe[] = [];
  const oversize: { at: number; size: number }[] = [];
  const mtuBox = { mtu: Infinity };
  const userCapture = so.capture;
  const capture: DatagramCapture = {
    writeDatagram(timeMs, src, dst, parts) {
      const size = totalLength(parts);
      if (src.address === host.address) {
        trace?.push(`${timeMs} ${src.address}:${src.port}>${dst.address}:${dst.port} ${size} ${fingerprint(parts)}`);
        if (size > mtuBox.mtu && oversize.length < 10) oversize.push({ at: timeMs, size });
      }
      userCapture?.writeDatagram(timeMs, src, dst, parts);
    },
    close: () => userCapture?.close?.(),
  };
  const parent = (so.container ?? rootContainer).createChildContainer();
  parent.register(TOKENS.TransportSession, {
    useFactory: (s) => {
      const transport = s.resolve<TransportProtocol>(TOKENS.Transport);
      const probe = new SessionProbe(s.resolve<TransportContext>(TOKENS.TransportContext), s.resolve<SessionInit>(TOKENS.SessionInit), transport, timers);
      probe.keepSent = options.keepSent === true;
      const session = transport.createSession(probe.context, probe.init);
      probe.session = session;
      sessions.push(probe);
      return session;
    },
  });
  const stack = await createStack(config, { ...so, substrate: host, timers, capture, container: parent });
  mtuBox.mtu = stack.describe().mtu;
  return { stack, timers, sessions, oversize, mtu: mtuBox.mtu };
}

/**
 * Build an instrumented client/server pair (hosts 10.0.0.1 and 10.0.0.2, as
 * `simPair`). The stacks do not own their timer services: `closeStacks()`
 * leaves every timer as the plugins left it; `close()` then closes them.
 */
export async function probedPair(config: StackConfig, options: ProbedPairOptions = {}): Promise<ProbedPair> {
  const net = new SimNetwork({ seed: options.seed ?? 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, options.link ?? { bandwidth: '10Mbit', delay: '10ms' });
  const trace = options.trace === true ? [] : undefined;
  const clientProbe = await probedStack(config, a, options, trace);
  const serverProbe = await probedStack(config, b, options, trace);
  let stacksClosed: Promise<void> | undefined;
  const closeStacks = (): Promise<void> =>
    (stacksClosed ??= Promise.all([clientProbe.stack.close(), serverProbe.stack.close()]).then(() => undefined));
  return {
    net,
    client: clientProbe.stack,
    server: serverProbe.stack,
    clientProbe,
    serverProbe,
    trace,
    closeStacks,
    close: async () => {
      try {
        await closeStacks();
      } finally {
        clientProbe.timers.close();
        serverProbe.timers.close();
      }
    },
  };
}
