/**
 * A toukit SCTP endpoint for interop runs against usrsctp, SCTP directly
 * over UDP (RFC 6951, encapsulation `none`). Run inside a private network
 * namespace with only `lo` up.
 *
 * Usage:
 *   tsx peer.ts client UDP_PORT SCTP_PORT LINES…   connects to 127.0.0.1, sends each line as one message, prints each reply
 *   tsx peer.ts bulk UDP_PORT SCTP_PORT COUNT SIZE  sends COUNT messages of SIZE pseudo-random bytes to an echo server,
 *                                                   checks the echo byte for byte and prints `BULK <count> <sha256>`
 *   tsx peer.ts server UDP_PORT SCTP_PORT          accepts one association and echoes every message back
 *
 * Prints `READY` when listening, `REPLY <text>` per message received, `CLOSED` at the end.
 *
 * @module
 */
import { createStack } from '../../../core/index.js';
import sctp from '../../../plugins/transport/sctp/index.js';
import reno from '../../../plugins/congestion/reno/index.js';
import type { Connection, MessageInfo } from '../../../core/index.js';
import { createHash } from 'node:crypto';

const [mode, udpPortArg, sctpPortArg, ...lines] = process.argv.slice(2);
const udpPort = Number(udpPortArg);
const sctpPort = Number(sctpPortArg);
const stack = await createStack(
  { encapsulation: 'none', security: 'none', transport: 'sctp', congestion: 'reno', mtu: 1280 },
  { plugins: [sctp, reno] },
);
let current: Connection | undefined;
const deadline = setTimeout(() => {
  console.log('TIMEOUT');
  if (current !== undefined) console.log(`STATS ${JSON.stringify(current.stats())}`);
  process.exit(3);
}, Number(process.env.PEER_TIMEOUT_MS ?? 45_000));

function readMessages(conn: Connection, onMessage: (text: string) => void): void {
  conn.on('data', (chunk: Buffer) => onMessage(chunk.toString('utf8')));
}

if (mode === 'bulk') {
  const [count, size] = lines.map(Number);
  const conn = await stack.connect({ host: '127.0.0.1', port: udpPort, transportPort: sctpPort });
  current = conn;
  console.log('CONNECTED');
  // Per-stream SHA-256: SCTP orders messages within a stream, not across streams.
  const STREAMS = 4;
  const sent = Array.from({ length: STREAMS }, () => createHash('sha256'));
  const got = Array.from({ length: STREAMS }, () => createHash('sha256'));
  let expected = 0;
  let received = 0;
  let x = 0x9e3779b9;
  const msgs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const m = new Uint8Array(size);
    for (let k = 0; k < size; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      m[k] = x & 0xff;
    }
    sent[i % STREAMS].update(m);
    expected += size;
    msgs.push(m);
  }
  conn.resume(); // stream-0 messages also feed the Duplex: keep it flowing
  conn.on('message', (d: Uint8Array, info: MessageInfo) => {
    got[info.stream].update(d);
    received += d.length;
    if (received === expected) {
      const a = sent.map((h) => h.digest('hex')).join(',');
      const b = got.map((h) => h.digest('hex')).join(',');
      console.log(a === b ? `BULK ${count} ${b}` : `BULK MISMATCH ${a} ${b}`);
      console.log(`STATS ${JSON.stringify(conn.stats().transport)}`);
      conn.end();
    }
  });
  conn.on('close', async () => {
    console.log('CLOSED');
    clearTimeout(deadline);
    await stack.close();
  });
  let i = 0;
  const pump = (): void => {
    for (; i < msgs.length; i++) if (!conn.send(msgs[i], { stream: i % STREAMS })) return void i++;
  };
  conn.on('drain', pump);
  pump();
} else if (mode === 'client') {
  const conn = await stack.connect({ host: '127.0.0.1', port: udpPort, transportPort: sctpPort });
  console.log('CONNECTED');
  let pending = lines.length;
  readMessages(conn, (text) => {
    console.log(`REPLY ${text.replace(/\n$/, '')}`);
    pending--;
    if (pending === 0) conn.end();
  });
  conn.on('close', async () => {
    console.log('CLOSED');
    clearTimeout(deadline);
    await stack.close();
  });
  for (const l of lines) conn.write(`${l}\n`);
} else {
  const server = await stack.listen({ host: '127.0.0.1', port: udpPort, transportPort: sctpPort });
  console.log('READY');
  server.on('connection', (conn: Connection) => {
    console.log('ACCEPTED');
    readMessages(conn, (text) => {
      console.log(`REPLY ${text.replace(/\n$/, '')}`);
      conn.write(text);
    });
    conn.on('end', () => conn.end());
    conn.on('close', async () => {
      console.log('CLOSED');
      clearTimeout(deadline);
      await stack.close();
    });
  });
}
