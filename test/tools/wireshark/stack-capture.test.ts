/**
 * End to end: a real toukit stack on loopback UDP writes its own capture
 * (`createStack(…, { pcap })`, i.e. PcapWriter), and tshark with the GUE
 * dissector must decode every datagram: GUE → TCP with valid checksums over
 * the outer pseudo-header, and GUE (payload transform DTLS) → DTLS with the
 * handshake and application records visible.
 */
import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { createStack } from '../../../core/index.js';
import tcpTransport from '../../../plugins/transport/tcp/index.js';
import renoCongestion from '../../../plugins/congestion/reno/index.js';
import dtlsSecurity from '../../../plugins/security/dtls/index.js';
import sctpTransport from '../../../plugins/transport/sctp/index.js';
import { runTshark, tsharkPresent, warnIfSkipped, SEVERITY_ERROR, suiteTempDir, type Row } from './tshark.js';

warnIfSkipped('stack-capture.test');

interface Echoed {
  port: number;
  echoed: Buffer;
}

/** Runs an echo server and one client on a fresh stack, capturing to `pcap`. */
async function echoThroughStack(
  config: Parameters<typeof createStack>[0],
  plugins: Parameters<typeof createStack>[1],
  message: Buffer,
  pcap: string,
  keylog?: string[],
): Promise<Echoed> {
  const stack = await createStack(config, { ...plugins, pcap });
  if (keylog !== undefined) stack.on('keylog', (line: string) => keylog.push(line));
  try {
    const server = await stack.listen({ host: '127.0.0.1', port: 0 });
    server.on('connection', (c: Duplex) => {
      c.on('data', (d: Buffer) => c.write(d));
      c.on('end', () => c.end());
    });
    const { port } = server.address();
    const conn = (await stack.connect({ host: '127.0.0.1', port })) as Duplex;
    const chunks: Buffer[] = [];
    let total = 0;
    const done = new Promise<void>((resolve, reject) => {
      conn.on('data', (d: Buffer) => {
        chunks.push(d);
        total += d.length;
        if (total >= message.length) resolve();
      });
      conn.on('error', reject);
    });
    conn.write(message);
    await done;
    conn.end();
    return { port, echoed: Buffer.concat(chunks) };
  } finally {
    await stack.close();
  }
}

describe.skipIf(!tsharkPresent)('captures of a real stack decode in tshark with the GUE dissector', () => {
  const tmp = suiteTempDir('toukit-gue-stack-');

  it('gue + tcp: every datagram is UDP → GUE (Proto 6) → TCP with a valid TCP checksum', async () => {
    const pcap = join(tmp(), 'tcp.pcap');
    const message = Buffer.alloc(30_000, 0x5a);
    const { port, echoed } = await echoThroughStack(
      { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' },
      { plugins: [tcpTransport, renoCongestion] },
      message,
      pcap,
    );
    expect(echoed.equals(message)).toBe(true);
    const rows: Row[] = runTshark(pcap, ['frame.protocols', 'gue.proto', 'tcp.checksum.status', 'tcp.flags.syn', 'udp.checksum.status', '_ws.expert.severity'], [
      '-d',
      `udp.port==${port},gue`,
    ]);
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(r['frame.protocols']).toMatch(/^raw:ip:udp:gue:tcp/);
      expect(r['gue.proto']).toBe('6');
      expect(r['tcp.checksum.status']).toBe('1');
      expect(r['udp.checksum.status']).toBe('1');
      expect(r['_ws.expert.severity'].split(';')).not.toContain(SEVERITY_ERROR);
    }
    expect(rows.some((r) => r['tcp.flags.syn'] === '1' || r['tcp.flags.syn'] === 'True')).toBe(true);
  });

  it('gue + sctp: every datagram is UDP → GUE (Proto 132) → SCTP with a valid CRC32c, the association setup visible', async () => {
    const pcap = join(tmp(), 'sctp.pcap');
    const message = Buffer.from('hello through GUE and SCTP');
    const { port, echoed } = await echoThroughStack(
      { encapsulation: 'gue', security: 'none', transport: 'sctp', congestion: 'reno' },
      { plugins: [sctpTransport, renoCongestion] },
      message,
      pcap,
    );
    expect(echoed.equals(message)).toBe(true);
    const rows = runTshark(pcap, ['frame.protocols', 'gue.proto', 'sctp.checksum.status', 'sctp.chunk_type'], [
      '-d',
      `udp.port==${port},gue`,
      '-o',
      'sctp.checksum:CRC 32c',
    ]);
    expect(rows.length).toBeGreaterThan(4);
    for (const r of rows) {
      expect(r['frame.protocols']).toMatch(/^raw:ip:udp:gue:sctp/);
      expect(r['gue.proto']).toBe('132');
      expect(r['sctp.checksum.status']).toBe('1');
    }
    const chunkTypes = new Set(rows.flatMap((r) => r['sctp.chunk_type'].split(';')));
    for (const t of ['1', '2', '10', '11', '0']) expect(chunkTypes).toContain(t); // INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA
  });

  it('gue + dtls: every datagram is UDP → GUE (Proto 59, transform DTLS) → DTLS; with the key log, tshark decrypts the application data', async () => {
    const pcap = join(tmp(), 'dtls.pcap');
    const message = Buffer.from('hello through GUE and DTLS');
    const keylog: string[] = [];
    const { port, echoed } = await echoThroughStack(
      {
        encapsulation: 'gue',
        security: {
          use: dtlsSecurity,
          // an AES-GCM suite: tshark 4.0 cannot decrypt ChaCha20-Poly1305
          options: { psk: { identity: 'toukit', key: '00112233445566778899aabbccddeeff' }, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'] },
        },
        transport: 'datagram',
      },
      {},
      message,
      pcap,
      keylog,
    );
    expect(echoed.equals(message)).toBe(true);
    expect(keylog.length).toBeGreaterThan(0);
    const keys = join(tmp(), 'keys.txt');
    writeFileSync(keys, keylog.join('\n') + '\n');
    const rows = runTshark(
      pcap,
      ['frame.protocols', 'gue.proto', 'gue.transform.type', 'gue.transform.orig_proto', 'dtls.record.content_type', 'dtls.handshake.type', 'data.data'],
      ['-d', `udp.port==${port},gue`, '-o', `tls.keylog_file:${keys}`],
    );
    expect(rows.length).toBeGreaterThan(4);
    for (const r of rows) {
      expect(r['frame.protocols']).toMatch(/^raw:ip:udp:gue:dtls/);
      expect(r['gue.proto']).toBe('59');
      expect(r['gue.transform.type']).toBe('1');
    }
    const handshakeTypes = new Set(rows.flatMap((r) => r['dtls.handshake.type'].split(';').flatMap((t) => t.split(','))));
    expect(handshakeTypes).toContain('1'); // ClientHello
    expect(handshakeTypes).toContain('2'); // ServerHello
    const app = rows.filter((r) => r['dtls.record.content_type'] === '23');
    expect(app.length).toBeGreaterThan(0);
    for (const r of app) {
      expect(r['gue.transform.orig_proto']).toBe('253'); // the datagram transport's Proto
      expect(r['data.data']).toBe(message.toString('hex')); // decrypted by tshark with the key log
    }
  });
});
