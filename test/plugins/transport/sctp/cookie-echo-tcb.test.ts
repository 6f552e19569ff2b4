/**
 * A COOKIE ECHO for an association that already exists (RFC 9260 §5.2.4,
 * Table 2): the cookie's tags compared with the association's decide
 * between restart (A, see collision.test.ts), a collision where the peer
 * picked a new tag (B), a late cookie (C) and a duplicate (D); any other
 * combination is discarded.
 * The peer is scripted: its cookies are sealed with the receiving
 * endpoint's own secret, as its INIT ACK would have carried them.
 */
import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf } from './harness.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { encodeChunk } from '../../../../plugins/transport/sctp/chunks/control.js';
import { encodeInit } from '../../../../plugins/transport/sctp/chunks/init.js';
import { encodeSack } from '../../../../plugins/transport/sctp/chunks/sack.js';
import type { CookieState } from '../../../../plugins/transport/sctp/cookie.js';
import { buildPacket, packetVtag } from '../../../../plugins/transport/sctp/packet.js';
import type { SctpProtocol } from '../../../../plugins/transport/sctp/protocol.js';

const SERVER = { address: '10.0.0.2', family: 'IPv4' as const, port: 9899 };
const CLIENT = { address: '10.0.0.1', family: 'IPv4' as const, port: 40000 };
const NEW_PEER_TAG = 0x0badf00d;

/** A State Cookie sealed by `proto` for `peer`, as its INIT ACK would have carried it (client side ports by default). */
function cookieFor(proto: SctpProtocol, peer: typeof SERVER, now: number, tags: Partial<CookieState>): Uint8Array {
  return proto.sealCookie(
    {
      created: now,
      lifespan: 60_000,
      localTag: 0,
      peerTag: 0,
      localInitialTsn: 1000,
      peerInitialTsn: 5000,
      peerArwnd: 100_000,
      outboundStreams: 10,
      inboundStreams: 10,
      forwardTsn: false,
      iData: false,
      streamReset: false,
      zeroChecksum: false,
      peerPort: 7,
      localPort: 5000,
      localTieTag: 0,
      peerTieTag: 0,
      ...tags,
    },
    peer,
  );
}

const cookieEcho = (cookie: Uint8Array): Uint8Array => encodeChunk(ChunkType.COOKIE_ECHO, 0, cookie);
const typesOf = (ps: readonly Uint8Array[]): number[] => ps.flatMap((p) => chunksOf(p).map((c) => c.type));

/** A connected pair whose client→server direction can be cut: the client's packets are then captured, not delivered. */
function cuttablePair(): { pair: SctpPair; client: SctpAssociation; cut: () => void; sent: Uint8Array[] } {
  let cut = false;
  const sent: Uint8Array[] = [];
  const script = (dir: 'c2s' | 's2c', _i: number, p: Uint8Array): 'drop' | 'pass' => (cut && dir === 'c2s' ? (sent.push(p), 'drop') : 'pass');
  const pair = new SctpPair({ client: { heartbeatInterval: 0 }, script }).connect();
  return { pair, client: pair.client, cut: () => void (cut = true), sent };
}

describe('COOKIE ECHO when a TCB exists (RFC 9260 §5.2.4, Table 2)', () => {
  describe('action B: our tag, a new peer tag (M, X, A, A)', () => {
    it('while ESTABLISHED: updates the peer tag, answers COOKIE ACK with it, and stays ESTABLISHED', () => {
      const { pair, client, cut, sent } = cuttablePair();
      cut();
      const cookie = cookieFor(pair.clientProto, SERVER, pair.time.now(), {
        localTag: client.localTag,
        peerTag: NEW_PEER_TAG,
        localTieTag: client.localTag,
        peerTieTag: client.peerTag,
      });
      pair.arriveAtClient(buildPacket(7, 5000, client.localTag, [cookieEcho(cookie)]));
      expect(client.peerTag).toBe(NEW_PEER_TAG);
      expect(client.stats().state).toBe('ESTABLISHED');
      expect(sent.map((p) => [packetVtag(p), ...chunksOf(p).map((c) => c.type)])).toEqual([[NEW_PEER_TAG, ChunkType.COOKIE_ACK]]);
      expect(pair.clientLog.opened).toBe(1);
      expect(pair.clientLog.closed).toBe(0);
    });

    it('keeps the data in flight, the TSNs and the receive side: only the tag on outgoing packets changes', () => {
      const { pair, client, cut, sent } = cuttablePair();
      cut();
      client.sendMessage!(new Uint8Array(300).fill(1), { stream: 1 });
      client.sendMessage!(new Uint8Array(300).fill(2), { stream: 2 });
      const firstTsns = sent.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.DATA).map((c) => c.tsn);
      expect(firstTsns.length).toBe(2);
      expect(sent.every((p) => packetVtag(p) === pair.server!.localTag)).toBe(true);
      sent.length = 0;
      const streams = [client.outStreams, client.inStreams];

      // The cookie names other initial TSNs and stream counts: action B takes only the peer's tag from it.
      const cookie = cookieFor(pair.clientProto, SERVER, pair.time.now(), {
        localTag: client.localTag,
        peerTag: NEW_PEER_TAG,
        outboundStreams: 1,
        inboundStreams: 1,
      });
      pair.arriveAtClient(buildPacket(7, 5000, client.localTag, [cookieEcho(cookie)]));
      expect(client.stats()).toMatchObject({ state: 'ESTABLISHED' });
      expect([client.outStreams, client.inStreams]).toEqual(streams);

      // Inbound: the server's next DATA (its TSNs go on from before) is delivered, and SACKed with the new tag.
      pair.server!.sendMessage!(Uint8Array.of(7, 7, 7), { stream: 3 });
      pair.time.run(pair.time.now() + 500);
      expect(pair.clientLog.messages.at(-1)?.info.stream).toBe(3);
      expect([...pair.clientLog.messages.at(-1)!.data]).toEqual([7, 7, 7]);

      // Outbound: T3-rtx retransmits the same TSNs, now with the new tag.
      pair.time.run(pair.time.now() + 3000);
      const rtx = sent.filter((p) => chunksOf(p).some((c) => c.type === ChunkType.DATA));
      expect(rtx.length).toBeGreaterThan(0);
      expect([...new Set(rtx.flatMap((p) => chunksOf(p)).filter((c) => c.type === ChunkType.DATA).map((c) => c.tsn))]).toEqual(firstTsns);
      expect(typesOf(sent)).toContain(ChunkType.SACK);
      expect(sent.every((p) => packetVtag(p) === NEW_PEER_TAG)).toBe(true);

      // The peer acknowledges them: nothing is left outstanding, nothing failed.
      pair.arriveAtClient(buildPacket(7, 5000, client.localTag, [encodeSack(firstTsns[1]!, 100_000, [], [])]));
      expect(client.bufferedAmount).toBe(0);
      expect(pair.clientLog.closed).toBe(0);
    });

    it('in COOKIE-ECHOED: enters ESTABLISHED with the cookie’s peer tag and stops T1-cookie', () => {
      const sent: Uint8Array[] = [];
      const pair = new SctpPair({ script: (dir, _i, p) => (dir === 'c2s' ? (sent.push(p), 'drop') : 'pass') });
      pair.start();
      const initAck = encodeInit(
        { initiateTag: 0x1111, arwnd: 65536, outboundStreams: 10, maxInboundStreams: 10, initialTsn: 77, forwardTsn: false, cookie: new Uint8Array(16).fill(7) },
        true,
      );
      pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [initAck]));
      expect(pair.client.stats().state).toBe('COOKIE-ECHOED');
      // The peer's own INIT, sent after it answered ours, carried a new tag; it echoes our INIT ACK's cookie.
      const cookie = cookieFor(pair.clientProto, SERVER, pair.time.now(), { localTag: pair.client.localTag, peerTag: 0x2222 });
      sent.length = 0;
      pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [cookieEcho(cookie)]));
      expect(pair.client.stats().state).toBe('ESTABLISHED');
      expect(pair.client.peerTag).toBe(0x2222);
      expect(pair.clientLog.opened).toBe(1);
      expect(sent.map((p) => [packetVtag(p), ...chunksOf(p).map((c) => c.type)])).toEqual([[0x2222, ChunkType.COOKIE_ACK]]);
      pair.time.run(pair.time.now() + 10_000);
      expect(typesOf(sent)).not.toContain(ChunkType.COOKIE_ECHO);
    });
  });

  describe('action C: a late cookie (X, M, 0, 0)', () => {
    it('is silently discarded; the association keeps its state and tags', () => {
      const pair = new SctpPair().connect();
      const server = pair.server!;
      const stale = 0x5eed5eed;
      const cookie = cookieFor(pair.serverProto, CLIENT, pair.time.now(), { localTag: stale, peerTag: server.peerTag, localPort: 7, peerPort: 5000 });
      const before = pair.wire.s2c.length;
      pair.arriveAtServer(buildPacket(5000, 7, stale, [cookieEcho(cookie)]));
      expect(pair.serverUnmatchedDrops.sctp_cookie_mismatch).toBe(1);
      expect(pair.wire.s2c.length).toBe(before);
      expect(pair.server).toBe(server);
      expect(server.stats().state).toBe('ESTABLISHED');
    });
  });

  describe('a combination not in Table 2', () => {
    it('(X, M, M, M), a restart cookie that keeps the peer’s old tag, is discarded, not taken as a restart', () => {
      const pair = new SctpPair().connect();
      const server = pair.server!;
      const tag = 0x7e577e57;
      const cookie = cookieFor(pair.serverProto, CLIENT, pair.time.now(), {
        localTag: tag,
        peerTag: server.peerTag,
        localTieTag: server.localTag,
        peerTieTag: server.peerTag,
        localPort: 7,
        peerPort: 5000,
      });
      pair.arriveAtServer(buildPacket(5000, 7, tag, [cookieEcho(cookie)]));
      expect(pair.serverUnmatchedDrops.sctp_cookie_mismatch).toBe(1);
      expect(pair.server).toBe(server);
      expect(pair.serverLog.closed).toBe(0);
    });
  });

  describe('action D: both tags match (M, M, A, A)', () => {
    it('answers COOKIE ACK and changes nothing', () => {
      const pair = new SctpPair().connect();
      const server = pair.server!;
      const peerTag = server.peerTag;
      const cookie = cookieFor(pair.serverProto, CLIENT, pair.time.now(), { localTag: server.localTag, peerTag, localPort: 7, peerPort: 5000 });
      const before = pair.wire.s2c.length;
      pair.arriveAtServer(buildPacket(5000, 7, server.localTag, [cookieEcho(cookie)]));
      expect(chunksOf(pair.wire.s2c[before]).map((c) => c.type)).toEqual([ChunkType.COOKIE_ACK]);
      expect(packetVtag(pair.wire.s2c[before])).toBe(peerTag);
      expect(server.peerTag).toBe(peerTag);
      expect(server.stats().state).toBe('ESTABLISHED');
      expect(pair.serverLog.opened).toBe(1);
    });
  });
});
