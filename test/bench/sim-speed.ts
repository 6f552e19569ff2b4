/**
 * Simulator speed benchmark: a saturated 100 Mbit/s path with 50 ms RTT
 * carrying 1200-byte datagrams sent at link rate by a paced timer, on the
 * raw simulated substrate. Reports events per wall-clock second and
 * simulated seconds per wall-clock second (target: at least 20).
 *
 * Run alone with `npx tsx test/bench/sim-speed.ts` (prints JSON); add
 * `--datagram` to run a `createStack` datagram stack on the hosts instead.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import { SimNetwork } from '../../core/sim/index.js';

/** Result of {@link benchSimSpeed}. */
export interface SimSpeedResult {
  /** Simulator events fired per wall-clock second. */
  eventsPerSecond: number;
  /** Simulated seconds per wall-clock second. */
  simSecondsPerWallSecond: number;
  /** Simulated seconds per second of CPU time (user + system) of this process: less sensitive to a loaded machine. */
  simSecondsPerCpuSecond: number;
  /** Datagrams delivered. */
  datagrams: number;
  /** Fraction of the time the bottleneck transmitter was busy. */
  utilisation: number;
}

/** Options of {@link benchSimSpeed}. */
export interface SimSpeedOptions {
  /** Virtual duration to simulate, ms (default 20,000). */
  readonly duration?: number;
  /**
   * `substrate` (default): raw simulated sockets. `datagram`: a
   * `gue + none + datagram + none` stack from `createStack` on each host,
   * the sender writing one 1200-byte message per datagram slot.
   */
  readonly mode?: 'substrate' | 'datagram';
}

/**
 * Measures the simulator's speed on a saturated 100 Mbit/s, 50 ms RTT path.
 *
 * @param options - duration of the simulated run
 */
export async function benchSimSpeed(options: SimSpeedOptions = {}): Promise<SimSpeedResult> {
  const duration = options.duration ?? 20_000;
  const net = new SimNetwork({ seed: 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  const link = net.link(a, b, { bandwidth: '100Mbit', delay: '25ms', queue: '1bdp' });
  const payload = new Uint8Array(1200);
  let received = 0;
  let send: () => void;
  let overhead = 28; // IPv4 + UDP
  let close = async (): Promise<void> => {};
  if (options.mode === 'datagram') {
    const { createStack } = await import('../../core/index.js');
    const cfg = { encapsulation: 'gue', security: 'none', transport: 'datagram', congestion: 'none' } as const;
    const server = await createStack(cfg, { substrate: b });
    const client = await createStack(cfg, { substrate: a });
    const listener = await server.listen({ host: '10.0.0.2', port: 6080 });
    listener.on('connection', (c) => c.on('data', (d: Uint8Array) => (received += d.length)));
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    overhead += 4; // GUE base header
    send = () => conn.write(payload);
    close = async () => {
      await client.close();
      await server.close();
    };
  } else {
    const rx = await b.bind({ host: '10.0.0.2', port: 9000 });
    rx.onDatagram((data) => {
      received += data.length;
    });
    const tx = await a.bind({ host: '10.0.0.1', port: 0, connect: rx.address() });
    const parts = [payload];
    send = () => tx.send(parts);
  }
  const interval = ((1200 + overhead) * 8) / 1e5; // ms per datagram at 100 Mbit/s
  const timers = a.environment.timers;
  const start = net.now;
  let next = start;
  const timer = timers.createTimer(() => {
    send();
    next += interval;
    if (next < start + duration) timer.arm(next);
  });
  timer.arm(start);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const events0 = net.scheduler.eventsFired;
  await net.run({ until: start + duration + 100 });
  const wall = (performance.now() - t0) / 1000;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const events = net.scheduler.eventsFired - events0;
  const s = link.ab.stats();
  await close();
  if (received !== 1200 * s.delivered || s.delivered === 0) throw new Error(`benchmark lost data: ${received} bytes`);
  return {
    eventsPerSecond: Math.round(events / wall),
    simSecondsPerWallSecond: Math.round(((duration + 100) / 1000 / wall) * 10) / 10,
    simSecondsPerCpuSecond: Math.round(((duration + 100) / 1000 / cpu) * 10) / 10,
    datagrams: s.delivered,
    utilisation: Math.round((s.busyTime / duration) * 1000) / 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mode = process.argv.includes('--datagram') ? 'datagram' : 'substrate';
  benchSimSpeed({ mode }).then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
