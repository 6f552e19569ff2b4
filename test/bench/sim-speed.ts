/**
 * Simulator speed benchmark: a saturated 100 Mbit/s path with 50 ms RTT
 * carrying 1200-byte datagrams sent at link rate by a paced timer, on the
 * raw simulated substrate. Reports events per wall-clock second and
 * simulated seconds per wall-clock second (target: at least 20).
 *
 * Run alone with `npx tsx test/bench/sim-speed.ts` (prints JSON).
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
  const rx = await b.bind({ host: '10.0.0.2', port: 9000 });
  let received = 0;
  rx.onDatagram((data) => {
    received += data.length;
  });
  const tx = await a.bind({ host: '10.0.0.1', port: 0, connect: rx.address() });
  const payload = new Uint8Array(1200);
  const parts = [payload];
  const interval = ((1200 + 28) * 8) / 1e5; // ms per datagram at 100 Mbit/s (IPv4 + UDP overhead)
  const timers = a.environment.timers;
  let next = 0;
  const timer = timers.createTimer(() => {
    tx.send(parts);
    next += interval;
    if (next < duration) timer.arm(next);
  });
  timer.arm(0);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const events0 = net.scheduler.eventsFired;
  await net.run({ until: duration + 100 });
  const wall = (performance.now() - t0) / 1000;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const events = net.scheduler.eventsFired - events0;
  const s = link.ab.stats();
  if (received !== s.bytesDelivered || s.delivered === 0) throw new Error('benchmark delivered nothing');
  return {
    eventsPerSecond: Math.round(events / wall),
    simSecondsPerWallSecond: Math.round(((duration + 100) / 1000 / wall) * 10) / 10,
    simSecondsPerCpuSecond: Math.round(((duration + 100) / 1000 / cpu) * 10) / 10,
    datagrams: s.delivered,
    utilisation: Math.round((s.busyTime / duration) * 1000) / 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchSimSpeed().then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
