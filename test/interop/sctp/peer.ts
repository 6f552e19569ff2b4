/**
 * A toukit SCTP endpoint for interop runs against usrsctp, SCTP directly
 * over UDP (RFC 6951, encapsulation `none`). Run inside a private network
 * namespace with only `lo` up.
 *
 * Usage:
 *   tsx peer.ts client UDP_PORT SCTP_PORT LINES…   connects to 127.0.0.1, sends each line as one message, prints each reply
 *   tsx peer.ts server UDP_PORT SCTP_PORT          accepts one association and echoes every message back
 *
 * Prints `READY` when listening, `REPLY <text>` per message received, `CLOSED` at the end.
 *
 * @module
 */
import { createStack } from '../../../core/index.js';
import sctp from '../../../plugins/transport/sctp/index.js';
import reno from '../../../plugins/congestion/reno/index.js';
import type { Connection } from '../../../core/index.js';

const [mode, udpPortArg, sctpPortArg, ...lines] = process.argv.slice(2);
const udpPort = Number(udpPortArg);
const sctpPort = Number(sctpPortArg);
const stack = await createStack(
  { encapsulation: 'none', security: 'none', transport: 'sctp', congestion: 'reno', mtu: 1280 },
  { plugins: [sctp, reno] },
);
const deadline = setTimeout(() => {
  console.log('TIMEOUT');
  process.exit(3);
}, 20_000);

function readMessages(conn: Connection, onMessage: (text: string) => void): void {
  conn.on('data', (chunk: Buffer) => onMessage(chunk.toString('utf8')));
}

if (mode === 'client') {
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
