/**
 * Bulk-transfer runs of the real `tcp` transport over the simulator, for
 * congestion-control tests and plots: `flows` connections from one host to
 * another across one bottleneck link, each writing as fast as the stack
 * accepts. Every `sampleMs` of virtual time the harness records each flow's
 * delivered bytes and the sender's cwnd/ssthresh (from the connection stats,
 * so tracing stays off and the run stays fast).
 *
 * @module
 */
import { createStack } from '../../../../core/index.js';
import type { LayerRef } from '../../../../core/index.js';
import type { LinkOptions } from '../../../../core/sim/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import type { AnyPlugin } from '../../../../core/contracts/plugin.js';
import tcpTransportPlugin from '../../../../plugins/transport/tcp/index.js';
import renoCongestionPlugin from '../../../../plugins/congestion/reno/index.js';
import cubicCongestionPlugin from '../../../../plugins/congestion/cubic/index.js';
import { renoLinuxPlugin, renoQuichePlugin } from '../../../../plugins/congestion/adapters/index.js';

/** Plugins the runs need (tcp and the controllers under test). */
export const SIM_PLUGINS: readonly AnyPlugin[] = [
  tcpTransportPlugin,
  renoCongestionPlugin,
  cubicCongestionPlugin,
  renoLinuxPlugin,
  renoQuichePlugin,
] as unknown as AnyPlugin[];

/** Options of {@link runBulk}. */
export interface BulkRunOptions {
  /** Congestion controller (name or `{ use, options }`). */
  readonly congestion: LayerRef;
  /** Bottleneck link options (bandwidth, delay, queue, loss …). */
  readonly link: LinkOptions;
  /** Virtual duration in ms. */
  readonly duration: number;
  /** Number of parallel flows (default 1). */
  readonly flows?: number;
  /** Simulator seed (default 1). */
  readonly seed?: number;
  /** Sampling period in ms (default 100). */
  readonly sampleMs?: number;
  /** Extra tcp options. */
  readonly tcp?: Readonly<Record<string, unknown>>;
  /** Start of each flow after the first, in ms (default 0). */
  readonly stagger?: number;
}

/** One sample of one flow. */
export interface FlowSample {
  /** Virtual time in ms. */
  readonly t: number;
  /** Bytes delivered to the receiving application so far. */
  readonly delivered: number;
  /** Sender cwnd in bytes. */
  readonly cwnd: number;
  /** Sender ssthresh in bytes, or null before the first reduction. */
  readonly ssthresh: number | null;
  /** Smoothed RTT in ms. */
  readonly srtt: number;
  /** Retransmission timeouts so far. */
  readonly timeouts: number;
  /** Fast-recovery episodes so far. */
  readonly fastRecoveries: number;
}

/** One sample of the bottleneck (data direction). */
export interface LinkSample {
  /** Virtual time in ms. */
  readonly t: number;
  /** Cumulative transmitter busy time in ms. */
  readonly busy: number;
  /** Cumulative datagrams dropped (queue overflow, random loss …). */
  readonly drops: number;
}

/** Result of {@link runBulk}. */
export interface BulkRunResult {
  /** Samples per flow. */
  readonly flows: FlowSample[][];
  /** Bottleneck samples. */
  readonly link: LinkSample[];
  /** Link utilisation (busy fraction) between two times (ms). */
  utilisation(from: number, to: number): number;
  /** Sender MSS in bytes. */
  readonly mss: number;
  /** Bytes delivered per flow between two times (ms). */
  deliveredBetween(flow: number, from: number, to: number): number;
}

/** Run a bulk transfer and sample it. */
export async function runBulk(o: BulkRunOptions): Promise<BulkRunResult> {
  const net = new SimNetwork({ seed: o.seed ?? 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  const link = net.link(a, b, o.link);
  const tcp = { use: 'tcp', options: { receiveBuffer: 16 << 20, sendBuffer: 4 << 20, minRto: 200, ...o.tcp } };
  const config = { encapsulation: 'gue', security: 'none', transport: tcp, congestion: o.congestion };
  const client = await createStack(config, { substrate: a, plugins: SIM_PLUGINS });
  const server = await createStack(config, { substrate: b, plugins: SIM_PLUGINS });
  const srv = await server.listen({ host: '10.0.0.2', port: 5000 });
  const received: number[] = [];
  srv.on('connection', (c) => {
    const i = received.length;
    received.push(0);
    c.on('data', (d: Uint8Array) => {
      received[i] += d.length;
    });
  });
  const n = o.flows ?? 1;
  const sampleMs = o.sampleMs ?? 100;
  const chunk = new Uint8Array(1 << 16);
  const conns: Awaited<ReturnType<typeof client.connect>>[] = [];
  const samples: FlowSample[][] = [];
  const linkSamples: LinkSample[] = [];
  const start = async (): Promise<void> => {
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 5000 }));
    conns.push(conn);
    samples.push([]);
    const pump = (): void => {
      while (conn.write(chunk)) {
        /* fill the send buffer */
      }
    };
    conn.on('drain', pump);
    pump();
  };
  const t0 = net.now;
  await start();
  for (let i = 1; i < n; i++) {
    if ((o.stagger ?? 0) > 0) await net.run({ for: o.stagger ?? 0 });
    await start();
  }
  const end = t0 + o.duration;
  let mss = 0;
  while (net.now < end) {
    await net.run({ for: Math.min(sampleMs, end - net.now) });
    const t = net.now - t0;
    const ls = link.ab.stats();
    let drops = 0;
    for (const v of Object.values(ls.dropped)) drops += v ?? 0;
    linkSamples.push({ t, busy: ls.busyTime, drops });
    for (let i = 0; i < conns.length; i++) {
      const st = conns[i].stats().transport as Record<string, number | null>;
      mss = (st.mss as number) ?? mss;
      samples[i].push({
        t,
        delivered: received[i] ?? 0,
        cwnd: (st.cwnd as number) ?? 0,
        ssthresh: st.ssthresh ?? null,
        srtt: (st.srtt as number) ?? 0,
        timeouts: (st.timeouts as number) ?? 0,
        fastRecoveries: (st.fastRecoveries as number) ?? 0,
      });
    }
  }
  for (const c of conns) c.destroy();
  await client.close();
  await server.close();
  const at = <T extends { t: number }>(xs: readonly T[], t: number): T | undefined => {
    let v: T | undefined;
    for (const x of xs) {
      if (x.t > t) break;
      v = x;
    }
    return v;
  };
  return {
    flows: samples,
    link: linkSamples,
    mss,
    utilisation(from, to) {
      const a0 = at(linkSamples, from);
      const a1 = at(linkSamples, to);
      if (a0 === undefined || a1 === undefined || a1.t <= a0.t) return 0;
      return (a1.busy - a0.busy) / (a1.t - a0.t);
    },
    deliveredBetween(flow, from, to) {
      const s = samples[flow];
      return (at(s, to)?.delivered ?? 0) - (at(s, from)?.delivered ?? 0);
    },
  };
}

/** Jain's fairness index of a set of throughputs. */
export function jainIndex(xs: readonly number[]): number {
  const sum = xs.reduce((s, x) => s + x, 0);
  const sq = xs.reduce((s, x) => s + x * x, 0);
  return (sum * sum) / (xs.length * sq);
}
