/**
 * INIT and INIT ACK with an invalid mandatory parameter (RFC 9260 §3.3.2,
 * §3.3.3): zero outbound streams (OS), zero inbound streams (MIS) or a
 * zero Initiate Tag. The packet is discarded (and counted as
 * `sctp_bad_init`); an ABORT with an Invalid Mandatory Parameter cause
 * (§3.3.10.7) tells the sender why whenever there is a tag to send it with.
 */
import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf } from './harness.js';
import { ChunkType, FLAG_T } from '../../../../plugins/transport/sctp/chunk-types.js';
import { encodeInit, type InitFields } from '../../../../plugins/transport/sctp/chunks/init.js';
import { SctpProtocolViolationError } from '../../../../plugins/transport/sctp/errors.js';
import { buildPacket, packetVtag } from '../../../../plugins/transport/sctp/packet.js';
import { CauseCode } from '../../../../plugins/transport/sctp/params.js';

const TAG = 0x55667788;
const VALID: InitFields = { initiateTag: TAG, arwnd: 65536, outboundStreams: 10, maxInboundStreams: 10, initialTsn: 1, forwardTsn: false };
const INVALID: [string, Partial<InitFields>][] = [
  ['OS = 0', { outboundStreams: 0 }],
  ['MIS = 0', { maxInboundStreams: 0 }],
];

const init = (f: Partial<InitFields>): Uint8Array => encodeInit({ ...VALID, ...f }, false);
const initAck = (f: Partial<InitFields>): Uint8Array => encodeInit({ ...VALID, cookie: new Uint8Array(16).fill(7), ...f }, true);
/** The ABORT carrying one Invalid Mandatory Parameter cause, with its flags and the packet's tag. */
const invalidParamAbort = (vtag: number, flags = 0): unknown => ({
  vtag,
  type: ChunkType.ABORT,
  flags,
  value: [0, CauseCode.INVALID_MANDATORY_PARAMETER, 0, 4],
});
const seen = (p: Uint8Array): unknown => {
  const c = chunksOf(p)[0];
  return { vtag: packetVtag(p), type: c.type, flags: c.flags, value: [...c.value] };
};

describe('an INIT with an invalid mandatory parameter (RFC 9260 §3.3.2)', () => {
  it.each(INVALID)('%s: discarded, answered with ABORT (Initiate Tag, T bit clear, Invalid Mandatory Parameter)', (_name, f) => {
    const pair = new SctpPair();
    pair.arriveAtServer(buildPacket(5000, 7, 0, [init(f)]));
    expect(pair.wire.s2c.map(seen)).toEqual([invalidParamAbort(TAG)]);
    expect(pair.serverUnmatchedDrops).toEqual({ sctp_bad_init: 1 });
    expect(pair.server).toBeUndefined();
  });

  it('Initiate Tag = 0: silently discarded (there is no tag to answer with)', () => {
    const pair = new SctpPair();
    pair.arriveAtServer(buildPacket(5000, 7, 0, [init({ initiateTag: 0 })]));
    expect(pair.wire.s2c).toEqual([]);
    expect(pair.serverUnmatchedDrops).toEqual({ sctp_bad_init: 1 });
  });

  it.each(INVALID)('%s on an established association: ABORT with the INIT’s tag, the association is left as it was', (_name, f) => {
    const pair = new SctpPair().connect();
    const server = pair.server!;
    const tags = [server.localTag, server.peerTag];
    const before = pair.wire.s2c.length;
    pair.arriveAtServer(buildPacket(5000, 7, 0, [init(f)]));
    expect(pair.wire.s2c.slice(before).map(seen)).toEqual([invalidParamAbort(TAG)]);
    expect(pair.serverLog.drops.sctp_bad_init).toBe(1);
    expect(server.stats().state).toBe('ESTABLISHED');
    expect([server.localTag, server.peerTag]).toEqual(tags);
    pair.client.sendMessage!(Uint8Array.of(1, 2), { stream: 0 });
    pair.time.run(pair.time.now() + 500);
    expect(pair.serverLog.messages.map((m) => [...m.data])).toEqual([[1, 2]]);
  });
});

describe('an INIT ACK with an invalid mandatory parameter (RFC 9260 §3.3.3)', () => {
  /** A client in COOKIE-WAIT whose peer is scripted: its packets are captured, not delivered. */
  function cookieWait(): { pair: SctpPair; sent: Uint8Array[] } {
    const sent: Uint8Array[] = [];
    const pair = new SctpPair({ script: (dir, _i, p) => (dir === 'c2s' ? (sent.push(p), 'drop') : 'pass') });
    pair.start();
    sent.length = 0;
    return { pair, sent };
  }

  it.each(INVALID)('%s in COOKIE-WAIT: the association is destroyed after an ABORT with the INIT ACK’s tag', (_name, f) => {
    const { pair, sent } = cookieWait();
    pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [initAck(f)]));
    expect(sent.map(seen)).toEqual([invalidParamAbort(TAG)]);
    expect(pair.clientLog.drops.sctp_bad_init).toBe(1);
    expect(pair.clientLog.closeError).toBeInstanceOf(SctpProtocolViolationError);
    expect(pair.client.stats().state).toBe('CLOSED');
    // Nothing more: no COOKIE ECHO, no INIT retransmission.
    pair.time.run(pair.time.now() + 10_000);
    expect(sent.length).toBe(1);
  });

  it('Initiate Tag = 0 in COOKIE-WAIT: destroyed after an ABORT with the T bit set (our own tag reflected)', () => {
    const { pair, sent } = cookieWait();
    pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [initAck({ initiateTag: 0 })]));
    expect(sent.map(seen)).toEqual([invalidParamAbort(pair.client.localTag, FLAG_T)]);
    expect(pair.clientLog.closeError).toMatchObject({ code: 'ERR_SCTP_PROTOCOL_VIOLATION' });
  });

  it.each([...INVALID, ['Initiate Tag = 0', { initiateTag: 0 }] as [string, Partial<InitFields>]])(
    '%s once established: silently discarded (§5.2.3), the association carries on',
    (_name, f) => {
      const pair = new SctpPair().connect();
      const before = pair.wire.c2s.length;
      pair.arriveAtClient(buildPacket(7, 5000, pair.client.localTag, [initAck(f)]));
      expect(pair.wire.c2s.length).toBe(before);
      expect(pair.clientLog.drops.sctp_bad_init).toBe(1);
      expect(pair.client.stats().state).toBe('ESTABLISHED');
      expect(pair.clientLog.closed).toBe(0);
    },
  );
});
