/**
 * Helpers for SCTP runs on the simulator through `createStack`: two hosts,
 * one link, a client and a server stack, and a multi-stream bulk transfer
 * with per-stream SHA-256.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';
import { createStack, type Connection, type Stack, type StackConfig } from '../../../../core/index.js';
import type { LinkOptions } from '../../../../core/sim/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import type { MessageInfo } from '../../../../core/contracts/transport.js';
import sctp from '../../../../plugins/transport/sctp/index.js';
import reno from '../../../../plugins/congestion/reno/index.js';
import { SeededRandom } from '../../../../core/random/random.js';

/** A client and a server stack on a simulated link. */
export interface SimSctp {
  readonly net: SimNetwork;
  readonly client: Stack;
  readonly server: Stack;
  readonly conn: Connection;
  readonly serverConn: Connection;
  close(): Promise<void>;
}

/** Build the network, both stacks, and an established association. */
export async function simSctp(
  link: LinkOptions,
  seed = 1,
  sctpOptions: Record<string, unknown> = {},
  security: StackConfig['security'] = 'none',
): Promise<SimSctp> {
  const net = new SimNetwork({ seed });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, link);
  const config = {
    encapsulation: 'gue',
    security,
    transport: { use: 'sctp', options: sctpOptions },
    congestion: 'reno',
  } as const;
  const client = await createStack(config, { substrate: a, plugins: [sctp, reno] });
  const server = await createStack(config, { substrate: b, plugins: [sctp, reno] });
  const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
  let serverConn: Connection | undefined;
  srv.on('connection', (c: Connection) => {
    serverConn = c;
  });
  const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }), { limit: '60s' });
  await net.run({ for: '100ms' });
  if (serverConn === undefined) throw new Error('server saw no connection');
  return {
    net,
    client,
    server,
    conn,
    serverConn,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Result of {@link bulkTransfer}. */
export interface BulkResult {
  readonly sent: string[];
  readonly received: string[];
  readonly receivedBytes: number[];
  readonly virtualMs: number;
}

/**
 * Send `perStream` bytes on each of `streams` streams (messages of random
 * size up to `maxMessage`, round robin, honouring backpressure) and hash
 * what arrives per stream.
 */
export async function bulkTransfer(s: SimSctp, streams: number, perStream: number, maxMessage: number, seed = 3, limit = '3600s'): Promise<BulkResult> {
  const rnd = new SeededRandom(seed);
  const sentHash: Hash[] = [];
  const recvHash: Hash[] = [];
  const recvBytes = new Array<number>(streams).fill(0);
  const sentBytes = new Array<number>(streams).fill(0);
  for (let i = 0; i < streams; i++) {
    sentHash.push(createHash('sha256'));
    recvHash.push(createHash('sha256'));
  }
  let total = 0;
  let finishedAt = -1;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  s.serverConn.on('message', (d: Uint8Array, info: MessageInfo) => {
    recvHash[info.stream].update(d);
    recvBytes[info.stream] += d.length;
    total += d.length;
    if (total >= streams * perStream && finishedAt < 0) {
      finishedAt = s.net.now;
      finish();
    }
  });
  s.serverConn.resume();
  const t0 = s.net.now;
  let stream = 0;
  const pump = (): void => {
    for (;;) {
      let left = 0;
      for (let i = 0; i < streams; i++) left += perStream - sentBytes[i];
      if (left === 0) return;
      while (sentBytes[stream] >= perStream) stream = (stream + 1) % streams;
      const n = Math.min(perStream - sentBytes[stream], 1 + Math.floor(rnd.float() * maxMessage));
      const msg = new Uint8Array(n);
      // Cheap, message-dependent content: a random 32-bit seed expanded by xorshift.
      let x = rnd.uint32() | 1;
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        msg[i] = x & 0xff;
      }
      sentHash[stream].update(msg);
      sentBytes[stream] += n;
      const ok = s.conn.send(msg, { stream });
      stream = (stream + 1) % streams;
      if (!ok) return;
    }
  };
  s.conn.on('drain', pump);
  pump();
  await s.net.runUntil(done, { limit });
  return {
    sent: sentHash.map((h) => h.digest('hex')),
    received: recvHash.map((h) => h.digest('hex')),
    receivedBytes: recvBytes,
    virtualMs: finishedAt - t0,
  };
}

/** Write `chunk` until `total` bytes are written, waiting for `'drain'` whenever `write()` returns false. */
export function pumpWrites(conn: Duplex, chunk: Uint8Array, total: number): void {
  let written = 0;
  const pump = (): void => {
    while (written < total) {
      written += chunk.length;
      if (!conn.write(chunk)) return;
    }
  };
  conn.on('drain', pump);
  pump();
}
