import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SctpPair, chunksOf, type LinkScript } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { SctpDecodeError, SctpInvalidStreamError } from '../../../../plugins/transport/sctp/errors.js';
import { decodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { buildPacket } from '../../../../plugins/transport/sctp/packet.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { createHash } from 'node:crypto';
import { simSctp } from './sim-helpers.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';
import type { MessageInfo } from '../../../../core/contracts/transport.js';
import {
  ReconfigParamType,
  ReconfigResult,
  decodeReconfig,
  encodeOutgoingSsnReset,
  encodeReconfig,
  encodeReconfigResponse,
  type ReconfigParam,
} from '../../../../plugins/transport/sctp/chunks/reconfig.js';

const on = { streamReset: true };

/** DATA chunks of one direction, first transmission of each TSN: TSN, stream, SSN and first payload byte. */
function dataOnWire(pair: SctpPair, dir: 'c2s' | 's2c'): { tsn: number; stream: number; ssn: number; first: number }[] {
  const seen = new Set<number>();
  const out: { tsn: number; stream: number; ssn: number; first: number }[] = [];
  for (const p of pair.wire[dir]) {
    for (const c of chunksOf(p)) {
      if (c.type !== ChunkType.DATA || seen.has(c.tsn!)) continue;
      seen.add(c.tsn!);
      out.push({ tsn: c.tsn!, stream: c.stream!, ssn: (c.value[6] << 8) | c.value[7], first: c.first! });
    }
  }
  return out;
}

/** A link that drops the first packet carrying RE-CONFIG in direction `dir`; `lost` counts the drops. */
function loseFirstReconfig(dir: 'c2s' | 's2c'): { script: LinkScript; readonly lost: number } {
  const loss = {
    lost: 0,
    script: ((d, _i, p) => {
      if (d === dir && loss.lost === 0 && chunksOf(p).some((c) => c.type === ChunkType.RE_CONFIG)) {
        loss.lost++;
        return 'drop';
      }
      return 'pass';
    }) as LinkScript,
  };
  return loss;
}

/** RE-CONFIG chunks of one direction, decoded. */
function reconfigOnWire(pair: SctpPair, dir: 'c2s' | 's2c'): ReconfigParam[][] {
  const out: ReconfigParam[][] = [];
  for (const p of pair.wire[dir]) {
    for (const c of chunksOf(p)) if (c.type === ChunkType.RE_CONFIG) out.push(decodeReconfig(c.value, 0, c.value.length));
  }
  return out;
}

function reconfigChunk(params: Uint8Array[]): { value: Uint8Array; chunk: Uint8Array } {
  const chunk = encodeReconfig(params);
  return { chunk, value: chunk.subarray(4) };
}

describe('RE-CONFIG codec (RFC 6525 §3.1, §4.1, §4.4)', () => {
  it('encodes an Outgoing SSN Reset Request byte for byte and round-trips it', () => {
    const p = encodeOutgoingSsnReset(0x01020304, 0x05060708, 0x090a0b0c, [1, 0xfffe, 7]);
    // §4.1: type 13, length 16 + 2·3 = 22, padded to 24.
    expect([...p.subarray(0, 4)]).toEqual([0, 13, 0, 22]);
    expect(p.length).toBe(24);
    expect([...p.subarray(4, 22)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 1, 0xff, 0xfe, 0, 7]);
    const { chunk, value } = reconfigChunk([p]);
    // The chunk length leaves out the padding of the last parameter (RFC 9260 §3.2).
    expect([chunk[0], chunk[1], (chunk[2] << 8) | chunk[3]]).toEqual([130, 0, 26]);
    expect(chunk.length).toBe(26);
    expect(decodeReconfig(value, 0, value.length)).toEqual([
      { kind: 'outgoing-reset', reqSeq: 0x01020304, respSeq: 0x05060708, lastTsn: 0x090a0b0c, streams: [1, 0xfffe, 7] },
    ]);
  });

  it('round-trips a response bundled with a request, and an empty stream list (all streams)', () => {
    const r = encodeReconfigResponse(0xfffffffe, ReconfigResult.IN_PROGRESS);
    expect([...r]).toEqual([0, 16, 0, 12, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 6]);
    const { value } = reconfigChunk([r, encodeOutgoingSsnReset(9, 8, 7, [])]);
    expect(decodeReconfig(value, 0, value.length)).toEqual([
      { kind: 'response', respSeq: 0xfffffffe, result: 6, senderNextTsn: -1, receiverNextTsn: -1 },
      { kind: 'outgoing-reset', reqSeq: 9, respSeq: 8, lastTsn: 7, streams: [] },
    ]);
  });

  it('reads the Next TSN fields of a 20-byte response and the sequence number of requests it does not perform', () => {
    const resp = Uint8Array.from([0, 16, 0, 20, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 0]);
    const add = Uint8Array.from([0, 17, 0, 12, 0, 0, 0, 42, 0, 3, 0, 0]);
    const { value } = reconfigChunk([resp, add]);
    expect(decodeReconfig(value, 0, value.length)).toEqual([
      { kind: 'response', respSeq: 5, result: 1, senderNextTsn: 256, receiverNextTsn: 512 },
      { kind: 'other-request', type: ReconfigParamType.ADD_OUTGOING_STREAMS, reqSeq: 42 },
    ]);
  });

  it('rejects malformed chunks with typed errors', () => {
    const bad = (bytes: number[]) => {
      const v = Uint8Array.from(bytes);
      return () => decodeReconfig(v, 0, v.length);
    };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SctpDecodeError);
        return (e as SctpDecodeError).code;
      }
      return 'none';
    };
    expect(code(bad([]))).toBe('ERR_SCTP_BAD_RECONFIG'); // no parameter
    expect(code(bad([0, 16, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1, 0, 16, 0, 12, 0, 0, 0, 2, 0, 0, 0, 1, 0, 16, 0, 12, 0, 0, 0, 3, 0, 0, 0, 1]))).toBe(
      'ERR_SCTP_BAD_RECONFIG',
    ); // three parameters
    expect(code(bad([0, 13, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1]))).toBe('ERR_SCTP_BAD_RECONFIG'); // request shorter than 16
    expect(code(bad([0, 13, 0, 17, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 0, 0, 0]))).toBe('ERR_SCTP_BAD_RECONFIG'); // half a stream number
    expect(code(bad([0, 16, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]))).toBe('ERR_SCTP_BAD_RECONFIG'); // response of 16 bytes
    expect(code(bad([0, 16, 0, 40, 0, 0, 0, 1]))).toBe('ERR_SCTP_BAD_PARAM_LENGTH'); // length past the end
  });

  it('follows the two-bit rule for unknown parameter types (stop at 0x0…, skip 0x8…)', () => {
    const resp = encodeReconfigResponse(1, 1);
    const skip = Uint8Array.from([0x80, 0x63, 0, 4]);
    const stop = Uint8Array.from([0x00, 0x63, 0, 4]);
    let { value } = reconfigChunk([skip, resp]);
    expect(decodeReconfig(value, 0, value.length).map((p) => p.kind)).toEqual(['response']);
    ({ value } = reconfigChunk([stop, resp]));
    expect(decodeReconfig(value, 0, value.length)).toEqual([]);
  });

  it('fuzz: random bytes and mutated valid chunks only ever raise SctpDecodeError', () => {
    const valid = reconfigChunk([encodeReconfigResponse(3, 6), encodeOutgoingSsnReset(4, 3, 2, [1, 2, 3])]).value;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.tuple(fc.nat(valid.length - 1), fc.nat(255), fc.nat(valid.length)).map(([i, v, cut]) => {
            const m = valid.slice(0, Math.max(1, cut));
            m[i % m.length] = v;
            return m;
          }),
        ),
        (b) => {
          try {
            const ps = decodeReconfig(b, 0, b.length);
            expect(ps.length).toBeLessThanOrEqual(2);
          } catch (e) {
            expect(e).toBeInstanceOf(SctpDecodeError);
            expect((e as SctpDecodeError).reason).toMatch(/^sctp_[a-z_]+$/);
          }
        },
      ),
      { numRuns: 2000, seed: 6525 },
    );
  });
});

describe('RE-CONFIG negotiation (RFC 6525 §3.1, RFC 5061 §4.2.7)', () => {
  it('lists RE-CONFIG in Supported Extensions when the option is on, and uses it when both offer it', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    const init = chunksOf(pair.wire.c2s[0])[0];
    expect(init.type).toBe(ChunkType.INIT);
    expect(decodeInit(init.value, 0, init.value.length, false).reConfig).toBe(true);
    expect(pair.client.stats().streamReset).toBe(true);
    expect(pair.server!.stats().streamReset).toBe(true);
  });

  it('is off by default: no RE-CONFIG in INIT', () => {
    const pair = new SctpPair().connect();
    const init = chunksOf(pair.wire.c2s[0])[0];
    expect(decodeInit(init.value, 0, init.value.length, false).reConfig).toBe(false);
    expect(pair.client.stats().streamReset).toBe(false);
  });

  for (const [name, o] of [
    ['server', { client: on }],
    ['client', { server: on }],
  ] as const) {
    it(`a ${name} that did not offer it gets no RE-CONFIG: resetStreams() refuses`, () => {
      const pair = new SctpPair(o).connect();
      expect(pair.client.stats().streamReset).toBe(false);
      expect(pair.server!.stats().streamReset).toBe(false);
      expect(() => pair.client.resetStreams([1])).toThrow(expect.objectContaining({ code: 'ERR_SCTP_RESET_NOT_NEGOTIATED' }));
      expect(() => pair.server!.resetStreams([1])).toThrow(expect.objectContaining({ code: 'ERR_SCTP_RESET_NOT_NEGOTIATED' }));
      pair.client.sendMessage!(Uint8Array.of(1), { stream: 1 });
      pair.time.run(pair.time.now() + 2000);
      expect(reconfigOnWire(pair, 'c2s')).toEqual([]);
      expect(reconfigOnWire(pair, 'c2s').length + reconfigOnWire(pair, 's2c').length).toBe(0);
    });
  }

  it('an association that did not negotiate it skips a RE-CONFIG chunk (type 130: skip, no report) and answers nothing', () => {
    const pair = new SctpPair().connect();
    const req = encodeReconfig([encodeOutgoingSsnReset(1, 0, 0, [1])]);
    pair.server!.handleDatagram(buildPacket(5000, 7, pair.server!.localTag, [req]));
    pair.time.run(pair.time.now() + 1000);
    expect(reconfigOnWire(pair, 's2c')).toEqual([]);
    expect(pair.wire.s2c.flatMap(chunksOf).some((c) => c.type === ChunkType.ERROR)).toBe(false);
    expect(pair.server!.state).toBe('ESTABLISHED');
  });

  it('rejects stream ids beyond the negotiated outbound streams, and resets outside ESTABLISHED', () => {
    const pair = new SctpPair({ client: on, server: { ...on, maxInboundStreams: 4 } }).connect();
    expect(() => pair.client.resetStreams([4])).toThrow(SctpInvalidStreamError);
    expect(() => pair.client.resetStreams([-1])).toThrow(SctpInvalidStreamError);
    pair.client.end();
    expect(() => pair.client.resetStreams([1])).toThrow(expect.objectContaining({ code: 'ERR_SCTP_NOT_ESTABLISHED' }));
  });
});

describe('outgoing SSN reset (RFC 6525 §5.1.2, §5.2.2)', () => {
  it('restarts the SSNs of stream 1 at 0 on both sides; stream 2 is untouched', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    const send = (stream: number, b: number) => pair.client.sendMessage!(Uint8Array.of(b, stream), { stream });
    send(1, 0x10);
    send(1, 0x11);
    send(1, 0x12);
    send(2, 0x20);
    send(2, 0x21);
    pair.time.run(pair.time.now() + 1000);
    pair.client.resetStreams([1]);
    pair.time.run(pair.time.now() + 1000);
    expect(pair.clientLog.events).toEqual([{ name: 'sctp-stream-reset', args: [[1], ReconfigResult.PERFORMED] }]);
    send(1, 0x13);
    send(1, 0x14);
    send(2, 0x22);
    pair.time.run(pair.time.now() + 1000);
    const wire = dataOnWire(pair, 'c2s');
    expect(wire.filter((d) => d.stream === 1).map((d) => [d.first, d.ssn])).toEqual([
      [0x10, 0],
      [0x11, 1],
      [0x12, 2],
      [0x13, 0],
      [0x14, 1],
    ]);
    expect(wire.filter((d) => d.stream === 2).map((d) => [d.first, d.ssn])).toEqual([
      [0x20, 0],
      [0x21, 1],
      [0x22, 2],
    ]);
    // The server delivers SSN 0 and 1 again on stream 1: its expected SSN was reset too.
    const got = (s: number) => pair.serverLog.messages.filter((m) => m.info.stream === s).map((m) => m.data[0]);
    expect(got(1)).toEqual([0x10, 0x11, 0x12, 0x13, 0x14]);
    expect(got(2)).toEqual([0x20, 0x21, 0x22]);
    // The request: sequence number = the client's Initial TSN, Sender's Last Assigned TSN = the last DATA before it.
    const [[req], [resp]] = [reconfigOnWire(pair, 'c2s'), reconfigOnWire(pair, 's2c')];
    expect(req[0]).toMatchObject({ kind: 'outgoing-reset', streams: [1], lastTsn: wire[4].tsn, reqSeq: wire[0].tsn });
    expect(resp).toEqual([{ kind: 'response', respSeq: wire[0].tsn, result: 1, senderNextTsn: -1, receiverNextTsn: -1 }]);
    expect(pair.client.stats()).toMatchObject({ resetRequestsSent: 1, resetsPerformed: 1 });
    expect(pair.server!.stats()).toMatchObject({ peerResetsPerformed: 1 });
  });

  it('holds messages sent on a stream being reset until the response, and sends queued earlier ones first', () => {
    const pair = new SctpPair({ client: on, server: on, delay: 50 }).connect();
    for (let i = 0; i < 3; i++) pair.client.sendMessage!(Uint8Array.of(0x30 + i), { stream: 3 });
    pair.client.resetStreams([3]);
    pair.client.sendMessage!(Uint8Array.of(0x40), { stream: 3 });
    pair.client.sendMessage!(Uint8Array.of(0x50), { stream: 4 });
    expect(pair.client.bufferedAmount).toBe(5);
    pair.time.run(pair.time.now() + 2000);
    const wire = dataOnWire(pair, 'c2s');
    expect(wire.map((d) => [d.stream, d.ssn, d.first])).toEqual([
      [3, 0, 0x30],
      [3, 1, 0x31],
      [3, 2, 0x32],
      [4, 0, 0x50],
      [3, 0, 0x40],
    ]);
    const req = reconfigOnWire(pair, 'c2s')[0][0];
    expect(req).toMatchObject({ kind: 'outgoing-reset', lastTsn: wire[2].tsn, streams: [3] });
    expect(pair.serverLog.messages.filter((m) => m.info.stream === 3).map((m) => m.data[0])).toEqual([0x30, 0x31, 0x32, 0x40]);
  });

  it('with I-DATA (RFC 8260) the MIDs of the stream restart at 0', () => {
    const both = { ...on, interleaving: true };
    const pair = new SctpPair({ client: both, server: both }).connect();
    expect(pair.client.stats()).toMatchObject({ interleaving: true, streamReset: true });
    const mids = () =>
      pair.wire.c2s
        .flatMap(chunksOf)
        .filter((c) => c.type === ChunkType.I_DATA)
        .map((c) => [c.value[4] << 8 | c.value[5], (c.value[8] << 24) | (c.value[9] << 16) | (c.value[10] << 8) | c.value[11], c.value[16]]);
    for (let i = 0; i < 3; i++) pair.client.sendMessage!(Uint8Array.of(0x10 + i), { stream: 1 });
    pair.client.sendMessage!(Uint8Array.of(0x20), { stream: 2 });
    pair.time.run(pair.time.now() + 1000);
    pair.client.resetStreams([1]);
    pair.time.run(pair.time.now() + 1000);
    pair.client.sendMessage!(Uint8Array.of(0x13), { stream: 1 });
    pair.client.sendMessage!(Uint8Array.of(0x21), { stream: 2 });
    pair.time.run(pair.time.now() + 1000);
    // [stream, MID, first payload byte]
    expect(mids()).toEqual([
      [1, 0, 0x10],
      [1, 1, 0x11],
      [1, 2, 0x12],
      [2, 0, 0x20],
      [1, 0, 0x13],
      [2, 1, 0x21],
    ]);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([0x10, 0x11, 0x12, 0x20, 0x13, 0x21]);
  });

  it('resets every outgoing stream for an empty list', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    for (const s of [0, 5, 9]) pair.client.sendMessage!(Uint8Array.of(s), { stream: s });
    pair.time.run(pair.time.now() + 1000);
    pair.client.resetStreams([]);
    pair.time.run(pair.time.now() + 1000);
    for (const s of [0, 5, 9]) pair.client.sendMessage!(Uint8Array.of(0x80 | s), { stream: s });
    pair.time.run(pair.time.now() + 1000);
    expect(reconfigOnWire(pair, 'c2s')[0][0]).toMatchObject({ kind: 'outgoing-reset', streams: [] });
    expect(dataOnWire(pair, 'c2s').map((d) => d.ssn)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([0, 5, 9, 0x80, 0x85, 0x89]);
  });

  it('under loss, a reset requested with data outstanding completes after that data is acknowledged ("In progress" first)', () => {
    // Drop the first transmission of the DATA carrying payload 0x65 (message 5 on stream 1).
    let dropped = 0;
    const script: LinkScript = (dir, _i, p) => {
      if (dir === 'c2s' && dropped === 0 && chunksOf(p).some((c) => c.type === ChunkType.DATA && c.first === 0x65)) {
        dropped++;
        return 'drop';
      }
      return 'pass';
    };
    const pair = new SctpPair({ client: on, server: on, script, delay: 20 }).connect();
    for (let i = 0; i < 10; i++) pair.client.sendMessage!(Uint8Array.of(0x60 + i, 1), { stream: 1 });
    for (let i = 0; i < 4; i++) pair.client.sendMessage!(Uint8Array.of(0x70 + i, 2), { stream: 2 });
    pair.client.resetStreams([1]);
    for (let i = 0; i < 3; i++) pair.client.sendMessage!(Uint8Array.of(0x90 + i, 1), { stream: 1 });
    pair.time.run(pair.time.now() + 20_000);
    expect(dropped).toBe(1);
    const results = reconfigOnWire(pair, 's2c').flat().map((p) => (p.kind === 'response' ? p.result : -1));
    expect(results[0]).toBe(ReconfigResult.IN_PROGRESS);
    expect(results[results.length - 1]).toBe(ReconfigResult.PERFORMED);
    expect(pair.clientLog.events).toEqual([{ name: 'sctp-stream-reset', args: [[1], ReconfigResult.PERFORMED] }]);
    const got = (s: number) => pair.serverLog.messages.filter((m) => m.info.stream === s).map((m) => m.data[0]);
    expect(got(1)).toEqual([0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x90, 0x91, 0x92]);
    expect(got(2)).toEqual([0x70, 0x71, 0x72, 0x73]);
    const wire = dataOnWire(pair, 'c2s');
    const req = reconfigOnWire(pair, 'c2s')[0][0] as Extract<ReconfigParam, { kind: 'outgoing-reset' }>;
    // Every DATA before the reset has a TSN up to the request's last assigned TSN; the new ones start after it at SSN 0.
    const after = wire.filter((d) => d.first >= 0x90);
    expect(after.map((d) => d.ssn)).toEqual([0, 1, 2]);
    expect(after.every((d) => d.tsn > req.lastTsn)).toBe(true);
    expect(wire.filter((d) => d.first < 0x90).every((d) => d.tsn <= req.lastTsn)).toBe(true);
    expect(pair.client.stats().state).toBe('ESTABLISHED');
  });

  it('retransmits a lost request after one RTO, with the same sequence number', () => {
    const loss = loseFirstReconfig('c2s');
    const pair = new SctpPair({ client: on, server: on, script: loss.script }).connect();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 1 });
    pair.time.run(pair.time.now() + 1000);
    const t0 = pair.time.now();
    pair.client.resetStreams([1]);
    pair.time.run(t0 + 500);
    expect(pair.clientLog.events).toEqual([]);
    pair.time.run(t0 + 5000);
    expect(loss.lost).toBe(1);
    // The harness records what passed the link: only the retransmission, with the first sequence number (the Initial TSN).
    const initChunk = chunksOf(pair.wire.c2s[0])[0];
    const sent = reconfigOnWire(pair, 'c2s');
    expect(sent.length).toBe(1);
    expect(sent[0][0]).toMatchObject({ kind: 'outgoing-reset', reqSeq: decodeInit(initChunk.value, 0, initChunk.value.length, false).initialTsn });
    expect(pair.clientLog.events).toEqual([{ name: 'sctp-stream-reset', args: [[1], ReconfigResult.PERFORMED] }]);
    expect(pair.client.stats()).toMatchObject({ resetRequestsSent: 1, resetRequestRetransmissions: 1, resetsPerformed: 1 });
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 1 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([1, 2]);
  });

  it('answers a retransmitted request with the same result, a lost response is recovered by the retransmission', () => {
    const loss = loseFirstReconfig('s2c');
    const pair = new SctpPair({ client: on, server: on, script: loss.script }).connect();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 1 });
    pair.time.run(pair.time.now() + 1000);
    pair.client.resetStreams([1]);
    pair.time.run(pair.time.now() + 5000);
    expect(loss.lost).toBe(1);
    // Performed once by the server, answered twice (the first answer was lost on the link).
    expect(pair.server!.stats()).toMatchObject({ peerResetsPerformed: 1 });
    expect(reconfigOnWire(pair, 's2c').flat()).toEqual([{ kind: 'response', respSeq: expect.any(Number), result: 1, senderNextTsn: -1, receiverNextTsn: -1 }]);
    expect(pair.client.stats()).toMatchObject({ resetRequestRetransmissions: 1 });
    expect(pair.clientLog.events).toEqual([{ name: 'sctp-stream-reset', args: [[1], ReconfigResult.PERFORMED] }]);
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 1 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([1, 2]);
  });

  it('one request at a time: later resets wait for the outstanding one, join each other, and take the next sequence numbers', () => {
    const pair = new SctpPair({ client: on, server: on, delay: 30 }).connect();
    pair.client.resetStreams([1]); // sent at once
    pair.client.resetStreams([2]); // waits for the answer to the first
    pair.client.sendMessage!(Uint8Array.of(9), { stream: 4 });
    pair.client.resetStreams([4]); // joins the waiting request
    pair.time.run(pair.time.now() + 29);
    expect(reconfigOnWire(pair, 'c2s').length).toBe(1);
    pair.time.run(pair.time.now() + 2000);
    const all = reconfigOnWire(pair, 'c2s').map((c) => c[0]) as Extract<ReconfigParam, { kind: 'outgoing-reset' }>[];
    expect(all.map((r) => r.streams)).toEqual([[1], [2, 4]]);
    expect(all.map((r) => (r.reqSeq - all[0].reqSeq) >>> 0)).toEqual([0, 1]);
    // The message on stream 4 was sent before the request that resets stream 4, which covers its TSN.
    const d = dataOnWire(pair, 'c2s');
    expect(d.map((x) => [x.stream, x.ssn])).toEqual([[4, 0]]);
    expect(all[1].lastTsn).toBe(d[0].tsn);
    expect(all[0].lastTsn).toBe((d[0].tsn - 1) >>> 0);
    expect(pair.clientLog.events.map((e) => e.args)).toEqual([
      [[1], 1],
      [[2, 4], 1],
    ]);
  });

  it('denies requests it does not implement and refuses wrong sequence numbers', () => {
    const pair = new SctpPair({ client: on, server: on }).connect();
    // Nothing was requested yet: the server expects the client's Initial TSN as the first request sequence number.
    const initChunk = chunksOf(pair.wire.c2s[0])[0];
    const clientInitialTsn = decodeInit(initChunk.value, 0, initChunk.value.length, false).initialTsn;
    const inject = (params: Uint8Array[]) => pair.server!.handleDatagram(buildPacket(5000, 7, pair.server!.localTag, [encodeReconfig(params)]));
    const addStreams = (seq: number) => Uint8Array.from([0, 17, 0, 12, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, 0, 2, 0, 0]);
    inject([encodeOutgoingSsnReset((clientInitialTsn + 5) >>> 0, 0, 0, [1])]);
    inject([addStreams(clientInitialTsn)]);
    inject([addStreams(clientInitialTsn)]); // a retransmission: same answer
    pair.time.run(pair.time.now() + 500);
    const results = reconfigOnWire(pair, 's2c').flat();
    expect(results).toEqual([
      { kind: 'response', respSeq: (clientInitialTsn + 5) >>> 0, result: ReconfigResult.BAD_SEQUENCE_NUMBER, senderNextTsn: -1, receiverNextTsn: -1 },
      { kind: 'response', respSeq: clientInitialTsn, result: ReconfigResult.DENIED, senderNextTsn: -1, receiverNextTsn: -1 },
      { kind: 'response', respSeq: clientInitialTsn, result: ReconfigResult.DENIED, senderNextTsn: -1, receiverNextTsn: -1 },
    ]);
    expect(pair.server!.state).toBe('ESTABLISHED');
  });

  it('a denied reset leaves the SSNs alone and releases the held messages', () => {
    // The real request never reaches the server; a forged Denied answers it.
    const script: LinkScript = (dir, _i, p) => (dir === 'c2s' && chunksOf(p).some((c) => c.type === ChunkType.RE_CONFIG) ? 'drop' : 'pass');
    const pair = new SctpPair({ client: on, server: on, script }).connect();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 1 });
    pair.time.run(pair.time.now() + 1000);
    // Answer the client's next request (sequence = its Initial TSN) with Denied, before the server can.
    const initChunk = chunksOf(pair.wire.c2s[0])[0];
    const seq = decodeInit(initChunk.value, 0, initChunk.value.length, false).initialTsn;
    pair.client.resetStreams([1]);
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 1 });
    pair.client.handleDatagram(buildPacket(7, 5000, pair.client.localTag, [encodeReconfig([encodeReconfigResponse(seq, ReconfigResult.DENIED)])]));
    expect(pair.clientLog.events).toEqual([{ name: 'sctp-stream-reset', args: [[1], ReconfigResult.DENIED] }]);
    pair.time.run(pair.time.now() + 3000);
    expect(dataOnWire(pair, 'c2s').map((d) => [d.first, d.ssn])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(pair.client.stats()).toMatchObject({ resetsFailed: 1, resetsPerformed: 0 });
  });
});

describe('deferred reset on the receiver (RFC 6525 §5.2.2)', () => {
  /** A DATA chunk (B and E set) by hand. */
  function dataChunk(tsn: number, stream: number, ssn: number, payload: number): Uint8Array {
    const c = new Uint8Array(17);
    c.set([0, 3, 0, 17, tsn >>> 24, (tsn >>> 16) & 0xff, (tsn >>> 8) & 0xff, tsn & 0xff, stream >> 8, stream & 0xff, ssn >> 8, ssn & 0xff, 0, 0, 0, 0, payload]);
    return c;
  }

  it('holds ordered data above the last assigned TSN from a sender that does not wait, and sequences it after the reset', () => {
    // The server's answers are captured and kept from the real client (whose TSNs these are not).
    const answers: Uint8Array[] = [];
    const script: LinkScript = (dir, _i, p) => {
      if (dir === 's2c' && chunksOf(p).some((c) => c.type === ChunkType.RE_CONFIG || c.type === ChunkType.SACK)) {
        answers.push(p);
        return 'drop';
      }
      return 'pass';
    };
    const pair = new SctpPair({ client: on, server: on, script }).connect();
    const initChunk = chunksOf(pair.wire.c2s[0])[0];
    const i0 = decodeInit(initChunk.value, 0, initChunk.value.length, false).initialTsn;
    const tsn = (k: number) => (i0 + k) >>> 0;
    const inject = (chunks: Uint8Array[]) => pair.server!.handleDatagram(buildPacket(5000, 7, pair.server!.localTag, chunks));
    const results = () =>
      answers
        .flatMap(chunksOf)
        .filter((c) => c.type === ChunkType.RE_CONFIG)
        .flatMap((c) => decodeReconfig(c.value, 0, c.value.length))
        .map((r) => (r.kind === 'response' ? r.result : -1));
    const got = () => pair.serverLog.messages.map((m) => m.data[0]);
    inject([dataChunk(tsn(0), 1, 0, 0xa0)]);
    // Reset stream 1 after TSN i0+1, which is still missing.
    inject([encodeReconfig([encodeOutgoingSsnReset(i0, (i0 - 1) >>> 0, tsn(1), [1])])]);
    expect(results()).toEqual([ReconfigResult.IN_PROGRESS]);
    // New numbering (SSN 0) above the last assigned TSN: held, not dropped as a stale SSN.
    inject([dataChunk(tsn(2), 1, 0, 0xb0), dataChunk(tsn(3), 2, 0, 0xc0)]);
    expect(got()).toEqual([0xa0, 0xc0]);
    // The missing TSN arrives: it is delivered, the reset is performed, then the held message follows.
    inject([dataChunk(tsn(1), 1, 1, 0xa1)]);
    expect(got()).toEqual([0xa0, 0xc0, 0xa1, 0xb0]);
    inject([dataChunk(tsn(4), 1, 1, 0xb1)]);
    expect(got()).toEqual([0xa0, 0xc0, 0xa1, 0xb0, 0xb1]);
    // The retransmitted request is answered as performed.
    inject([encodeReconfig([encodeOutgoingSsnReset(i0, (i0 - 1) >>> 0, tsn(1), [1])])]);
    expect(results()).toEqual([ReconfigResult.IN_PROGRESS, ReconfigResult.PERFORMED]);
    expect(pair.server!.stats()).toMatchObject({ peerResetsPerformed: 1 });
  });
});

describe('stream reset and shutdown', () => {
  it('a graceful shutdown waits for the reset and sends the messages it held (nothing lost)', () => {
    const loss = loseFirstReconfig('c2s');
    const pair = new SctpPair({ client: on, server: on, script: loss.script }).connect();
    pair.client.sendMessage!(Uint8Array.of(1), { stream: 1 });
    pair.client.resetStreams([1]);
    pair.client.sendMessage!(Uint8Array.of(2), { stream: 1 });
    pair.client.end();
    pair.time.run(pair.time.now() + 10_000);
    expect(loss.lost).toBe(1);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([1, 2]);
    expect(dataOnWire(pair, 'c2s').map((d) => d.ssn)).toEqual([0, 0]);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
    expect(pair.serverLog.remoteEnded).toBe(1);
  });
});

describe('stream resets under loss, duplication and reordering', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every message arrives exactly once, in order per stream, across repeated resets`, () => {
      const rnd = new SeededRandom(seed * 7919);
      const script: LinkScript = () => {
        const x = rnd.float();
        return x < 0.08 ? 'drop' : x < 0.11 ? 'dup' : 'pass';
      };
      const pair = new SctpPair({ client: on, server: on, script, jitter: 15, seed }).connect();
      const sent: number[][] = [[], [], []];
      let n = 0;
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 40; i++) {
          const stream = 1 + (rnd.uint32() % 2);
          const id = n++;
          const msg = new Uint8Array(1 + (rnd.uint32() % 3000));
          msg[0] = id & 0xff;
          msg[1] = id >> 8;
          sent[stream].push(id);
          pair.client.sendMessage!(msg, { stream });
        }
        pair.client.resetStreams(round % 3 === 2 ? [] : [1 + (round % 2)]);
        pair.time.run(pair.time.now() + 50 + (rnd.uint32() % 400));
      }
      pair.time.run(pair.time.now() + 120_000);
      const got = (s: number) => pair.serverLog.messages.filter((m) => m.info.stream === s).map((m) => m.data[0] | (m.data[1] << 8));
      expect(got(1)).toEqual(sent[1]);
      expect(got(2)).toEqual(sent[2]);
      // Requests for one stream resets are merged while one is outstanding; each ended "Performed".
      expect(pair.clientLog.events.length).toBeGreaterThan(1);
      expect(pair.clientLog.events.every((e) => e.name === 'sctp-stream-reset' && e.args[1] === ReconfigResult.PERFORMED)).toBe(true);
      const st = pair.client.stats() as Record<string, number>;
      expect(st.resetsPerformed).toBe(pair.clientLog.events.length);
      expect(pair.server!.stats()).toMatchObject({ peerResetsPerformed: st.resetsPerformed });
      expect(pair.client.state).toBe('ESTABLISHED');
    });
  }
});

describe('stream reset through createStack on the simulator', () => {
  it('2 MB over streams 1 and 2 with resets of stream 1 under 2 % loss: SHA-256 per stream matches, the event reaches the Connection', async () => {
    const s = await simSctp({ bandwidth: '50Mbit', delay: '10ms', loss: 0.02 }, 5, { streamReset: true });
    const assoc = s.conn.session as SctpAssociation;
    const events: unknown[][] = [];
    s.conn.on('sctp-stream-reset', (...args: unknown[]) => events.push(args));
    const sent = [createHash('sha256'), createHash('sha256'), createHash('sha256')];
    const recv = [createHash('sha256'), createHash('sha256'), createHash('sha256')];
    let received = 0;
    s.serverConn.on('message', (d: Uint8Array, info: MessageInfo) => {
      recv[info.stream].update(d);
      received += d.length;
    });
    s.serverConn.resume();
    const rnd = new SeededRandom(11);
    let total = 0;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 64; i++) {
        const stream = 1 + (i & 1);
        const msg = new Uint8Array(4096);
        for (let k = 0; k < msg.length; k += 4) {
          const v = rnd.uint32();
          msg[k] = v;
          msg[k + 1] = v >>> 8;
          msg[k + 2] = v >>> 16;
          msg[k + 3] = v >>> 24;
        }
        sent[stream].update(msg);
        total += msg.length;
        s.conn.send(msg, { stream });
      }
      s.conn.resetStreams([1]);
      await s.net.run({ for: '300ms' });
    }
    await s.net.run({ for: '120s' });
    expect(received).toBe(total);
    expect(recv[1].digest('hex')).toBe(sent[1].digest('hex'));
    expect(recv[2].digest('hex')).toBe(sent[2].digest('hex'));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e[1] === ReconfigResult.PERFORMED)).toBe(true);
    expect((assoc.stats() as Record<string, number>).resetsPerformed).toBe(events.length);
    await s.close();
  });

  it('Connection.resetStreams: ERR_NOT_SUPPORTED on a transport without stream reset', async () => {
    const { createStack } = await import('../../../../core/index.js');
    const { SimNetwork } = await import('../../../../core/sim/index.js');
    const net = new SimNetwork({ seed: 1 });
    const a = net.host('10.0.0.1');
    const b = net.host('10.0.0.2');
    net.link(a, b, { bandwidth: '10Mbit', delay: '5ms' });
    const cfg = { encapsulation: 'gue', security: 'none', transport: 'datagram' } as const;
    const server = await createStack(cfg, { substrate: b });
    const client = await createStack(cfg, { substrate: a });
    await server.listen({ host: '10.0.0.2', port: 6080 });
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    expect(() => conn.resetStreams([1])).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
    await client.close();
    await server.close();
  });
});
