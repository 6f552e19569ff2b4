import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter, ipAddressBytes } from '../../../core/trace/pcap.js';
import { StateError, ToukitError } from '../../../core/errors.js';
import type { PeerAddress } from '../../../core/contracts/address.js';

const v4a: PeerAddress = { address: '127.0.0.1', family: 'IPv4', port: 40000 };
const v4b: PeerAddress = { address: '127.0.0.2', family: 'IPv4', port: 6080 };
const v6a: PeerAddress = { address: '::1', family: 'IPv6', port: 40001 };
const v6b: PeerAddress = { address: 'fe80::1:2%lo', family: 'IPv6', port: 6080 };

interface Rec {
  sec: number;
  usec: number;
  incl: number;
  orig: number;
  data: Uint8Array;
}

/** An independent little reader of classic pcap files. */
function readPcap(file: Uint8Array) {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const header = {
    magic: v.getUint32(0, true),
    major: v.getUint16(4, true),
    minor: v.getUint16(6, true),
    snaplen: v.getUint32(16, true),
    linktype: v.getUint32(20, true),
  };
  const records: Rec[] = [];
  for (let o = 24; o < file.length; ) {
    const incl = v.getUint32(o + 8, true);
    records.push({ sec: v.getUint32(o, true), usec: v.getUint32(o + 4, true), incl, orig: v.getUint32(o + 12, true), data: file.slice(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { header, records };
}

/** One's complement sum check: the sum over a region including its checksum must be 0xffff. */
function onesSum(...regions: Uint8Array[]): number {
  let s = 0;
  for (const r of regions) {
    for (let i = 0; i < r.length; i += 2) s += (r[i] << 8) | (i + 1 < r.length ? r[i + 1] : 0);
  }
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

describe('PcapWriter', () => {
  it('writes a classic libpcap global header: magic a1b2c3d4, v2.4, raw IP link type', () => {
    const { header, records } = readPcap(new PcapWriter().toBuffer());
    expect(header).toEqual({ magic: 0xa1b2c3d4, major: 2, minor: 4, snaplen: 262144, linktype: 101 });
    expect(records).toEqual([]);
  });

  it('wraps an IPv4 datagram in a valid IPv4 + UDP header with correct checksums', () => {
    const w = new PcapWriter();
    const payload = [Uint8Array.of(0, 6, 0, 0), Uint8Array.of(1, 2, 3)];
    w.writeDatagram(1234.5678, v4a, v4b, payload);
    const [r] = readPcap(w.toBuffer()).records;
    expect(r.sec).toBe(1);
    expect(r.usec).toBe(234567);
    expect(r.incl).toBe(20 + 8 + 7);
    expect(r.orig).toBe(r.incl);
    const ip = r.data.subarray(0, 20);
    expect(ip[0]).toBe(0x45);
    expect((ip[2] << 8) | ip[3]).toBe(35);
    expect(ip[9]).toBe(17);
    expect([...ip.subarray(12, 16)]).toEqual([127, 0, 0, 1]);
    expect([...ip.subarray(16, 20)]).toEqual([127, 0, 0, 2]);
    expect(onesSum(ip)).toBe(0xffff);
    const udp = r.data.subarray(20);
    expect((udp[0] << 8) | udp[1]).toBe(40000);
    expect((udp[2] << 8) | udp[3]).toBe(6080);
    expect((udp[4] << 8) | udp[5]).toBe(15);
    expect([...udp.subarray(8)]).toEqual([0, 6, 0, 0, 1, 2, 3]);
    const pseudo = Uint8Array.of(...ip.subarray(12, 20), 0, 17, 0, 15);
    expect(onesSum(pseudo, udp.length % 2 ? Uint8Array.of(...udp, 0) : udp)).toBe(0xffff);
  });

  it('wraps an IPv6 datagram in a valid IPv6 + UDP header (checksum over the RFC 8200 pseudo-header)', () => {
    const w = new PcapWriter();
    w.writeDatagram(0, v6a, v6b, [Uint8Array.of(9, 9, 9, 9)]);
    const [r] = readPcap(w.toBuffer()).records;
    const ip = r.data.subarray(0, 40);
    expect(ip[0] >>> 4).toBe(6);
    expect((ip[4] << 8) | ip[5]).toBe(12);
    expect(ip[6]).toBe(17);
    expect([...ip.subarray(8, 24)]).toEqual([...ipAddressBytes('::1')]);
    expect([...ip.subarray(24, 40)]).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]);
    const udp = r.data.subarray(40);
    const pseudo = Uint8Array.of(...ip.subarray(8, 40), 0, 0, 0, 12, 0, 0, 0, 17);
    expect(onesSum(pseudo, udp)).toBe(0xffff);
  });

  it('parses the usual IPv6 spellings', () => {
    expect([...ipAddressBytes('2001:db8::8:800:200c:417a')]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a]);
    expect([...ipAddressBytes('::ffff:127.0.0.1')]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    expect([...ipAddressBytes('::')]).toEqual(new Array(16).fill(0));
    expect(() => ipAddressBytes('not-an-ip')).toThrow(ToukitError);
  });

  it('keeps many records in order across buffer flushes, including ones larger than the buffer', () => {
    const w = new PcapWriter({ bufferSize: 1024 });
    const sizes = [10, 1500, 0, 3000, 7, 65507 - 8];
    sizes.forEach((n, i) => w.writeDatagram(i, v4a, v4b, [new Uint8Array(n).fill(i + 1)]));
    const { records } = readPcap(w.toBuffer());
    expect(records.map((r) => r.incl - 28)).toEqual(sizes);
    records.forEach((r, i) => {
      expect(r.sec * 1000 + r.usec / 1000).toBe(i);
      if (sizes[i] > 0) expect(r.data[28]).toBe(i + 1);
    });
    expect(w.packets).toBe(sizes.length);
  });

  it('writes a file synchronously in batches; the file equals the in-memory capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toukit-pcap-'));
    try {
      const path = join(dir, 'cap.pcap');
      const file = new PcapWriter({ path, bufferSize: 2048 });
      const mem = new PcapWriter({ bufferSize: 2048 });
      for (let i = 0; i < 50; i++) {
        for (const w of [file, mem]) w.writeDatagram(i * 10, i % 2 ? v4a : v4b, i % 2 ? v4b : v4a, [new Uint8Array(100 + i).fill(i)]);
      }
      file.close();
      expect(new Uint8Array(readFileSync(path))).toEqual(mem.toBuffer());
      expect(() => file.toBuffer()).toThrow(StateError);
      expect(() => file.writeDatagram(0, v4a, v4b, [])).toThrow(StateError);
      file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes mixed families (dual-stack sockets) as IPv6 with the IPv4 address IPv4-mapped', () => {
    const w = new PcapWriter();
    w.writeDatagram(0, v4a, v6a, [Uint8Array.of(1)]);
    const [r] = readPcap(w.toBuffer()).records;
    expect(r.data[0] >>> 4).toBe(6);
    expect([...r.data.subarray(8, 24)]).toEqual([...ipAddressBytes('::ffff:127.0.0.1')]);
    const udp = r.data.subarray(40);
    const pseudo = Uint8Array.of(...r.data.subarray(8, 40), 0, 0, 0, 9, 0, 0, 0, 17);
    expect(onesSum(pseudo, Uint8Array.of(...udp, 0))).toBe(0xffff);
  });

  it('a failing file write (ENOSPC on /dev/full) stops the capture without throwing from writeDatagram; close() reports it', () => {
    const w = new PcapWriter({ path: '/dev/full', bufferSize: 1024 });
    for (let i = 0; i < 20; i++) w.writeDatagram(i, v4a, v4b, [new Uint8Array(200)]);
    expect(w.error?.code).toBe('ERR_PCAP_WRITE');
    expect(w.dropped).toBeGreaterThan(0);
    expect(w.packets + w.dropped).toBe(20);
    expect(() => w.close()).toThrowError(expect.objectContaining({ code: 'ERR_PCAP_WRITE' }));
    w.close(); // idempotent
  });

  it('rejects oversized datagrams and non-addresses with typed errors', () => {
    const w = new PcapWriter();
    expect(() => w.writeDatagram(0, v4a, v4b, [new Uint8Array(65508)])).toThrowError(expect.objectContaining({ code: 'ERR_PCAP_TOO_LARGE' }));
    expect(() => w.writeDatagram(0, { ...v4a, address: 'localhost' }, v4b, [])).toThrowError(expect.objectContaining({ code: 'ERR_PCAP_BAD_ADDRESS' }));
    w.writeDatagram(0, v6a, v6b, [new Uint8Array(65527)]);
    expect(() => w.writeDatagram(0, v6a, v6b, [new Uint8Array(65528)])).toThrowError(expect.objectContaining({ code: 'ERR_PCAP_TOO_LARGE' }));
  });
});
