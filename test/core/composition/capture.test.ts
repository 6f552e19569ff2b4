/**
 * A pcap written by a stack running on the simulator decodes in tshark as
 * UDP → GUE (with the project's Lua dissector) → payload. Needs the Debian
 * package `tshark`: skipped with a message only when CI is unset.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { createStack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';

const LUA = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../tools/wireshark/gue.lua');
const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
if (!tshark && process.env.CI === undefined) console.warn('[capture.test] tshark not found: skipping (install the Debian package `tshark`)');

describe.skipIf(!tshark && process.env.CI === undefined)('pcap capture of a simulated run', () => {
  it('tshark decodes the capture as UDP -> GUE -> payload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toukit-pcap-'));
    try {
      const file = join(dir, 'sim.pcap');
      const net = new SimNetwork({ seed: 5 });
      const a = net.host('10.0.0.1');
      const b = net.host('10.0.0.2');
      net.link(a, b, { bandwidth: '10Mbit', delay: '5ms' });
      const client = await createStack({ transport: 'datagram' }, { substrate: a, pcap: file });
      const server = await createStack({ transport: 'datagram' }, { substrate: b });
      const srv = await server.listen({ host: '10.0.0.2', port: 6080 });
      srv.on('connection', (c) => c.pipe(c));
      const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
      conn.resume();
      for (let i = 0; i < 5; i++) conn.write(Buffer.alloc(100 + i, 0x41));
      await net.run({ for: '1s' });
      await client.close();
      await server.close();

      const r = spawnSync(
        'tshark',
        ['-X', `lua_script:${LUA}`, '-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'udp.dstport', '-e', 'gue.proto', '-e', 'data.len'],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.trim().split('\n').map((l) => l.split(','));
      expect(rows).toHaveLength(10); // 5 sent, 5 echoed back
      const sent = rows.filter((x) => x[1] === '10.0.0.1');
      const got = rows.filter((x) => x[1] === '10.0.0.2');
      expect(sent.map((x) => [x[2], x[3], x[4], x[5]])).toEqual([0, 1, 2, 3, 4].map((i) => ['10.0.0.2', '6080', '253', String(100 + i)]));
      expect(got.map((x) => x[5])).toEqual(['100', '101', '102', '103', '104']);
      // virtual time: the first echo comes back one round trip (10 ms + serialisation) after the first send
      const rtt = Number(got[0][0]) - Number(sent[0][0]);
      expect(rtt).toBeGreaterThan(0.0099);
      expect(rtt).toBeLessThan(0.012);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
