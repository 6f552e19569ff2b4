/**
 * What a receiver that delivers messages whole can hold (RFC 9260 §6.2,
 * §6.9; RFC 8260 for I-DATA). There is no partial delivery: a message is
 * handed to the application only once its last fragment arrived, so one it
 * cannot hold must end the association at once with errors naming the
 * limit on both sides, never stall until the sender gives up.
 */
import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf, pattern } from './harness.js';
import { ChunkType, FLAG_B, FLAG_E } from '../../../../plugins/transport/sctp/chunk-types.js';
import { writeIData } from '../../../../plugins/transport/sctp/chunks/idata.js';
import { PacketWriter } from '../../../../plugins/transport/sctp/packet.js';
import {
  SctpAbortedError,
  SctpMessageTooLargeError,
  SctpReceiveWindowExhaustedError,
} from '../../../../plugins/transport/sctp/errors.js';

const MIB = 1024 * 1024;

/** Send `size` bytes as one message from the client; run a minute; report what each side saw, times from the send. */
function sendOne(pair: SctpPair, size: number, stream = 0): { elapsedServer: number; elapsedClient: number } {
  const t0 = pair.time.now();
  pair.client.sendMessage!(pattern(size, 3), { stream });
  pair.time.run(t0 + 60_000);
  return { elapsedServer: pair.serverLog.closedAt - t0, elapsedClient: pair.clientLog.closedAt - t0 };
}

describe('a message larger than the receiver can hold', () => {
  for (const interleaving of [false, true]) {
    const kind = interleaving ? 'I-DATA' : 'DATA';
    it(`fails fast with ERR_SCTP_MESSAGE_TOO_LARGE on the receiver and an ABORT naming maxMessageSize at the sender (${kind})`, () => {
      // The reviewer's case: a 64 KiB write against receiveWindow 60000 (now with maxMessageSize 60000, as the schema requires).
      const pair = new SctpPair({ client: { interleaving }, server: { interleaving, receiveWindow: 60_000, maxMessageSize: 60_000 } }).connect();
      const t = sendOne(pair, 65_536);
      expect(pair.serverLog.messages).toEqual([]);
      const err = pair.serverLog.closeError as SctpMessageTooLargeError;
      expect(err).toBeInstanceOf(SctpMessageTooLargeError);
      expect(err).toMatchObject({ code: 'ERR_SCTP_MESSAGE_TOO_LARGE', limit: 60_000 });
      expect(err.size).toBeGreaterThan(60_000);
      expect(err.message).toMatch(/maxMessageSize \(60000 bytes\)/);
      const peer = pair.clientLog.closeError as SctpAbortedError;
      expect(peer).toBeInstanceOf(SctpAbortedError);
      expect(peer.causes).toEqual([13]); // Protocol Violation, with the limit as its Additional Information (§3.3.10.13)
      expect(peer.message).toMatch(/exceeds the receiver's maxMessageSize \(60000 bytes\)/);
      // Within a few round trips (20 ms here), not after Association.Max.Retrans timeouts (63 s before).
      expect(t.elapsedServer).toBeLessThan(500);
      expect(t.elapsedClient).toBeLessThan(500);
    });
  }

  it('fails as fast when it is larger than the whole receive window (2 MB against the default 1 MiB)', () => {
    const pair = new SctpPair({ client: { maxMessageSize: 4 * MIB, receiveWindow: 4 * MIB } }).connect();
    const t = sendOne(pair, 2_000_000);
    expect(pair.serverLog.closeError).toMatchObject({ code: 'ERR_SCTP_MESSAGE_TOO_LARGE', limit: 256 * 1024 });
    expect(pair.clientLog.closeError).toMatchObject({ code: 'ERR_SCTP_ABORTED', causes: [13] });
    expect(t.elapsedClient).toBeLessThan(1000);
    // The ABORT went out once the window was full: one window of data, not 2 MB.
    expect(pair.server!.stats().dataBytesReceived as number).toBeLessThan(1.1 * MIB);
  });
});

describe('messages the receiver can hold', () => {
  for (const interleaving of [false, true]) {
    it(`delivers a message as large as the receive window whole (${interleaving ? 'I-DATA' : 'DATA'})`, () => {
      const pair = new SctpPair({ client: { interleaving }, server: { interleaving, receiveWindow: 60_000, maxMessageSize: 60_000 } }).connect();
      sendOne(pair, 60_000);
      expect(pair.serverLog.closeError).toBeUndefined();
      expect(pair.serverLog.messages.length).toBe(1);
      expect(Buffer.compare(Buffer.from(pair.serverLog.messages[0].data), Buffer.from(pattern(60_000, 3)))).toBe(0);
      expect(pair.server!.stats().rwnd).toBe(60_000);
    });
  }

  it('delivers interleaved messages that together exceed the window: the sender starts no more than the window holds (I-DATA)', () => {
    const on = { interleaving: true };
    const pair = new SctpPair({ client: on, server: on }).connect();
    const msgs = Array.from({ length: 6 }, (_, s) => pattern(256 * 1024, 10 + s));
    msgs.forEach((m, s) => pair.client.sendMessage!(m, { stream: s }));
    pair.time.run(pair.time.now() + 60_000);
    expect(pair.serverLog.closeError).toBeUndefined();
    expect(pair.serverLog.messages.map((m) => m.info.stream).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const m of pair.serverLog.messages) expect(Buffer.compare(Buffer.from(m.data), Buffer.from(msgs[m.info.stream]))).toBe(0);
    // Still interleaved: four started together (4 × 256 KiB is the 1 MiB window); the fifth once one of them was fragmented to its end.
    const idata = pair.wire.c2s.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.I_DATA);
    const tsnOf = (c: { value: Uint8Array }): number => Buffer.from(c.value).readUInt32BE(0);
    const starts = [...new Map(idata.filter((c) => (c.flags & FLAG_B) !== 0).map((c) => [tsnOf(c), c])).keys()].sort((a, b) => a - b);
    const firstEnd = Math.min(...idata.filter((c) => (c.flags & FLAG_E) !== 0).map(tsnOf));
    expect(starts.length).toBe(6);
    expect(starts[3]).toBeLessThan(firstEnd);
    expect(starts[4]).toBeGreaterThan(firstEnd);
  });
});

describe('incomplete messages filling the window', () => {
  it('end the association with ERR_SCTP_RECEIVE_WINDOW_EXHAUSTED and Out of Resource, not a stall (a peer that interleaves without bound)', () => {
    const on = { interleaving: true };
    const pair = new SctpPair({ client: on, server: { ...on, receiveWindow: 10_000, maxMessageSize: 6000 } }).connect();
    const s = pair.server!;
    const tsn0 = pair.client.initialTsn;
    const w = new PacketWriter(1500);
    const send = (tsn: number, flags: number, stream: number, fsn: number, size: number): void => {
      w.begin(5000, 7, s.localTag);
      writeIData(w, flags, tsn, stream, 0, flags & FLAG_B ? 0 : fsn, new Uint8Array(size).fill(stream + 1));
      s.handleDatagram(w.finish());
    };
    // First fragments of three messages on three streams: 9000 of the 10000 bytes, all of them incomplete.
    for (let k = 0; k < 3; k++) send(tsn0 + k, FLAG_B, k, 0, 3000);
    expect(pair.serverLog.closed).toBe(0);
    // The next fragment (no gap below it) cannot fit, and reading frees nothing.
    send(tsn0 + 3, 0, 0, 1, 1100);
    const err = pair.serverLog.closeError as SctpReceiveWindowExhaustedError;
    expect(err).toBeInstanceOf(SctpReceiveWindowExhaustedError);
    expect(err).toMatchObject({ code: 'ERR_SCTP_RECEIVE_WINDOW_EXHAUSTED', limit: 10_000 });
    expect(err.message).toMatch(/receiveWindow \(10000 bytes\)/);
    // The ABORT carries Out of Resource (the client itself sent none of these TSNs, so the wire tells, not its log).
    const abort = chunksOf(pair.wire.s2c[pair.wire.s2c.length - 1]).find((c) => c.type === ChunkType.ABORT);
    expect(abort !== undefined && [...abort.value.subarray(0, 4)]).toEqual([0, 4, 0, 4]);
    expect(new SctpAbortedError([4]).message).toMatch(/causes: 4 Out of Resource/);
  });

  it('wait for the application instead when complete messages it has not read fill the window', () => {
    const pair = new SctpPair({ server: { receiveWindow: 16_000, maxMessageSize: 16_000 } }).connect();
    pair.serverLog.accept = false;
    for (let i = 0; i < 40; i++) pair.client.sendMessage!(pattern(3000, i), { stream: 0 });
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.closed).toBe(0);
    expect(pair.server!.stats().drops).toMatchObject({ sctp_rwnd_full: expect.any(Number) });
    pair.serverLog.accept = true;
    pair.server!.resume();
    pair.time.run(pair.time.now() + 30_000);
    expect(pair.serverLog.messages.length).toBe(40);
  });
});
