/**
 * SCTP over GUE through `createStack`, on the deterministic simulator.
 * Bulk sizes: 16 streams × 256 KiB by default; `TOUKIT_LONG=1` runs the
 * full 16 × 4 MiB = 64 MiB per loss rate.
 */
import { describe, it, expect } from 'vitest';
import { simSctp, bulkTransfer } from './sim-helpers.js';
import type { MessageInfo } from '../../../../core/contracts/transport.js';
import { createStack } from '../../../../core/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import sctp from '../../../../plugins/transport/sctp/index.js';
import reno from '../../../../plugins/congestion/reno/index.js';

const LONG = process.env.TOUKIT_LONG === '1';
const PER_STREAM = LONG ? 4 * 1024 * 1024 : 256 * 1024;

/** GUE (4 bytes) + SCTP common header (12): the first chunk starts here in a UDP payload. */
const FIRST_CHUNK = 4 + 12;
const isDataWithMarker = (d: Uint8Array, marker: number): boolean => d[FIRST_CHUNK] === 0 && d[FIRST_CHUNK + 16] === marker;

describe('SCTP bulk transfer on the simulator (SHA-256 per stream)', () => {
  for (const loss of [0, 0.01, 0.05]) {
    const extra = loss > 0 ? ' plus 1 % reordering, 1 % duplication and 0.5 % single-bit corruption' : '';
    it(`moves 16 × ${PER_STREAM / 1024} KiB over 16 streams at ${loss * 100} % loss${extra}`, async () => {
      const s = await simSctp(
        { bandwidth: '50Mbit', delay: '10ms', loss, reorder: loss > 0 ? 0.01 : 0, duplicate: loss > 0 ? 0.01 : 0, corrupt: loss > 0 ? { probability: 0.005, bits: 1 } : 0 },
        11 + loss * 1000,
      );
      const r = await bulkTransfer(s, 16, PER_STREAM, 9000, 5);
      expect(r.receivedBytes).toEqual(new Array(16).fill(PER_STREAM));
      expect(r.received).toEqual(r.sent);
      const st = s.conn.stats().transport as Record<string, number>;
      if (loss > 0) {
        expect(st.retransmissions).toBeGreaterThan(0);
        // Corrupted datagrams are caught by the CRC32c (or GUE) and counted, never delivered.
        const drops = (s.serverConn.stats().transport as { drops: Record<string, number> }).drops;
        const clientDrops = (s.conn.stats().transport as { drops: Record<string, number> }).drops;
        expect((drops.sctp_bad_crc ?? 0) + (clientDrops.sctp_bad_crc ?? 0)).toBeGreaterThan(0);
      }
      // Sanity bound on throughput: at 0 % loss the 50 Mbit/s link is mostly used.
      if (loss === 0) expect(r.virtualMs).toBeLessThan(((16 * PER_STREAM * 8) / 50e6) * 1000 * 2.5 + 500);
      await s.close();
    });
  }
});

describe('SCTP with I-DATA interleaving on the simulator', () => {
  it(`moves 16 × ${PER_STREAM / 1024} KiB over 16 streams with I-DATA at 1 % loss plus reordering, duplication and corruption`, async () => {
    const s = await simSctp(
      { bandwidth: '50Mbit', delay: '10ms', loss: 0.01, reorder: 0.01, duplicate: 0.01, corrupt: { probability: 0.005, bits: 1 } },
      41,
      { interleaving: true },
    );
    expect((s.conn.stats().transport as Record<string, unknown>).interleaving).toBe(true);
    const r = await bulkTransfer(s, 16, PER_STREAM, 20000, 6);
    expect(r.received).toEqual(r.sent);
    await s.close();
  });
});

describe('SCTP streams on the simulator', () => {
  it('a loss on stream 1 does not delay stream 2 (no head-of-line blocking), measured in virtual time', async () => {
    let dropped = false;
    const s = await simSctp({
      delay: '15ms',
      ab: {
        dropScript: (_n, d) => {
          if (!dropped && isDataWithMarker(d, 0xa1)) return (dropped = true);
          return false;
        },
      },
    });
    const arrivals: { stream: number; first: number; at: number }[] = [];
    s.serverConn.on('message', (d: Uint8Array, info: MessageInfo) => arrivals.push({ stream: info.stream, first: d[0], at: s.net.now }));
    const t0 = s.net.now;
    s.conn.send(Uint8Array.of(0xa1, 0), { stream: 1 });
    s.conn.send(Uint8Array.of(0xa2, 0), { stream: 1 });
    s.conn.send(Uint8Array.of(0xb1, 0), { stream: 2 });
    await s.net.run({ for: '5s' });
    expect(dropped).toBe(true);
    const at = (first: number): number => arrivals.find((a) => a.first === first)!.at - t0;
    expect(at(0xb1)).toBeLessThan(20);
    expect(at(0xa1)).toBeGreaterThanOrEqual(1000); // T3-rtx (RTO.Min 1 s): nothing else followed to trigger fast retransmit
    expect(at(0xa2)).toBe(at(0xa1));
    await s.close();
  });

  it('delivers unordered messages without waiting for an earlier lost ordered message', async () => {
    let dropped = false;
    const s = await simSctp({ delay: '5ms', ab: { dropScript: (_n, d) => (!dropped && isDataWithMarker(d, 0xc1) ? (dropped = true) : false) } });
    const got: [number, boolean][] = [];
    s.serverConn.on('message', (d: Uint8Array, info: MessageInfo) => got.push([d[0], info.unordered]));
    s.conn.send(Uint8Array.of(0xc1), { stream: 0 });
    s.conn.send(Uint8Array.of(0xc2), { stream: 0, unordered: true });
    s.conn.send(Uint8Array.of(0xc3), { stream: 0 });
    await s.net.run({ for: '5s' });
    expect(got).toEqual([
      [0xc2, true],
      [0xc1, false],
      [0xc3, false],
    ]);
    await s.close();
  });

  it('PR-SCTP: under 10 % loss, expiring messages are abandoned and skipped by FORWARD TSN while reliable ones all arrive in order', async () => {
    const s = await simSctp({ bandwidth: '10Mbit', delay: '20ms', loss: 0.1 }, 21);
    const reliable: number[] = [];
    const partial = new Set<number>();
    let partialDupes = 0;
    s.serverConn.on('message', (d: Uint8Array, info: MessageInfo) => {
      const id = info.stream * 65536 + ((d[0] << 8) | d[1]);
      if (info.stream === 2) reliable.push(id - 2 * 65536);
      else {
        if (partial.has(id)) partialDupes++;
        partial.add(id);
      }
    });
    for (let i = 0; i < 300; i++) {
      const m = new Uint8Array(400);
      m[0] = i >> 8;
      m[1] = i & 0xff;
      s.conn.send(m, { stream: 1, maxRetransmits: 0 });
      s.conn.send(m.slice(), { stream: 2 });
      s.conn.send(m.slice(), { stream: 3, lifetime: 50, unordered: true });
    }
    await s.net.run({ for: '600s' }); // tail losses back the RTO off up to RTO.Max (60 s)
    expect(reliable).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const c = s.conn.stats().transport as Record<string, number>;
    const sv = s.serverConn.stats().transport as Record<string, number>;
    expect(c.abandonedMessages).toBeGreaterThan(10);
    expect(c.forwardTsnSent).toBeGreaterThan(0);
    expect(sv.forwardTsnReceived).toBeGreaterThan(0);
    expect(partialDupes).toBe(0);
    expect(partial.size).toBeLessThan(600);
    expect(c.bufferedAmount).toBe(0);
    expect(c.bytesInFlight).toBe(0);
    await s.close();
  });
});

describe('SCTP directly over UDP (RFC 6951, encapsulation none) on the simulator', () => {
  it('listens and connects on UDP port 9899 by default and carries SCTP packets with no GUE header', async () => {
    const seen: Uint8Array[] = [];
    const net = new SimNetwork({ seed: 4 });
    const a = net.host('10.0.0.1');
    const b = net.host('10.0.0.2');
    // The drop script drops nothing: it records what goes on the wire from client to server.
    net.link(a, b, { delay: '5ms', ab: { dropScript: (_n, d) => (seen.push(d.slice()), false) } });
    const config = { encapsulation: 'none', security: 'none', transport: 'sctp', congestion: 'reno' } as const;
    const client = await createStack(config, { substrate: a, plugins: [sctp, reno] });
    const server = await createStack(config, { substrate: b, plugins: [sctp, reno] });
    const srv = await server.listen({ host: '10.0.0.2' });
    expect(srv.address().port).toBe(9899);
    const got: string[] = [];
    srv.on('connection', (c) => c.on('message', (d: Uint8Array) => got.push(Buffer.from(d).toString())));
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', transportPort: 7 }));
    conn.send(Buffer.from('over udp'), { stream: 3 });
    await net.run({ for: '1s' });
    expect(got).toEqual(['over udp']);
    // The first datagram is a bare SCTP INIT: common header (dst port 7, tag 0), then chunk type 1.
    const init = seen[0];
    expect([init[2], init[3]]).toEqual([0, 7]);
    expect([...init.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(init[12]).toBe(1);
    await client.close();
    await server.close();
  });
});

describe('SCTP inside DTLS (the WebRTC data-channel layering) on the simulator', () => {
  it('moves 4 × 256 KiB over 4 streams through GUE + DTLS 1.2 (PSK, AES-128-GCM) at 2 % loss', async () => {
    const psk = { identity: 'sctp-test', key: '0102030405060708090a0b0c0d0e0f10' };
    const s = await simSctp({ bandwidth: '20Mbit', delay: '10ms', loss: 0.02 }, 31, {}, {
      use: 'dtls',
      options: { psk, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256'] },
    });
    expect(s.conn.handshake?.protocol).toMatch(/DTLS/i);
    const r = await bulkTransfer(s, 4, 256 * 1024, 6000, 9);
    expect(r.received).toEqual(r.sent);
    await s.close();
  });
});
