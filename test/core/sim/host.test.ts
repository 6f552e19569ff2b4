import { describe, it, expect } from 'vitest';
import type { PeerAddress } from '../../../core/contracts/address.js';
import type { Substrate } from '../../../core/contracts/substrate.js';
import { SimNetwork } from '../../../core/sim/index.js';
import { numbered, pair, seqOf } from './helpers.js';

describe('SimHost as a Substrate', () => {
  it('exposes the virtual clock, a virtual timer service and a seeded random source', async () => {
    const net = new SimNetwork({ seed: 5 });
    const sub: Substrate = net.host('10.0.0.1');
    expect(sub.kind).toBe('sim');
    const env = sub.environment!;
    await net.run({ until: 123 });
    expect(env.clock.now()).toBe(123);
    const again = new SimNetwork({ seed: 5 }).host('10.0.0.1').environment!;
    expect(env.random.uint32()).toBe(again.random.uint32());
    const other = new SimNetwork({ seed: 6 }).host('10.0.0.1').environment!;
    expect(new SimNetwork({ seed: 5 }).host('10.0.0.1').random.uint32()).not.toBe(other.random.uint32());
  });

  it('binds ephemeral ports from 49152 and refuses ports in use or foreign addresses', async () => {
    const net = new SimNetwork();
    const h = net.host('192.0.2.1');
    const a = await h.bind({ host: '192.0.2.1', port: 0 });
    const b = await h.bind({ host: '0.0.0.0', port: 0 });
    expect(a.address()).toEqual({ address: '192.0.2.1', family: 'IPv4', port: 49152 });
    expect(b.address().port).toBe(49153);
    await expect(h.bind({ host: '192.0.2.1', port: 49152 })).rejects.toMatchObject({ code: 'ERR_SIM_ADDR_IN_USE' });
    await expect(h.bind({ host: '192.0.2.9', port: 1 })).rejects.toMatchObject({ code: 'ERR_SIM_ADDR_NOT_AVAILABLE' });
    await a.close();
    await expect(h.bind({ host: '192.0.2.1', port: 49152 })).resolves.toBeDefined();
  });

  it('copies datagrams at send time (the sender may reuse its buffers) and concatenates parts', async () => {
    const p = await pair({ delay: 5 });
    const header = new Uint8Array([1, 2]);
    const body = new Uint8Array([3, 4, 5]);
    p.tx.send([header, body], p.rx.address());
    header.fill(0);
    body.fill(0);
    await p.net.runUntilIdle();
    expect([...p.arrivals[0].data]).toEqual([1, 2, 3, 4, 5]);
    expect(p.tx.stats()).toMatchObject({ datagramsSent: 1, bytesSent: 5 });
    expect(p.rx.stats()).toMatchObject({ datagramsReceived: 1, bytesReceived: 5 });
  });

  it('delivers synchronously inside the event, with the sender\u2019s address as `from`', async () => {
    const p = await pair({ delay: 7 });
    p.send(numbered(1));
    await p.net.runUntilIdle();
    expect(p.arrivals[0].time).toBe(7);
    expect(p.arrivals[0].from).toEqual(p.tx.address());
  });

  it('a connected socket sends to its peer and only accepts datagrams from it; misuse is counted, never thrown', async () => {
    const net = new SimNetwork();
    net.link('10.0.0.1', '10.0.0.2', { delay: 1 });
    net.link('10.0.0.3', '10.0.0.2', { delay: 1 });
    const server = await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 443 });
    const stranger = await net.host('10.0.0.3').bind({ host: '10.0.0.3', port: 443 });
    const client = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 0, connect: server.address() });
    const got: number[] = [];
    client.onDatagram((d) => got.push(seqOf(d)));
    server.onDatagram((d, from) => server.send([d], from));
    client.send([numbered(1)]);
    stranger.send([numbered(2)], client.address());
    client.send([numbered(3)], stranger.address());
    expect(client.stats().sendErrors).toEqual({ wrong_peer: 1 });
    await net.runUntilIdle();
    expect(got).toEqual([1]);
    expect(net.direction('10.0.0.3', '10.0.0.2')).toBeDefined();
    expect(net.stats().noRoute).toBe(1); // 10.0.0.3 has no link to 10.0.0.1
    const unconnected = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 0 });
    unconnected.send([numbered(4)]);
    expect(unconnected.stats()).toMatchObject({ datagramsSent: 0, sendErrors: { no_destination: 1 } });
  });

  it('hosts without a link cannot talk: no_route, counted on the socket and the network', async () => {
    const events: string[] = [];
    const net = new SimNetwork({ onEvent: (e) => events.push(`${e.type}:${e.reason ?? ''}:${e.link}`) });
    const a = await net.host('10.0.0.1').bind({ host: '10.0.0.1', port: 1 });
    await net.host('10.0.0.2').bind({ host: '10.0.0.2', port: 1 });
    a.send([numbered(1)], { address: '10.0.0.2', family: 'IPv4', port: 1 });
    a.send([numbered(2)], { address: '10.9.9.9', family: 'IPv4', port: 1 });
    expect(a.stats().sendErrors).toEqual({ no_route: 2 });
    expect(net.stats().noRoute).toBe(2);
    expect(events).toEqual(['drop:no_route:10.0.0.1>10.0.0.2', 'drop:no_route:10.0.0.1>10.9.9.9']);
  });

  it('drops datagrams to unbound ports and after close', async () => {
    const p = await pair({ delay: 1 });
    p.tx.send([numbered(1)], { ...p.rx.address(), port: 1234 });
    await p.net.runUntilIdle();
    expect(p.link.ab.stats().dropped).toEqual({ port_unreachable: 1 });
    await p.tx.close();
    p.send(numbered(2));
    expect(p.tx.stats().sendErrors).toEqual({ closed: 1 });
  });

  it('loops back datagrams a host sends to itself', async () => {
    const net = new SimNetwork();
    const h = net.host('10.0.0.1');
    const a = await h.bind({ host: '10.0.0.1', port: 1 });
    const b = await h.bind({ host: '10.0.0.1', port: 2 });
    const got: PeerAddress[] = [];
    b.onDatagram((_, from) => got.push(from));
    a.send([numbered(1)], b.address());
    await net.runUntilIdle();
    expect(got).toEqual([a.address()]);
  });
});

describe('NAT rebinding', () => {
  it('after a port rebind the peer sees a new source port; replies to the old port are lost', async () => {
    const p = await pair({ delay: 5 });
    const replies: number[] = [];
    p.tx.onDatagram((d) => replies.push(seqOf(d)));
    let lastFrom: PeerAddress | undefined;
    const old = p.tx.address();
    p.rx.onDatagram((d, from) => {
      p.arrivals.push({ time: p.net.now, data: d, from });
      p.rx.send([d], from);
      if (lastFrom !== undefined) p.rx.send([numbered(100 + seqOf(d))], lastFrom);
      lastFrom = from;
    });
    p.send(numbered(1));
    await p.net.run({ until: 20 });
    p.net.rebind(p.net.host('10.0.0.1'), { port: 40000 });
    p.send(numbered(2));
    await p.net.runUntilIdle();
    expect(p.arrivals.map((a) => a.from)).toEqual([old, { address: '10.0.0.1', family: 'IPv4', port: 40000 }]);
    expect(replies).toEqual([1, 2]);
    expect(p.link.ba.stats().dropped).toEqual({ port_unreachable: 1 });
    expect(p.tx.address()).toEqual(old); // the local address is unchanged behind the NAT
  });

  it('after an address rebind the peer sees the new address and can answer it', async () => {
    const p = await pair({ delay: 5 });
    const replies: number[] = [];
    p.tx.onDatagram((d) => replies.push(seqOf(d)));
    p.rx.onDatagram((d, from) => {
      p.arrivals.push({ time: p.net.now, data: d, from });
      p.rx.send([d], from);
    });
    p.send(numbered(1));
    await p.net.run({ until: 3 });
    p.net.host('10.0.0.1').rebind({ address: '10.0.0.77' });
    p.send(numbered(2));
    await p.net.runUntilIdle();
    // Datagram 1 left before the rebind; its reply goes to the old address (no host there any more).
    expect(p.arrivals.map((a) => a.from.address)).toEqual(['10.0.0.1', '10.0.0.77']);
    expect(replies).toEqual([2]);
    expect(p.net.stats().noRoute).toBe(1);
    expect(p.net.host('10.0.0.77')).toBe(p.link.ab.from);
  });
});
