/**
 * The UDP substrate socket's send path: a datagram in several parts leaves
 * as one buffer, the reused send buffer (one per process) is never
 * overwritten while libuv still holds it, host-name destinations keep the
 * list, and multi-part datagrams arrive intact over real loopback UDP.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpSocket } from '../../../../plugins/substrate/udp/socket.js';
import type { PeerAddress } from '../../../../core/contracts/address.js';

/** What a fake dgram socket was asked to send. */
interface SentCall {
  readonly data: Buffer | Uint8Array[];
  /** A copy of the bytes at the time of the call. */
  readonly bytes: Buffer;
}

/** A stand-in for a dgram Socket: records sends and reports a chosen libuv send-queue count. */
class FakeDgram extends EventEmitter {
  readonly calls: SentCall[] = [];
  /** The queue count reported after the next sends (libuv holding the buffer when > 0). */
  queueCount = 0;

  address(): { address: string; family: string; port: number } {
    return { address: '127.0.0.1', family: 'IPv4', port: 4000 };
  }

  send(data: Buffer | Uint8Array[]): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.calls.push({ data, bytes });
  }

  getSendQueueCount(): number {
    return this.queueCount;
  }
}

const REMOTE: PeerAddress = { address: '127.0.0.1', family: 'IPv4', port: 5000 };

function parts(...values: number[][]): Uint8Array[] {
  return values.map((v) => Uint8Array.from(v));
}

describe('UdpSocket send', () => {
  it('sends a datagram given in parts as one buffer with the parts in order', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    s.send(parts([1, 2], [3], [4, 5, 6]));
    expect(fake.calls).toHaveLength(1);
    expect(Array.isArray(fake.calls[0].data)).toBe(false);
    expect([...fake.calls[0].bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.stats().bytesSent).toBe(6);
  });

  it('reuses the send buffer while every send completes at once', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    s.send(parts([1], [2]));
    s.send(parts([3], [4]));
    const [a, b] = fake.calls.map((c) => c.data as Buffer);
    expect(a.buffer).toBe(b.buffer);
  });

  it('passes the same view again for datagrams of the same length, a new one when the length changes', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    s.send(parts([1], [2, 3]));
    s.send(parts([4], [5, 6]));
    s.send(parts([7], [8]));
    const [a, b, c] = fake.calls.map((x) => x.data as Buffer);
    expect(b).toBe(a);
    expect([...fake.calls[1].bytes]).toEqual([4, 5, 6]);
    expect(c).not.toBe(a);
    expect(c.length).toBe(2);
    expect([...fake.calls[2].bytes]).toEqual([7, 8]);
  });

  it('never overwrites a buffer libuv still holds: the next datagram gets a new one', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    fake.queueCount = 1; // the kernel could not take it at once: libuv queued it
    s.send(parts([1, 1], [1, 1]));
    fake.queueCount = 0;
    s.send(parts([2, 2], [2, 2]));
    const held = fake.calls[0].data as Buffer;
    expect([...held]).toEqual([1, 1, 1, 1]);
    expect(fake.calls[1].data).not.toBe(held);
    expect((fake.calls[1].data as Buffer).buffer).not.toBe(held.buffer);
  });

  it('shares one send buffer between the sockets of a process, and never one that libuv holds for another socket', () => {
    const fa = new FakeDgram();
    const fb = new FakeDgram();
    const a = new UdpSocket(fa as unknown as Socket, REMOTE);
    const b = new UdpSocket(fb as unknown as Socket, REMOTE);
    a.send(parts([1], [1]));
    b.send(parts([2], [2]));
    expect((fb.calls[0].data as Buffer).buffer).toBe((fa.calls[0].data as Buffer).buffer);
    fa.queueCount = 1; // a's datagram waits in libuv's queue, in the shared buffer
    a.send(parts([3, 3], [3, 3]));
    b.send(parts([4, 4], [4, 4]));
    const held = fa.calls[1].data as Buffer;
    expect((fb.calls[1].data as Buffer).buffer).not.toBe(held.buffer);
    expect([...held]).toEqual([3, 3, 3, 3]);
  });

  it('passes a single-part datagram through without copying', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    const only = Uint8Array.of(9, 9, 9);
    s.send([only]);
    const sent = fake.calls[0].data as Uint8Array[];
    expect(sent[0]).toBe(only);
  });

  it('keeps the list for an unconnected send to a host name (resolved later, asynchronously)', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, undefined);
    s.send(parts([1], [2]), { address: 'localhost', family: 'IPv4', port: 5000 });
    expect(Array.isArray(fake.calls[0].data)).toBe(true);
    s.send(parts([1], [2]), { address: '127.0.0.1', family: 'IPv4', port: 5000 });
    expect(Array.isArray(fake.calls[1].data)).toBe(false);
  });

  it('grows the send buffer for a datagram larger than it', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    const big = new Uint8Array(9000).fill(7);
    s.send([Uint8Array.of(1), big]);
    expect(fake.calls[0].bytes.length).toBe(9001);
    expect(fake.calls[0].bytes[9000]).toBe(7);
  });

  it('after growing, makes its views of the new buffer, even for a length sent before', () => {
    const fake = new FakeDgram();
    const s = new UdpSocket(fake as unknown as Socket, REMOTE);
    s.send(parts([1], [2, 3]));
    // Larger than anything sent before in this file (the send buffer is one per process).
    s.send([Uint8Array.of(4), new Uint8Array(60_000).fill(5)]);
    s.send(parts([6], [7, 8]));
    const [small, big, again] = fake.calls.map((c) => c.data as Buffer);
    expect(big.buffer).not.toBe(small.buffer);
    expect(again.buffer).toBe(big.buffer);
    expect([...fake.calls[2].bytes]).toEqual([6, 7, 8]);
  });
});

describe('UdpSocket over real loopback UDP', () => {
  const open: Socket[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  it('delivers 2,000 multi-part datagrams intact and in content', async () => {
    const rx = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    open.push(rx);
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    const got: Buffer[] = [];
    const all = new Promise<void>((resolve) => {
      rx.on('message', (m) => {
        got.push(m);
        if (got.length === 2000) resolve();
      });
    });
    const tx = createSocket('udp4');
    await new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => tx.connect(rx.address().port, '127.0.0.1', () => r()));
    const s = new UdpSocket(tx, { address: '127.0.0.1', family: 'IPv4', port: rx.address().port });
    for (let i = 0; i < 2000; i++) {
      const header = Uint8Array.of(i >> 8, i & 0xff);
      const body = new Uint8Array(100 + (i % 900)).fill(i & 0xff);
      s.send([header, body]);
      if (i % 32 === 31) await new Promise((r) => setImmediate(r));
    }
    await all;
    await s.close();
    const seen = new Set<number>();
    for (const m of got) {
      const i = (m[0] << 8) | m[1];
      seen.add(i);
      expect(m.length).toBe(2 + 100 + (i % 900));
      expect(m.subarray(2).every((b) => b === (i & 0xff))).toBe(true);
    }
    expect(seen.size).toBe(2000);
  });
});
