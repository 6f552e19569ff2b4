/**
 * tshark as an independent decoder of toukit's TCP wire format: a real
 * stack on loopback captures its own datagrams (`createStack(…, { pcap })`),
 * and tshark (GUE Lua dissector + its own TCP dissector) must decode the
 * options byte for byte, validate every checksum over the outer
 * pseudo-header, and see a clean connection (no malformed packets, no
 * retransmissions, handshake and FINs in order).
 */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createStack } from '../../../core/composition/stack.js';
import type { Connection } from '../../../core/connection/connection.js';
import tcpPlugin from '../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../plugins/congestion/reno/index.js';
import { runTshark, tsharkPresent, warnIfSkipped, SEVERITY_ERROR, suiteTempDir } from '../../tools/wireshark/tshark.js';

warnIfSkipped('interop/tcp/tshark.test');

describe.skipIf(!tsharkPresent)('tcp wire format as decoded by tshark', () => {
  const tmp = suiteTempDir('toukit-tcp-tshark-');

  it('decodes SYN options, validates every checksum and finds no malformed segment', async () => {
    const pcap = join(tmp(), 'tcp.pcap');
    const config = { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' } as const;
    // Only the client captures, so every datagram appears once.
    const stack = await createStack(config, { plugins: [tcpPlugin, renoPlugin], pcap });
    const server = await createStack(config, { plugins: [tcpPlugin, renoPlugin] });
    let port = 0;
    try {
      const srv = await server.listen({ host: '127.0.0.1', port: 0 });
      port = srv.address().port;
      const done = new Promise<number>((resolve) => {
        srv.on('connection', (c: Connection) => {
          let n = 0;
          c.on('data', (d: Buffer) => (n += d.length));
          c.on('end', () => {
            c.end();
            resolve(n);
          });
        });
      });
      const conn = await stack.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
      conn.resume();
      const closed = new Promise<void>((r) => conn.on('close', () => r()));
      conn.end(randomBytes(200_000));
      expect(await done).toBe(200_000);
      await closed;
    } finally {
      await stack.close();
      await server.close();
    }
    const rows = runTshark(
      pcap,
      [
        'tcp.flags.syn',
        'tcp.flags.ack',
        'tcp.flags.fin',
        'tcp.options.mss_val',
        'tcp.options.wscale.shift',
        'tcp.option_kind',
        'tcp.options.timestamp.tsval',
        'tcp.checksum.status',
        'tcp.analysis.retransmission',
        '_ws.malformed',
        '_ws.expert.severity',
      ],
      ['-d', `udp.port==${port},gue`],
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(r['tcp.checksum.status']).toBe('1');
      expect(r['_ws.malformed']).toBe('');
      expect(r['_ws.expert.severity'].split(';')).not.toContain(SEVERITY_ERROR);
      expect(r['tcp.options.timestamp.tsval']).not.toBe(''); // timestamps on every segment (RFC 7323 §3.2)
    }
    const syns = rows.filter((r) => r['tcp.flags.syn'] === '1' || r['tcp.flags.syn'] === 'True');
    expect(syns.length).toBe(2);
    for (const syn of syns) {
      expect(Number(syn['tcp.options.mss_val'])).toBeGreaterThan(1000);
      expect(syn['tcp.options.wscale.shift']).toBe('5');
      expect(syn['tcp.option_kind'].split(';')).toEqual(expect.arrayContaining(['2', '4', '8', '3']));
    }
    expect(rows.filter((r) => r['tcp.flags.fin'] === '1' || r['tcp.flags.fin'] === 'True').length).toBe(2);
    expect(rows.filter((r) => r['tcp.analysis.retransmission'] !== '').length).toBe(0);
  });
});
