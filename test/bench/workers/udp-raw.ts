/**
 * Raw `node:dgram` throughput worker (the ceiling): role `receiver` binds
 * 127.0.0.1 with a 4 MiB receive buffer and counts datagrams; role `sender`
 * sends 1200-byte datagrams from a connected socket, 32 per event-loop turn
 * (libuv reads at most 32 datagrams per socket per turn), for a fixed time.
 * The sender runs once per `go`; `restart` zeroes the receiver's counts
 * (paired rounds measure the same processes again).
 *
 * @module
 */
import { createSocket } from 'node:dgram';
import { onParentMessage, reportError, tell, workerArgs, yieldToLoop } from '../lib/worker-side.js';
import { ReceiveMeter } from '../lib/receive-meter.js';

/** Arguments from the parent. */
interface Args {
  readonly role: 'receiver' | 'sender';
  readonly size: number;
  readonly port?: number;
  readonly durationMs?: number;
  readonly warmupMs: number;
  readonly batch?: number;
}

const SOCKET_BUFFER = 4 * 1024 * 1024;
const args = workerArgs<Args>();

function receiver(): void {
  const sock = createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER });
  const meter = new ReceiveMeter(args.warmupMs);
  sock.on('message', (msg) => meter.count(msg.length));
  sock.on('error', reportError);
  sock.bind(0, '127.0.0.1', () => {
    tell({ type: 'ready', port: sock.address().port, recvBufferSize: sock.getRecvBufferSize() });
  });
  onParentMessage(
    (m) => {
      if (m.type === 'stats') {
        tell({ type: 'stats', ...meter.stats(), cpu: process.cpuUsage() });
      } else if (m.type === 'restart') {
        meter.restart();
        tell({ type: 'restarted' });
      }
    },
    () => {
      sock.close();
    },
  );
}

function sender(): void {
  const sock = createSocket({ type: 'udp4', sendBufferSize: SOCKET_BUFFER });
  const payload = Buffer.alloc(args.size, 0x5a);
  const batch = args.batch ?? 32;
  sock.on('error', reportError);
  sock.connect(args.port ?? 0, '127.0.0.1', () => {
    tell({ type: 'ready' });
  });
  onParentMessage(
    async (m) => {
      if (m.type !== 'go') return;
      const cpu0 = process.cpuUsage();
      const end = performance.now() + (args.durationMs ?? 3000);
      let sent = 0;
      while (performance.now() < end) {
        for (let i = 0; i < batch; i++) sock.send(payload);
        sent += batch;
        await yieldToLoop();
      }
      tell({ type: 'done', sent, cpu: process.cpuUsage(cpu0) });
    },
    () => {
      sock.close();
    },
  );
}

if (args.role === 'receiver') receiver();
else sender();
