/**
 * Raw `node:dgram` throughput between two processes on 127.0.0.1, 1200-byte
 * datagrams, 4 MiB socket buffers, connected sender yielding every 32
 * datagrams: the ceiling every stack is compared with.
 *
 * @module
 */
import { cpuNote, measureThroughput } from '../lib/measure.js';
import { gcNote } from '../lib/gc-counter.js';
import type { PairSpec } from '../lib/paired.js';
import { MB } from '../lib/types.js';
import type { BenchCase, BenchRow, RawUdpResult } from '../lib/types.js';

/** Payload bytes per datagram in every throughput case. */
export const PAYLOAD = 1200;

/**
 * The raw UDP pair: its worker script and what its two processes get.
 *
 * @param warmupMs - arrivals in the receiver's first `warmupMs` are not measured
 */
export function rawUdpPair(warmupMs: number): PairSpec {
  return { script: 'udp-raw.ts', receiverArgs: { size: PAYLOAD, warmupMs }, senderArgs: { size: PAYLOAD, batch: 32 } };
}

/** Measure raw UDP throughput once. */
export async function measureRawUdp(durationMs: number): Promise<RawUdpResult> {
  const pair = rawUdpPair(300);
  const r = await measureThroughput(pair.script, pair.receiverArgs, pair.senderArgs, durationMs);
  const sent = Number(r.sender.sent);
  return {
    bytesPerSecond: r.bytesPerSecond,
    packetsPerSecond: r.packetsPerSecond,
    loss: sent > 0 ? Math.max(0, 1 - r.receiver.packets / sent) : 0,
    senderCpu: r.senderCpu,
    receiverCpu: r.receiverCpu,
    gc: r.receiver.gc,
    measuredMs: r.receiver.measuredMs,
  };
}

/** The row reporting one raw UDP measurement. */
export function rawUdpRow(name: string, b: RawUdpResult): BenchRow {
  return {
    case: name,
    metric: 'received throughput',
    value: b.bytesPerSecond / MB,
    unit: 'MB/s',
    status: 'ok',
    note: `${Math.round(b.packetsPerSecond).toLocaleString('en-US')} pkt/s, loss ${(b.loss * 100).toFixed(2)} %, ${cpuNote(b.senderCpu, b.receiverCpu)}, ${gcNote(b.gc, b.measuredMs)}`,
  };
}

/**
 * The raw UDP case. The harness runs it first whenever a throughput case
 * is selected, and once more at the end; ratios use the mean of both.
 */
export const udpRaw: BenchCase = {
  name: 'udp-raw',
  tags: ['udp', 'raw', 'baseline'],
  description: 'node:dgram, two processes, 1200 B, 4 MiB buffers, sender yields every 32 datagrams',
  budgetMs: 30_000,
  unavailable: async () => undefined,
  async run(ctx): Promise<BenchRow[]> {
    return [rawUdpRow('udp-raw', await measureRawUdp(ctx.durationMs))];
  },
};
