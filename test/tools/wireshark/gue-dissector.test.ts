/**
 * Runs the real tshark with tools/wireshark/gue.lua over a capture written by
 * PcapWriter and checks, from tshark's own output, that every GUE form is
 * decoded (UDP → GUE → TCP/UDP/DTLS/IP, control messages as data) and that
 * malformed headers raise expert errors.
 *
 * Needs the Debian package `tshark`. Without it the suite is skipped with a
 * message, unless CI is set, in which case a missing tshark fails.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerAddress } from '../../../core/contracts/address.js';
import { PcapWriter, ipAddressBytes } from '../../../core/trace/pcap.js';
import { GueEncapsulation } from '../../../plugins/encapsulation/gue/encapsulation.js';
import { controlMessageParts, experimentalControlParts } from '../../../plugins/encapsulation/gue/control.js';
import { sealGueChecksum, serializeGueHeader, type GueHeaderFields } from '../../../plugins/encapsulation/gue/header.js';
import fc from 'fast-check';
import { SEVERITY_ERROR, ciSet, runTshark as runTsharkFields, tsharkPresent, warnIfSkipped, type Row } from './tshark.js';

warnIfSkipped('gue-dissector.test');

const v4c: PeerAddress = { address: '127.0.0.1', family: 'IPv4', port: 40000 };
const v4s: PeerAddress = { address: '127.0.0.2', family: 'IPv4', port: 6080 };
const v6c: PeerAddress = { address: '::1', family: 'IPv6', port: 40001 };
const v6s: PeerAddress = { address: '::1', family: 'IPv6', port: 6080 };
const text = (s: string) => new TextEncoder().encode(s);

/** A TCP segment (PSH|ACK) whose checksum uses the OUTER addresses as pseudo-header, as Linux and tshark expect. */
function tcpSegment(src: PeerAddress, dst: PeerAddress, payload: Uint8Array, corrupt = false): Uint8Array {
  const seg = new Uint8Array(20 + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, 1234);
  v.setUint16(2, 8080);
  v.setUint32(4, 1000);
  v.setUint32(8, 2000);
  seg[12] = 5 << 4;
  seg[13] = 0x18;
  v.setUint16(14, 65535);
  seg.set(payload, 20);
  let s = 6 + seg.length; // protocol + TCP length (same sum for the IPv4 and IPv6 pseudo-headers)
  for (const addr of [ipAddressBytes(src.address), ipAddressBytes(dst.address)]) {
    for (let i = 0; i < addr.length; i += 2) s += (addr[i] << 8) | addr[i + 1];
  }
  for (let i = 0; i < seg.length; i += 2) s += (seg[i] << 8) | (i + 1 < seg.length ? seg[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  v.setUint16(16, (~s & 0xffff) ^ (corrupt ? 0x0101 : 0));
  return seg;
}

/** An inner UDP header + payload (checksum 0: none). */
function udpDatagram(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const d = new Uint8Array(8 + payload.length);
  const v = new DataView(d.buffer);
  v.setUint16(0, srcPort);
  v.setUint16(2, dstPort);
  v.setUint16(4, d.length);
  d.set(payload, 8);
  return d;
}

/** A bare IPv4 packet 10.0.0.1 → 10.0.0.2 (protocol 17, no options, valid header checksum) carrying `payload`. */
function ipv4Packet(payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  p.set([0x45, 0, (p.length >>> 8) & 0xff, p.length & 0xff, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (p[i] << 8) | p[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  p[10] = (~s >>> 8) & 0xff;
  p[11] = ~s & 0xff;
  p.set(payload, 20);
  return p;
}

const DTLS_RECORD = Uint8Array.of(0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8);

const FIELDS = [
  'frame.number',
  'frame.protocols',
  'gue.variant',
  'gue.proto',
  'gue.ctype',
  'gue.control',
  'gue.hlen',
  'gue.vnid',
  'gue.exid',
  'gue.transform.type',
  'gue.transform.orig_proto',
  'gue.checksum.status',
  'gue.priv_flags',
  'gue.remcsum.start',
  'gue.remcsum.offset',
  'tcp.srcport',
  'tcp.checksum.status',
  'udp.srcport',
  'dtls.record.content_type',
  'data.data',
  'ip.dst',
  'ip.checksum.status',
  'udp.checksum.status',
  '_ws.expert.message',
  '_ws.expert.severity',
];
function runTshark(pcap: string, extra: string[] = []): Row[] {
  return runTsharkFields(pcap, FIELDS, extra);
}

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Random valid draft headers whose payload is never parsed further (Proto 59, or a control message). */
const randomFields: fc.Arbitrary<GueHeaderFields> = fc
  .record({
    control: fc.boolean(),
    ctype: fc.integer({ min: 0, max: 254 }),
    vnid: fc.option(u32, { nil: undefined }),
    security: fc.option(fc.constantFrom(8, 16, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })), { nil: undefined }),
    fragment: fc.option(fc.record({ offset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8), more: fc.boolean(), originalProto: u8, identification: u32 }), {
      nil: undefined,
    }),
    transform: fc.option(fc.record({ type: fc.constant(1), originalProto: u8, typeSpecific: u16 }), { nil: undefined }),
    remoteChecksum: fc.option(fc.record({ start: fc.integer({ min: 0, max: 10 }).map((x) => 2 * x), offset: fc.integer({ min: 0, max: 10 }).map((x) => 2 * x) }), {
      nil: undefined,
    }),
    checksum: fc.option(fc.constant({ checksum: 0, coverage: 0 }), { nil: undefined }),
  })
  .map(({ ctype, ...f }) => {
    const proto = f.control ? (f.fragment !== undefined || f.transform !== undefined ? 0 : ctype) : 59;
    return { ...f, proto };
  });
const RANDOM_FIELDS = [
  'gue.control',
  'gue.hlen',
  'gue.proto',
  'gue.ctype',
  'gue.flags',
  'gue.vnid',
  'gue.security',
  'gue.frag.offset',
  'gue.frag.more',
  'gue.frag.orig_proto',
  'gue.frag.id',
  'gue.transform.type',
  'gue.transform.orig_proto',
  'gue.transform.specific',
  'gue.remcsum.start',
  'gue.remcsum.offset',
  'gue.checksum.coverage',
  'gue.checksum.status',
  '_ws.expert.severity',
];

describe('tshark availability', () => {
  it.runIf(ciSet)('tshark is installed (required under CI)', () => {
    expect(tsharkPresent, 'tshark is missing: apt-get install tshark').toBe(true);
  });
});

describe.skipIf(!tsharkPresent)('the GUE Lua dissector under tshark', () => {
  let dir = '';
  let rows: Row[] = [];
  let linuxRows: Row[] = [];
  let randomRows: Row[] = [];
  let randomHeaders: GueHeaderFields[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'toukit-gue-lua-'));
    const draft = new GueEncapsulation();
    const w = new PcapWriter({ path: join(dir, 'gue.pcap') });
    let t = 0;
    const add = (src: PeerAddress, dst: PeerAddress, parts: Uint8Array[]) => w.writeDatagram((t += 10), src, dst, parts);
    add(v4c, v4s, [draft.header({ proto: 6 }), tcpSegment(v4c, v4s, text('hello over GUE'))]); // 1
    add(v4c, v4s, [draft.header({ proto: 6 }), tcpSegment(v4c, v4s, text('bad checksum'), true)]); // 2
    add(v4c, v4s, [draft.header({ proto: 17 }), udpDatagram(5000, 5001, text('inner udp'))]); // 3
    add(v4c, v4s, controlMessageParts(draft, 7, Uint8Array.of(0xc0, 0xff, 0xee))); // 4
    add(v4c, v4s, experimentalControlParts(draft, 0x12345678, Uint8Array.of(1))); // 5
    add(v4c, v4s, [draft.header({ proto: 59, transform: { type: 1, originalProto: 6 } }), DTLS_RECORD]); // 6
    add(v4c, v4s, [Uint8Array.of(0x1f, 6, 0, 0), new Uint8Array(8)]); // 7: Hlen past the end
    add(v4c, v4s, [Uint8Array.of(0x00, 6)]); // 8: truncated
    add(v4c, v4s, [Uint8Array.of(0x00, 6, 0x01, 0x00), new Uint8Array(4)]); // 9: unknown flag 0x0100
    add(v4c, v4s, [ipv4Packet(udpDatagram(7, 9, text('v1')))]); // 10: variant 1
    const sealed = new GueEncapsulation({ vnid: 424242, checksum: true });
    const seg = tcpSegment(v4c, v4s, text('sealed'));
    add(v4c, v4s, [sealed.sealedHeader({ proto: 6 }, [seg]), seg]); // 11: VNID + good GUE checksum
    const bad = seg.slice();
    bad[bad.length - 1] ^= 0xff;
    add(v4c, v4s, [sealed.sealedHeader({ proto: 6 }, [seg]), bad]); // 12: GUE checksum mismatch
    add(v6c, v6s, [draft.header({ proto: 6 }), tcpSegment(v6c, v6s, text('over IPv6'))]); // 13
    add(v4c, { ...v4s, port: 7000 }, [draft.header({ proto: 6 }), tcpSegment(v4c, { ...v4s, port: 7000 }, text('port 7000'))]); // 14
    add(v4c, v4s, [Uint8Array.of(0x80, 6, 0, 0)]); // 15: variant 2
    add(v4c, v4s, [Uint8Array.of(0x50, 0, 0, 20), new Uint8Array(16)]); // 16: variant 1 but neither IPv4 nor IPv6
    add(v4c, v4s, [Uint8Array.of(0x00, 6, 0x80, 0x00), new Uint8Array(8)]); // 17: V flag but Hlen 0
    add(v4c, v4s, [Uint8Array.of(0x01, 59, 0x08, 0x00, 0x80, 6, 0, 0), new Uint8Array(8)]); // 18: unknown transform type 128
    add(v4c, v4s, [draft.header({ proto: 59 }), new Uint8Array(8).fill(0x45)]); // 19: Proto 59 is never parsed
    w.close();
    rows = runTshark(join(dir, 'gue.pcap'), ['-d', 'udp.port==7000,gue']);

    const lw = new PcapWriter({ path: join(dir, 'linux.pcap') });
    // header of a real kernel remote-checksum-offload capture: Hlen 2, Proto 4, P flag, REMCSUM start 20 offset 26
    lw.writeDatagram(1, v4c, v4s, [Uint8Array.of(0x02, 0x04, 0x00, 0x01, 0x80, 0, 0, 0, 0x00, 0x14, 0x00, 0x1a), ipv4Packet(udpDatagram(1, 2, text('k')))]);
    lw.close();
    linuxRows = runTshark(join(dir, 'linux.pcap'), ['-o', 'gue.linux_layout:TRUE']);

    randomHeaders = fc.sample(randomFields, { seed: 42, numRuns: 80 });
    const rw = new PcapWriter({ path: join(dir, 'random.pcap') });
    randomHeaders.forEach((h, i) => {
      const payload = new Uint8Array(24).fill(i);
      const header = serializeGueHeader(h);
      if (h.checksum !== undefined) sealGueChecksum(header, [payload], payload.length);
      rw.writeDatagram(i, v4c, v4s, [header, payload]);
    });
    rw.close();
    randomRows = runTsharkFields(join(dir, 'random.pcap'), RANDOM_FIELDS);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const row = (n: number) => rows[n - 1];
  const hasError = (r: Row, message: RegExp) => {
    expect(r['_ws.expert.message']).toMatch(message);
    expect(r['_ws.expert.severity'].split(';')).toContain(SEVERITY_ERROR);
  };

  it('reads every datagram of the capture', () => {
    expect(rows).toHaveLength(19);
  });

  it('sees valid outer IPv4 and UDP checksums on every datagram PcapWriter synthesized', () => {
    rows.forEach((r, i) => {
      expect(r['udp.checksum.status'].split(';')[0], `frame ${i + 1}`).toBe('1');
      if (i + 1 !== 13) expect(r['ip.checksum.status'].split(';')[0], `frame ${i + 1}`).toBe('1');
    });
    expect(row(10)['ip.checksum.status']).toBe('1;1'); // the inner (variant 1) IPv4 header too
  });

  it('decodes UDP → GUE → TCP and validates the TCP checksum over the outer IPv4 pseudo-header', () => {
    expect(row(1)['frame.protocols']).toMatch(/ip:udp:gue:tcp/);
    expect(row(1)['gue.proto']).toBe('6');
    expect(row(1)['tcp.srcport']).toBe('1234');
    expect(row(1)['tcp.checksum.status']).toBe('1'); // good
    expect(row(2)['tcp.checksum.status']).toBe('0'); // bad: the check really runs
  });

  it('decodes GUE → UDP (Proto 17)', () => {
    expect(row(3)['frame.protocols']).toMatch(/ip:udp:gue:udp/);
    expect(row(3)['udp.srcport'].split(';')).toContain('5000');
  });

  it('shows control messages (C=1) as data with their ctype, and the ExID of ctype 255', () => {
    expect(row(4)['gue.control']).toMatch(/^(1|True)$/);
    expect(row(4)['gue.ctype']).toBe('7');
    expect(row(4)['data.data']).toBe('c0ffee');
    expect(row(4)['frame.protocols']).not.toMatch(/tcp|udp:gue:udp/);
    expect(row(5)['gue.ctype']).toBe('255');
    expect(row(5)['gue.exid']).toBe('0x12345678');
  });

  it('hands a payload-transform Type DTLS payload to the dtls dissector', () => {
    expect(row(6)['gue.proto']).toBe('59');
    expect(row(6)['gue.transform.type']).toBe('1');
    expect(row(6)['gue.transform.orig_proto']).toBe('6');
    expect(row(6)['frame.protocols']).toMatch(/gue:dtls/);
    expect(row(6)['dtls.record.content_type']).toBe('23');
  });

  it('flags malformed headers with expert errors: Hlen past the end, truncation, unknown flags, reserved variant', () => {
    hasError(row(7), /Hlen goes past the end/);
    hasError(row(8), /shorter than the 4-byte header/);
    hasError(row(9), /Unknown GUE flag/);
    hasError(row(15), /Reserved GUE variant/);
    hasError(row(16), /neither IPv4 nor IPv6/);
    hasError(row(17), /Flags announce 4 bytes of fields, Hlen gives 0/);
    expect(row(18)['_ws.expert.message']).toMatch(/Unknown payload-transform type/);
    for (const n of [1, 3, 4, 6, 10, 11, 13]) expect(row(n)['_ws.expert.severity'].split(';')).not.toContain(SEVERITY_ERROR);
  });

  it('never parses a Proto 59 payload: it is shown as data', () => {
    expect(row(19)['frame.protocols']).toMatch(/udp:gue:data$/);
    expect(row(19)['data.data']).toBe('4545454545454545');
  });

  it('hands variant 1 (direct IP) to the IPv4 dissector', () => {
    expect(row(10)['frame.protocols']).toMatch(/udp:gue:ip:udp/);
    expect(row(10)['ip.dst'].split(';')).toContain('10.0.0.2');
  });

  it('shows the VNID and verifies the GUE checksum (K flag) over header and covered payload', () => {
    expect(row(11)['gue.vnid']).toBe('424242');
    expect(row(11)['gue.checksum.status']).toBe('Good');
    expect(row(11)['tcp.checksum.status']).toBe('1');
    expect(row(12)['gue.checksum.status']).toBe('Bad');
    hasError(row(12), /GUE checksum mismatch/);
  });

  it('validates TCP over the outer IPv6 pseudo-header too', () => {
    expect(row(13)['frame.protocols']).toMatch(/ipv6:udp:gue:tcp/);
    expect(row(13)['tcp.checksum.status']).toBe('1');
  });

  it('decodes GUE on another port when bound with -d udp.port==N,gue', () => {
    expect(row(14)['frame.protocols']).toMatch(/udp:gue:tcp/);
    expect(row(14)['tcp.checksum.status']).toBe('1');
  });

  it('agrees field by field with the TypeScript codec on 80 random valid headers', () => {
    expect(randomRows).toHaveLength(randomHeaders.length);
    for (const k of ['vnid', 'security', 'fragment', 'transform', 'remoteChecksum', 'checksum'] as const) {
      expect(randomHeaders.filter((h) => h[k] !== undefined).length, `headers with ${k}`).toBeGreaterThan(5);
      expect(randomHeaders.filter((h) => h[k] === undefined).length, `headers without ${k}`).toBeGreaterThan(5);
    }
    expect(randomHeaders.filter((h) => h.control).length).toBeGreaterThan(5);
    const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    const bool = (b: boolean) => (b ? '1' : '0');
    randomHeaders.forEach((h, i) => {
      const r = randomRows[i];
      const bytes = serializeGueHeader(h);
      const at = `frame ${i + 1}`;
      expect(r['_ws.expert.severity'].split(';'), at).not.toContain(SEVERITY_ERROR);
      expect(r['gue.control'], at).toBe(bool(h.control));
      expect(r['gue.hlen'], at).toBe(String(bytes[0] & 0x1f));
      expect(r[h.control ? 'gue.ctype' : 'gue.proto'], at).toBe(String(h.proto));
      expect(r['gue.flags'], at).toBe(`0x${((bytes[2] << 8) | bytes[3]).toString(16).padStart(4, '0')}`);
      expect(r['gue.vnid'], at).toBe(h.vnid === undefined ? '' : String(h.vnid));
      expect(r['gue.security'], at).toBe(h.security === undefined ? '' : Buffer.from(h.security).toString('hex'));
      expect(r['gue.frag.offset'], at).toBe(h.fragment === undefined ? '' : String(h.fragment.offset / 8));
      expect(r['gue.frag.more'], at).toBe(h.fragment === undefined ? '' : bool(h.fragment.more));
      expect(r['gue.frag.orig_proto'], at).toBe(h.fragment === undefined ? '' : String(h.fragment.originalProto));
      expect(r['gue.frag.id'], at).toBe(h.fragment === undefined ? '' : hex(h.fragment.identification));
      expect(r['gue.transform.type'], at).toBe(h.transform === undefined ? '' : '1');
      expect(r['gue.transform.orig_proto'], at).toBe(h.transform === undefined ? '' : String(h.transform.originalProto));
      expect(r['gue.transform.specific'], at).toBe(h.transform === undefined ? '' : `0x${h.transform.typeSpecific.toString(16).padStart(4, '0')}`);
      expect(r['gue.remcsum.start'], at).toBe(h.remoteChecksum === undefined ? '' : String(h.remoteChecksum.start));
      expect(r['gue.remcsum.offset'], at).toBe(h.remoteChecksum === undefined ? '' : String(h.remoteChecksum.offset));
      expect(r['gue.checksum.coverage'], at).toBe(h.checksum === undefined ? '' : '24');
      expect(r['gue.checksum.status'], at).toBe(h.checksum === undefined ? '' : 'Good');
    });
  });

  it('with the linux_layout preference, decodes the kernel private-flags + remote checksum offload header', () => {
    const r = linuxRows[0];
    expect(r['gue.priv_flags']).toBe('0x80000000');
    expect(r['gue.remcsum.start']).toBe('20');
    expect(r['gue.remcsum.offset']).toBe('26');
    expect(r['frame.protocols']).toMatch(/udp:gue:ip:udp/);
  });
});
