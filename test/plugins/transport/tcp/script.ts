/**
 * Packetdrill-style scripting for one TCP session: inject segments from a
 * scripted peer at chosen virtual times and inspect what the session sends.
 *
 * @module
 */
import { expect } from 'vitest';
import type { CongestionControllerFactory } from '../../../../core/contracts/congestion.js';
import { SeededRandom } from '../../../../core/random/random.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { tcpOptionsSchema } from '../../../../plugins/transport/tcp/config.js';
import type { TcpConfig } from '../../../../plugins/transport/tcp/config.js';
import { writeTcpChecksum } from '../../../../plugins/transport/tcp/checksum.js';
import { emptyTcpHeader, parseTcpHeader, serializeTcpHeader, TcpFlags } from '../../../../plugins/transport/tcp/header.js';
import type { TcpOptionsInit } from '../../../../plugins/transport/tcp/options.js';
import { TcpSession } from '../../../../plugins/transport/tcp/session.js';
import type { TcpSessionHooks } from '../../../../plugins/transport/tcp/session.js';
import { Endpoint, VirtualTime } from './harness.js';
import type { WireLike, WireSegment } from './harness.js';

/** Flags shorthand. */
export const F = TcpFlags;

/** A segment the scripted peer sends. */
export interface Inject {
  flags: number;
  seq: number;
  ack?: number;
  window?: number;
  payload?: Uint8Array | number;
  options?: Partial<TcpOptionsInit>;
  /** Send with a wrong checksum. */
  badChecksum?: boolean;
}

const LOCAL = new Uint8Array([10, 0, 0, 1]);
const PEER = new Uint8Array([10, 0, 0, 2]);

/** One session under test with a scripted peer (local 10.0.0.1:40000, peer 10.0.0.2:6080). */
export class Script implements WireLike {
  readonly vt = new VirtualTime();
  readonly ep: Endpoint;
  readonly session: TcpSession;
  /** Segments the session sent, oldest first (consumed by {@link Script.next}). */
  readonly sent: WireSegment[] = [];
  /** Every segment sent. */
  readonly all: WireSegment[] = [];
  readonly ccFactory: CongestionControllerFactory;

  constructor(role: 'client' | 'server', cfg: Partial<TcpConfig> = {}, cc: CongestionControllerFactory = renoFactory(), hooks?: TcpSessionHooks) {
    this.ccFactory = cc;
    this.ep = new Endpoint(
      role,
      role,
      { address: '10.0.0.1', family: 'IPv4', port: 40000 },
      { address: '10.0.0.2', family: 'IPv4', port: 6080 },
      1452,
      this.vt,
      this.vt,
      new SeededRandom(42),
      this,
    );
    this.session = new TcpSession(this.ep, { role, localPort: 40000, remotePort: 6080 }, tcpOptionsSchema.parse(cfg), hooks);
    this.ep.session = this.session;
  }

  /** WireLike: capture. */
  transmit(_from: Endpoint, bytes: Uint8Array): void {
    const header = parseTcpHeader(bytes, emptyTcpHeader());
    header.options.sack = header.options.sack.slice();
    const s = { time: this.vt.now(), from: 'session', bytes, header, length: bytes.length - header.headerLength };
    this.sent.push(s);
    this.all.push(s);
  }

  /** Build a segment from the peer. */
  build(i: Inject): Uint8Array {
    const o: TcpOptionsInit | undefined =
      i.options === undefined
        ? undefined
        : { mss: -1, wscale: -1, sackPermitted: false, hasTimestamps: false, tsVal: 0, tsEcr: 0, sackCount: 0, sack: [], ...i.options };
    const h = serializeTcpHeader({
      srcPort: 6080,
      dstPort: 40000,
      seq: i.seq,
      ack: i.ack ?? 0,
      flags: i.flags,
      window: i.window ?? 65535,
      options: o,
    });
    const payload = typeof i.payload === 'number' ? new Uint8Array(i.payload).fill(0x61) : (i.payload ?? new Uint8Array(0));
    writeTcpChecksum(PEER, LOCAL, [h, payload]);
    if (i.badChecksum) h[17] ^= 1;
    const seg = new Uint8Array(h.length + payload.length);
    seg.set(h);
    seg.set(payload, h.length);
    return seg;
  }

  /** Inject now. */
  inject(i: Inject): void {
    this.session.handleDatagram(this.build(i));
  }

  /** Advance virtual time. */
  advance(ms: number): void {
    this.vt.advance(ms);
  }

  /** The next segment the session sent (fails if none). */
  next(): WireSegment {
    const s = this.sent.shift();
    expect(s, 'expected the session to send a segment').toBeDefined();
    return s as WireSegment;
  }

  /** Assert that nothing more was sent. */
  none(): void {
    expect(this.sent.map((s) => `${s.header.flags}:${s.header.seq}:${s.length}`)).toEqual([]);
  }

  /** Drop captured segments. */
  clear(): void {
    this.sent.length = 0;
  }
}

/** The scripted peer's initial sequence number. */
export const PEER_ISN = 5000;

/**
 * A client session established against a scripted peer (MSS 1000, SACK and timestamps unless
 * turned off), with `peerAck(ack, extra)` to send the peer's ACKs.
 */
export function established(opts: { sack?: boolean; ts?: boolean; mss?: number; window?: number; wscale?: number } = {}, cfg = {}, cc?: CongestionControllerFactory) {
  const s = new Script('client', cfg, cc);
  s.session.start();
  const syn = s.next();
  const iss = syn.header.seq;
  s.advance(100);
  const ts = opts.ts ?? true;
  s.inject({
    flags: F.SYN | F.ACK,
    seq: PEER_ISN,
    ack: iss + 1,
    window: opts.window ?? 65535,
    options: {
      mss: opts.mss ?? 1000,
      sackPermitted: opts.sack ?? true,
      wscale: opts.wscale ?? -1,
      hasTimestamps: ts,
      tsVal: 777,
      tsEcr: syn.header.options.tsVal,
    },
  });
  const ack = s.next();
  expect(ack.header.flags).toBe(F.ACK);
  let peerTs = 800;
  const rcvNxt = PEER_ISN + 1;
  /** An ACK from the peer. */
  const peerAck = (ack: number, extra: Partial<Inject> = {}): void => {
    const last = s.all[s.all.length - 1];
    s.inject({
      flags: F.ACK,
      seq: rcvNxt,
      ack,
      window: extra.window ?? opts.window ?? 65535,
      options: ts ? { hasTimestamps: true, tsVal: peerTs++, tsEcr: last.header.options.tsVal, ...extra.options } : extra.options,
      ...extra,
      ...(ts || extra.options ? { options: { hasTimestamps: ts, tsVal: peerTs, tsEcr: last.header.options.tsVal, ...extra.options } } : {}),
    });
  };
  return { s, iss, data: iss + 1, peerAck };
}
