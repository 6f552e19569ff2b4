import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SctpPair, pattern } from './harness.js';
import { SctpDecodeError } from '../../../../plugins/transport/sctp/errors.js';
import { decodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { decodeSack } from '../../../../plugins/transport/sctp/chunks/sack.js';
import { decodeData } from '../../../../plugins/transport/sctp/chunks/data.js';
import { decodeForwardTsn } from '../../../../plugins/transport/sctp/chunks/forward-tsn.js';
import { decodeCauses, decodeHeartbeat, decodeShutdown } from '../../../../plugins/transport/sctp/chunks/control.js';
import { ChunkReader, checkPacket, sealPacket } from '../../../../plugins/transport/sctp/packet.js';
import { openCookie } from '../../../../plugins/transport/sctp/cookie.js';

function onlyDecodeErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SctpDecodeError);
    expect((e as SctpDecodeError).reason).toMatch(/^sctp_[a-z_]+$/);
  }
}

/** A packet with a valid CRC32c and the given tag around random chunk bytes. */
function packetArb(tag: number) {
  const chunk = fc
    .record({
      type: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 64, 128, 192, 193, 194, 255), fc.nat(255)),
      flags: fc.nat(255),
      body: fc.uint8Array({ maxLength: 64 }),
      lie: fc.option(fc.nat(0xffff), { freq: 4 }),
    })
    .map(({ type, flags, body, lie }) => {
      const len = lie ?? 4 + body.length;
      const c = new Uint8Array((4 + body.length + 3) & ~3);
      c.set([type, flags, len >> 8, len & 0xff], 0);
      c.set(body, 4);
      return c;
    });
  return fc.array(chunk, { minLength: 1, maxLength: 4 }).map((chunks) => {
    const size = 12 + chunks.reduce((n, c) => n + c.length, 0);
    const p = new Uint8Array(size);
    p.set([0x13, 0x88, 0, 7, tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff], 0);
    let o = 12;
    for (const c of chunks) {
      p.set(c, o);
      o += c.length;
    }
    sealPacket(p);
    return p;
  });
}

describe('fuzzing: malformed input never throws anything but typed decode errors', () => {
  it('chunk decoders reject random bytes with SctpDecodeError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        onlyDecodeErrors(() => decodeInit(b, 0, b.length, false));
        onlyDecodeErrors(() => decodeInit(b, 0, b.length, true));
        onlyDecodeErrors(() => decodeSack(b, 0, b.length));
        onlyDecodeErrors(() => decodeData(b, 0, b.length));
        onlyDecodeErrors(() => decodeForwardTsn(b, 0, b.length));
        onlyDecodeErrors(() => decodeCauses(b, 0, b.length));
        onlyDecodeErrors(() => decodeHeartbeat(b, 0, b.length));
        onlyDecodeErrors(() => decodeShutdown(b, 0, b.length));
        onlyDecodeErrors(() => openCookie(b, new Uint8Array(32), 'x', 0));
        onlyDecodeErrors(() => {
          checkPacket(b);
          const r = new ChunkReader();
          r.reset(b);
          while (r.next());
        });
      }),
      { numRuns: 800 },
    );
  });

  it('an established association survives random well-tagged packets without internal errors', () => {
    const pair = new SctpPair().connect();
    const server = pair.server!;
    fc.assert(
      fc.property(packetArb(server.localTag), (p) => {
        expect(() => server.handleDatagram(p)).not.toThrow();
        expect(pair.serverLog.drops.internal_error).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });

  it('under DTLS (zero checksums accepted, RFC 9653) random well-tagged packets with a zero checksum reach the decoders and break nothing', () => {
    const pair = new SctpPair({ secured: true }).connect();
    const server = pair.server!;
    fc.assert(
      fc.property(packetArb(server.localTag), (sealed) => {
        const p = sealed.slice();
        p.fill(0, 8, 12);
        expect(() => server.handleDatagram(p)).not.toThrow();
        expect(pair.serverLog.drops.internal_error).toBeUndefined();
        expect(pair.serverLog.drops.sctp_bad_crc).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });

  it('the stateless server path survives random packets, tagged 0 or not', () => {
    const pair = new SctpPair();
    fc.assert(
      fc.property(fc.oneof(packetArb(0), packetArb(0x01020304), fc.uint8Array({ maxLength: 100 })), (p) => {
        expect(() => pair.arriveAtServer(p)).not.toThrow();
        expect(pair.serverUnmatchedDrops.internal_error).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated packets of a real transfer (CRC resealed) never break either side', () => {
    const record = new SctpPair({ seed: 9 }).connect();
    for (let i = 0; i < 20; i++) record.client.sendMessage!(pattern(1500 + i * 37, i), { stream: i % 3, unordered: i % 5 === 0 });
    record.client.end();
    record.time.run(record.time.now() + 5000);
    const corpus = [...record.wire.c2s, ...record.wire.s2c];
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }), (k, edits) => {
        const pair = new SctpPair({ seed: 9 }).connect();
        const p = corpus[k].slice();
        for (const [pos, v] of edits) p[12 + (pos % Math.max(1, p.length - 12))] = v;
        // Give the packet a tag each side accepts, then reseal.
        for (const [side, tag] of [
          ['s', pair.server!.localTag],
          ['c', pair.client.localTag],
        ] as const) {
          const q = p.slice();
          q.set([tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff], 4);
          sealPacket(q);
          expect(() => (side === 's' ? pair.server!.handleDatagram(q) : pair.client.handleDatagram(q))).not.toThrow();
        }
        pair.time.run(pair.time.now() + 3000);
        expect(pair.serverLog.drops.internal_error).toBeUndefined();
        expect(pair.clientLog.drops.internal_error).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
