import { describe, it, expect } from 'vitest';
import { SctpPair, SideLog, chunksOf } from './harness.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { SctpPeerRestartedError } from '../../../../plugins/transport/sctp/errors.js';

const SERVER = { address: '10.0.0.2', family: 'IPv4' as const, port: 9899 };
const CLIENT = { address: '10.0.0.1', family: 'IPv4' as const, port: 40000 };

describe('initialization collision (RFC 9260 §5.2.1, §5.2.4)', () => {
  it('two endpoints sending INIT to each other at once end up in one association', () => {
    const pair = new SctpPair({ listening: false });
    const log = new SideLog();
    const other = pair.serverProto.createSession(pair.context('client', log, SERVER, CLIENT, 's2c'), {
      role: 'client',
      localPort: 7,
      remotePort: 5000,
    }) as SctpAssociation;
    pair.serverSessions.set(other.demuxKey, other);
    pair.client.start();
    other.start();
    pair.time.run(5000);
    expect(pair.clientLog.opened).toBe(1);
    expect(log.opened).toBe(1);
    expect(pair.client.peerTag).toBe(other.localTag);
    expect(other.peerTag).toBe(pair.client.localTag);
    pair.client.sendMessage!(Uint8Array.of(1, 2, 3), { stream: 1 });
    other.sendMessage!(Uint8Array.of(4, 5), { stream: 2 });
    pair.time.run(pair.time.now() + 1000);
    expect(log.messages.map((m) => [...m.data])).toEqual([[1, 2, 3]]);
    expect(pair.clientLog.messages.map((m) => [...m.data])).toEqual([[4, 5]]);
    // Each side answered the other's INIT with an INIT ACK carrying its own tag.
    expect(pair.wire.c2s.some((p) => chunksOf(p)[0]?.type === ChunkType.INIT_ACK)).toBe(true);
    expect(pair.wire.s2c.some((p) => chunksOf(p)[0]?.type === ChunkType.INIT_ACK)).toBe(true);
  });
});

describe('peer restart (RFC 9260 §5.2.2, §5.2.4 action A)', () => {
  it('a new INIT from the same ports gets new tags with tie-tags; the old association ends with SctpPeerRestartedError', () => {
    const pair = new SctpPair().connect();
    const old = pair.server!;
    // The client host "reboots": a fresh association from the same SCTP ports.
    const log = new SideLog();
    const fresh = pair.clientProto.createSession(pair.context('client', log, CLIENT, SERVER, 'c2s'), {
      role: 'client',
      localPort: 5000,
      remotePort: 7,
    }) as SctpAssociation;
    pair.clientSessions.set(fresh.demuxKey, fresh);
    fresh.start();
    pair.time.run(pair.time.now() + 2000);
    expect(log.opened).toBe(1);
    expect(pair.serverLog.closeError).toBeInstanceOf(SctpPeerRestartedError);
    expect(pair.server).not.toBe(old);
    expect(pair.server!.stats().state).toBe('ESTABLISHED');
    expect(pair.server!.localTag).not.toBe(old.localTag);
    fresh.sendMessage!(Uint8Array.of(9), { stream: 0 });
    pair.time.run(pair.time.now() + 1000);
    expect(pair.serverLog.messages.at(-1)?.data[0]).toBe(9);
  });
});
