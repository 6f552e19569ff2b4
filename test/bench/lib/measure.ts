/**
 * The common measuring loop of throughput cases: start a receiving worker,
 * start a sending worker pointed at it, let the sender run for a fixed time,
 * then read how much arrived once the receiver's count stops moving.
 *
 * @module
 */
import { startWorker } from './child.js';
import type { Worker, WorkerMessage } from './child.js';
import type { GcCounts } from './gc-counter.js';

/** Counts reported by a receiving worker. */
export interface ReceiverStats {
  /** Datagrams (or reads) received in total. */
  readonly packets: number;
  /** Bytes received in total. */
  readonly bytes: number;
  /** Datagrams received after the warm-up. */
  readonly measuredPackets: number;
  /** Bytes received after the warm-up. */
  readonly measuredBytes: number;
  /** Time from the end of the warm-up to the last arrival, ms. */
  readonly measuredMs: number;
  /** Garbage collections of the receiver from the end of the warm-up until it answered. */
  readonly gc: GcCounts;
  /** `process.cpuUsage()` of the receiver when it answered. */
  readonly cpu: unknown;
}

/** Result of {@link measureThroughput}. */
export interface ThroughputResult {
  /** Received bytes per second after the warm-up. */
  readonly bytesPerSecond: number;
  /** Received datagrams (reads) per second after the warm-up. */
  readonly packetsPerSecond: number;
  /** What the sender reported when it finished (e.g. `sent`). */
  readonly sender: WorkerMessage;
  /** Final receiver counts. */
  readonly receiver: ReceiverStats;
  /** The receiver's `ready` message (port, buffer sizes). */
  readonly receiverReady: WorkerMessage;
  /** The sender's `ready` message (e.g. `connectMs`). */
  readonly senderReady: WorkerMessage;
  /** CPU time of the sender while sending, as a fraction of one core. */
  readonly senderCpu: number;
  /** CPU time of the receiver from the start of sending until its count settled, as a fraction of one core. */
  readonly receiverCpu: number;
}

/** CPU time (user + system) of a `process.cpuUsage()` result, ms. */
export function cpuMs(u: unknown): number {
  const c = u as { user?: number; system?: number } | undefined;
  return ((c?.user ?? 0) + (c?.system ?? 0)) / 1000;
}

/**
 * Run one sender/receiver pair of `script` for `durationMs`. The receiver
 * gets `receiverArgs` plus `role: 'receiver'`; the sender gets `senderArgs`
 * plus `role: 'sender'`, `port` (from the receiver's `ready`) and `durationMs`.
 */
export async function measureThroughput(
  script: string,
  receiverArgs: Readonly<Record<string, unknown>>,
  senderArgs: Readonly<Record<string, unknown>>,
  durationMs: number,
): Promise<ThroughputResult> {
  const workers: Worker[] = [];
  try {
    const pair = await startPair(script, receiverArgs, senderArgs, durationMs, workers);
    return { ...(await measureConnected(pair.rx, pair.tx, durationMs)), receiverReady: pair.rxReady, senderReady: pair.txReady };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** A started receiver/sender pair of one worker script. */
export interface RunningPair {
  /** The receiving process. */
  readonly rx: Worker;
  /** The sending process, connected to the receiver. */
  readonly tx: Worker;
  /** The receiver's `ready` message (port, buffer sizes). */
  readonly rxReady: WorkerMessage;
  /** The sender's `ready` message (e.g. `connectMs`). */
  readonly txReady: WorkerMessage;
}

/**
 * Start `script`'s receiver, then its sender pointed at the receiver's
 * port. Both workers are pushed onto `workers` as they start, so the caller
 * stops them even when the second one fails to start.
 */
export async function startPair(
  script: string,
  receiverArgs: Readonly<Record<string, unknown>>,
  senderArgs: Readonly<Record<string, unknown>>,
  durationMs: number,
  workers: Worker[],
): Promise<RunningPair> {
  const rx = await startWorker(script, { ...receiverArgs, role: 'receiver' });
  workers.push(rx.worker);
  // The sender is ready once connected (handshake included), which can take long on a loaded machine.
  const tx = await startWorker(script, { ...senderArgs, role: 'sender', port: rx.ready.port, durationMs }, { timeoutMs: 30_000 });
  workers.push(tx.worker);
  return { rx: rx.worker, tx: tx.worker, rxReady: rx.ready, txReady: tx.ready };
}

/** What {@link measureConnected} measures (a {@link ThroughputResult} without the `ready` messages). */
export type ConnectedResult = Omit<ThroughputResult, 'receiverReady' | 'senderReady'>;

/**
 * The measuring part of {@link measureThroughput}, for a receiver and a
 * sender that are already running and connected however the case set them
 * up: send `go` to the sender (which runs for `durationMs` and answers
 * `done`), then poll the receiver's `stats` until its count settles.
 */
export async function measureConnected(rx: Worker, tx: Worker, durationMs: number): Promise<ConnectedResult> {
  const before = await rx.request({ type: 'stats' }, 'stats', 5000);
  const w0 = performance.now();
  const sender = await tx.request({ type: 'go' }, 'done', durationMs + 20_000);
  const receiver = await settle(rx);
  const wall = performance.now() - w0;
  const seconds = receiver.measuredMs / 1000;
  return {
    bytesPerSecond: seconds > 0 ? receiver.measuredBytes / seconds : 0,
    packetsPerSecond: seconds > 0 ? receiver.measuredPackets / seconds : 0,
    sender,
    receiver,
    senderCpu: cpuMs(sender.cpu) / durationMs,
    receiverCpu: (cpuMs(receiver.cpu) - cpuMs(before.cpu)) / wall,
  };
}

/** Poll the receiver until its byte count has not changed for 200 ms (at most 5 s). */
async function settle(rx: Worker): Promise<ReceiverStats> {
  let prev = -1;
  let stableSince = performance.now();
  const deadline = performance.now() + 5000;
  for (;;) {
    const s = (await rx.request({ type: 'stats' }, 'stats', 5000)) as unknown as ReceiverStats;
    const now = performance.now();
    if (s.bytes !== prev) {
      prev = s.bytes;
      stableSince = now;
    } else if (now - stableSince >= 200 || now > deadline) {
      return s;
    }
    if (now > deadline) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** CPU use of both sides as text, e.g. `CPU tx 98 % rx 85 %`. */
export function cpuNote(senderCpu: number, receiverCpu: number): string {
  return `CPU tx ${Math.round(senderCpu * 100)} % rx ${Math.round(receiverCpu * 100)} %`;
}
