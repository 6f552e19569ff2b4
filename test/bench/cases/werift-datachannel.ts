/**
 * The werift baseline (issue 7): werift's WebRTC data channel (SCTP over
 * DTLS over ICE/UDP, all in TypeScript), offerer and answerer each in its
 * own process on 127.0.0.1, like toukit's two-process throughput cases.
 * The harness relays the offer and the answer over the IPC channels. The
 * offerer sends 16 KiB messages on one reliable, ordered channel for the
 * run's duration, honouring `bufferedAmount` backpressure; the answerer
 * counts received bytes with the same warm-up and settle rules as every
 * other throughput case.
 *
 * @module
 */
import { startWorker } from '../lib/child.js';
import type { Worker } from '../lib/child.js';
import { cpuNote, measureConnected } from '../lib/measure.js';
import { MB } from '../lib/types.js';
import type { BenchCase, BenchRow } from '../lib/types.js';
import { weriftUnavailable } from '../lib/werift-loopback.js';

/** Bytes per data-channel message (as in the perf-baseline measurement of werift). */
export const WERIFT_MESSAGE_SIZE = 16 * 1024;

/** werift data-channel throughput between two processes. */
export const weriftDatachannel: BenchCase = {
  name: 'werift-datachannel',
  tags: ['udp', 'werift', 'sctp', 'baseline'],
  description: 'werift data channel (SCTP over DTLS), two processes on 127.0.0.1, no STUN, 16 KiB messages',
  comparesToUdp: true,
  budgetMs: 30_000,
  unavailable: weriftUnavailable,
  async run(ctx): Promise<BenchRow[]> {
    const workers: Worker[] = [];
    try {
      const rx = await startWorker('werift-peer.ts', { role: 'receiver', size: WERIFT_MESSAGE_SIZE, warmupMs: 300 });
      workers.push(rx.worker);
      const tx = await startWorker('werift-peer.ts', { role: 'sender', size: WERIFT_MESSAGE_SIZE, durationMs: ctx.durationMs });
      workers.push(tx.worker);
      const answer = await rx.worker.request({ type: 'offer', sdp: tx.ready.sdp }, 'answer', 15_000);
      const open = await tx.worker.request({ type: 'answer', sdp: answer.sdp }, 'open', 15_000);
      const r = await measureConnected(rx.worker, tx.worker, ctx.durationMs);
      const sentBytes = Number(r.sender.bytes);
      const delivered = sentBytes > 0 ? r.receiver.bytes / sentBytes : 0;
      const blockedSends = Number(r.sender.blockedSends) + Number((r.receiver as unknown as { blockedSends?: number }).blockedSends ?? 0);
      return [
        {
          case: 'werift-datachannel',
          metric: 'received throughput',
          value: r.bytesPerSecond / MB,
          unit: 'MB/s',
          compare: 'udp',
          status: 'ok',
          note:
            `${WERIFT_MESSAGE_SIZE}-byte messages, ${(delivered * 100).toFixed(1)} % of sent bytes arrived, ` +
            `${Number(r.sender.blocked)} backpressure waits, ${cpuNote(r.senderCpu, r.receiverCpu)}, ` +
            `channel open ${Number(open.connectMs).toFixed(0)} ms` +
            (blockedSends > 0 ? `, ${blockedSends} sends outside 127.0.0.1 blocked` : ''),
        },
      ];
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  },
};
