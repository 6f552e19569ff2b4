/**
 * `tou demo`: a server and a client on loopback transfer data through the
 * strongest stack available (GUE + DTLS + TCP + CUBIC when those plugins
 * exist) and print throughput and whether the SHA-256 digests match.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createStack, type Stack } from '../composition/stack.js';
import type { StackConfig } from '../composition/config.js';
import { registerBuiltins } from '../composition/builtins.js';
import { defaultRegistry } from '../composition/registry.js';
import type { Connection } from '../connection/connection.js';

/** Result of one demo run. */
export interface DemoResult {
  /** The stack used. */
  readonly config: StackConfig;
  /** Bytes transferred (client to server). */
  readonly bytes: number;
  /** Wall-clock duration in ms. */
  readonly durationMs: number;
  /** Throughput in MB/s (10^6 bytes per second). */
  readonly megabytesPerSecond: number;
  /** Whether the server's SHA-256 equals the client's. */
  readonly digestsMatch: boolean;
  /** The client's SHA-256 (hex). */
  readonly digest: string;
}

/** The strongest stack the registered plugins allow. */
export function strongestStack(): StackConfig {
  registerBuiltins();
  const has = (layer: 'security' | 'transport' | 'congestion', name: string): boolean => defaultRegistry.get(layer, name) !== undefined;
  const transport = has('transport', 'tcp') ? 'tcp' : 'datagram';
  const congestion = transport === 'datagram' ? 'none' : has('congestion', 'cubic') ? 'cubic' : 'fixed';
  if (has('security', 'dtls')) {
    const key = randomBytes(32).toString('hex');
    return { encapsulation: 'gue', security: { use: 'dtls', options: { psk: { identity: 'tou-demo', key } } }, transport, congestion };
  }
  return { encapsulation: 'gue', security: 'none', transport, congestion };
}

function describeConfig(c: StackConfig): string {
  const name = (r: unknown): string => (typeof r === 'string' ? r : typeof r === 'object' && r !== null && 'use' in r ? String((r as { use: unknown }).use) : '?');
  return ['encapsulation', 'security', 'transport', 'congestion'].map((l) => `${l}=${name(c[l as keyof StackConfig] ?? 'default')}`).join(' ');
}

async function streamTransfer(client: Stack, port: number, bytes: number): Promise<{ digest: string; remote: string }> {
  const conn = await client.connect({ host: '127.0.0.1', port });
  const hash = createHash('sha256');
  const chunk = randomBytes(64 * 1024);
  let sent = 0;
  const reply = new Promise<string>((resolve, reject) => {
    let text = '';
    conn.on('data', (d: Buffer) => (text += d.toString()));
    conn.on('end', () => resolve(text.trim()));
    conn.on('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    conn.on('error', reject);
    const pump = (): void => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
        hash.update(piece);
        sent += n;
        if (!conn.write(piece)) {
          conn.once('drain', pump);
          return;
        }
      }
      conn.end();
      resolve();
    };
    pump();
  });
  return { digest: hash.digest('hex'), remote: await reply };
}

function serveStream(conn: Connection): void {
  const hash = createHash('sha256');
  conn.on('data', (d: Buffer) => hash.update(d));
  conn.on('end', () => conn.end(`${hash.digest('hex')}\n`));
  conn.on('error', () => {});
}

async function datagramTransfer(client: Stack, port: number, bytes: number): Promise<{ digest: string; remote: string }> {
  const conn = await client.connect({ host: '127.0.0.1', port });
  const size = 1024;
  const count = Math.ceil(bytes / size);
  const payload = randomBytes(count * size);
  const echoed: (Buffer | undefined)[] = new Array(count);
  const window = 32;
  let received = 0;
  let next = 0;
  const sendOne = (i: number): void => {
    const m = Buffer.allocUnsafe(4 + size);
    m.writeUInt32BE(i, 0);
    payload.copy(m, 4, i * size, (i + 1) * size);
    conn.write(m);
  };
  // The datagram transport is unreliable: keep a window of 32 messages in
  // flight and resend what has not come back after 200 ms.
  let retry: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    conn.on('data', (m: Buffer) => {
      const i = m.readUInt32BE(0);
      if (i < count && echoed[i] === undefined) {
        echoed[i] = m.subarray(4);
        received++;
      }
      if (received === count) resolve();
      else if (next < count) sendOne(next++);
    });
    retry = setInterval(() => {
      for (let i = 0; i < next; i++) if (echoed[i] === undefined) sendOne(i);
    }, 200);
    while (next < Math.min(window, count)) sendOne(next++);
  });
  clearInterval(retry);
  const mine = createHash('sha256').update(payload).digest('hex');
  const theirs = createHash('sha256')
    .update(Buffer.concat(echoed as Buffer[]))
    .digest('hex');
  conn.destroy();
  return { digest: mine, remote: theirs };
}

/** Run the demo: returns the measured result (prints nothing). */
export async function runDemo(options: { bytes?: number; config?: StackConfig } = {}): Promise<DemoResult> {
  const config = options.config ?? strongestStack();
  const server = await createStack(config);
  const client = await createStack(config);
  try {
    const srv = await server.listen({ host: '127.0.0.1', port: 0 });
    const stream = server.describe().layers.transport.capabilities.includes('reliable');
    const bytes = options.bytes ?? (stream ? 16 * 1024 * 1024 : 4 * 1024 * 1024);
    srv.on('connection', (conn) => (stream ? serveStream(conn) : conn.pipe(conn)));
    const start = performance.now();
    const { digest, remote } = stream ? await streamTransfer(client, srv.address().port, bytes) : await datagramTransfer(client, srv.address().port, bytes);
    const durationMs = performance.now() - start;
    return { config, bytes, durationMs, megabytesPerSecond: bytes / 1e6 / (durationMs / 1000), digestsMatch: digest === remote, digest };
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
}

/** Format a demo result for the terminal. */
export function formatDemo(r: DemoResult): string {
  return [
    `stack:      ${describeConfig(r.config)}`,
    `transfer:   ${(r.bytes / 1024 / 1024).toFixed(1)} MiB client -> server on 127.0.0.1 in ${r.durationMs.toFixed(0)} ms`,
    `throughput: ${r.megabytesPerSecond.toFixed(1)} MB/s`,
    `sha-256:    ${r.digest} ${r.digestsMatch ? 'MATCH' : 'MISMATCH'}`,
  ].join('\n');
}
