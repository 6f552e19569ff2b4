import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, it, expect, afterEach } from 'vitest';
import { createStack, UdpSubstrate, type Connection, type Stack, type ControlMessage } from '../../../core/index.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function stack(config: Parameters<typeof createStack>[0], options?: Parameters<typeof createStack>[1]): Promise<Stack> {
  const s = await createStack(config, options);
  stacks.push(s);
  return s;
}

function nextMessage(conn: Connection): Promise<string> {
  return new Promise((resolve) => conn.once('data', (d: Buffer) => resolve(d.toString())));
}

async function echoServer(s: Stack, opts: { port?: number } = {}) {
  const srv = await s.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  srv.on('connection', (c) => c.pipe(c));
  return srv;
}

function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe('Stack on real UDP', () => {
  it('keeps serving while a raw socket sends it garbage, and counts the drops', async () => {
    const server = await stack({ transport: 'datagram' });
    const srv = await echoServer(server);
    const port = srv.address().port;
    const raw = createSocket('udp4');
    const garbage = [
      Buffer.from([]),
      Buffer.from([0x00]),
      Buffer.from([0x1f, 253, 0, 0]), // Hlen 31 past the end
      Buffer.from([0x00, 253, 0xff, 0xff]), // unknown flags
      Buffer.from([0x80, 253, 0, 0]), // variant 2
      Buffer.from([0x00, 6, 0, 0, 1, 2, 3]), // GUE for another protocol (TCP)
    ];
    for (let i = 0; i < 50; i++) for (const g of garbage) raw.send(g, port, '127.0.0.1');
    for (let i = 0; i < 200; i++) raw.send(Buffer.from(Array.from({ length: 1 + (i % 40) }, (_, j) => (i * 31 + j * 7) & 0xff)), port, '127.0.0.1');
    const client = await stack({ transport: 'datagram' });
    const conn = await client.connect({ host: '127.0.0.1', port });
    const reply = nextMessage(conn);
    conn.write('still alive');
    expect(await reply).toBe('still alive');
    await new Promise((r) => setTimeout(r, 50));
    raw.close();
    const drops = (server.stats() as { drops: Record<string, number> }).drops;
    const total = Object.values(drops).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(250);
    expect(Object.keys(drops).length).toBeGreaterThanOrEqual(4);
    expect(drops.unknown_proto).toBeGreaterThanOrEqual(50);
  });

  it('stack.close() leaves no open sockets or timers', async () => {
    await new Promise((r) => setTimeout(r, 20)); // let sockets of earlier tests finish closing
    const before = counts();
    const a = await createStack({ transport: 'datagram' });
    const b = await createStack({ transport: 'datagram' });
    const srv = await echoServer(a);
    const conn = await b.connect({ host: '127.0.0.1', port: srv.address().port });
    const reply = nextMessage(conn);
    conn.write('x');
    await reply;
    expect((counts().UDPWrap ?? 0) - (before.UDPWrap ?? 0)).toBe(2);
    await Promise.all([a.close(), b.close()]);
    // libuv reports a closed UDP handle until its close callback phase has run.
    for (let i = 0; i < 20 && (counts().UDPWrap ?? 0) > (before.UDPWrap ?? 0); i++) await new Promise((r) => setTimeout(r, 5));
    const after = counts();
    expect(after.UDPWrap ?? 0).toBe(before.UDPWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(conn.destroyed).toBe(true);
  });

  it('server.close() stops accepting while open connections go on', async () => {
    const server = await stack({ transport: 'datagram' });
    const srv = await echoServer(server);
    const port = srv.address().port;
    const client = await stack({ transport: 'datagram' });
    const c1 = await client.connect({ host: '127.0.0.1', port });
    let reply = nextMessage(c1);
    c1.write('before');
    expect(await reply).toBe('before');
    await srv.close();
    reply = nextMessage(c1);
    c1.write('after close');
    expect(await reply).toBe('after close');
    const c2 = await client.connect({ host: '127.0.0.1', port });
    c2.write('new peer');
    await new Promise((r) => setTimeout(r, 50));
    expect((server.stats() as { drops: Record<string, number> }).drops.no_listener).toBeGreaterThanOrEqual(1);
  });

  it('a write larger than the payload budget fails with ERR_PAYLOAD_TOO_LARGE', async () => {
    const server = await stack({ transport: 'datagram', mtu: 600 });
    const srv = await echoServer(server);
    const client = await stack({ transport: 'datagram', mtu: 600 });
    const conn = await client.connect({ host: '127.0.0.1', port: srv.address().port });
    expect(() => conn.send(new Uint8Array(597))).toThrowError(expect.objectContaining({ code: 'ERR_PAYLOAD_TOO_LARGE', limit: 596 }));
    const reply = nextMessage(conn);
    conn.send(new Uint8Array(596).fill(65));
    expect((await reply).length).toBe(596);
    conn.write(new Uint8Array(4000));
    const [err] = (await once(conn, 'error')) as [Error & { code: string }];
    expect(err.code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });

  it('two stacks share one substrate socket, demultiplexed by GUE Proto', async () => {
    const substrate = new UdpSubstrate();
    const a = await stack({ transport: { use: 'datagram', options: { proto: 253 } } }, { substrate });
    const b = await stack({ transport: { use: 'datagram', options: { proto: 254 } } }, { substrate });
    const sa = await a.listen({ host: '127.0.0.1', port: 0 });
    const sb = await b.listen({ host: '127.0.0.1', port: sa.address().port });
    expect(sb.address().port).toBe(sa.address().port);
    sa.on('connection', (c) => c.on('data', (d: Buffer) => c.write(`A:${d}`)));
    sb.on('connection', (c) => c.on('data', (d: Buffer) => c.write(`B:${d}`)));
    const ca = await (await stack({ transport: { use: 'datagram', options: { proto: 253 } } })).connect({ host: '127.0.0.1', port: sa.address().port });
    const cb = await (await stack({ transport: { use: 'datagram', options: { proto: 254 } } })).connect({ host: '127.0.0.1', port: sa.address().port });
    const ra = nextMessage(ca);
    const rb = nextMessage(cb);
    ca.write('1');
    cb.write('2');
    expect(await ra).toBe('A:1');
    expect(await rb).toBe('B:2');
  });

  it('a second stack whose datagrams another stack on the shared socket already takes is refused (ERR_ADDRESS_IN_USE)', async () => {
    const substrate = new UdpSubstrate();
    const psk = { identity: 'me', key: '00112233445566778899aabbccddeeff' };
    const a = await stack({ transport: 'tcp' }, { substrate });
    const sa = await a.listen({ host: '127.0.0.1', port: 0 });
    const port = sa.address().port;
    const sameTransport = await stack({ transport: 'tcp' }, { substrate });
    await expect(sameTransport.listen({ host: '127.0.0.1', port, transportPort: 81 })).rejects.toMatchObject({ code: 'ERR_ADDRESS_IN_USE' });
    const otherTransport = await stack({ transport: 'sctp' }, { substrate });
    await expect(otherTransport.listen({ host: '127.0.0.1', port })).resolves.toBeDefined();
    // Two secured stacks would both take every handshake datagram.
    const s1 = await stack({ security: { use: 'dtls', options: { psk } }, transport: 'datagram' }, { substrate });
    const s1srv = await s1.listen({ host: '127.0.0.1', port: 0 });
    const s2 = await stack({ security: { use: 'dtls', options: { psk } }, transport: { use: 'datagram', options: { proto: 254 } } }, { substrate });
    await expect(s2.listen({ host: '127.0.0.1', port: s1srv.address().port })).rejects.toMatchObject({ code: 'ERR_ADDRESS_IN_USE' });
  });

  it('server.close() frees the port: the same stack, or another on the shared substrate, can listen on it again at once', async () => {
    const substrate = new UdpSubstrate();
    const a = await stack({ transport: 'tcp' }, { substrate });
    const first = await a.listen({ host: '127.0.0.1', port: 0 });
    const port = first.address().port;
    await first.close();
    const again = await a.listen({ host: '127.0.0.1', port });
    expect(again.address().port).toBe(port);
    await again.close();
    const b = await stack({ transport: 'tcp' }, { substrate });
    expect((await b.listen({ host: '127.0.0.1', port })).address().port).toBe(port);
    const c = await stack({ transport: 'datagram' }); // its own substrate
    const other = await c.listen({ host: '127.0.0.1', port: 0 });
    const otherPort = other.address().port;
    await other.close();
    expect((await (await stack({ transport: 'datagram' })).listen({ host: '127.0.0.1', port: otherPort })).address().port).toBe(otherPort);
  });

  it('GUE control messages go to the control handler, never to a transport', async () => {
    const server = await stack({ transport: 'datagram' });
    const srv = await server.listen({ host: '127.0.0.1', port: 0 });
    let connections = 0;
    srv.on('connection', () => connections++);
    const got = new Promise<ControlMessage>((resolve) => server.once('control', resolve));
    const raw = createSocket('udp4');
    raw.send(Buffer.from([0x20, 0x07, 0x00, 0x00, 0xde, 0xad]), srv.address().port, '127.0.0.1');
    const msg = await got;
    raw.close();
    expect(msg.ctype).toBe(7);
    expect([...msg.payload]).toEqual([0xde, 0xad]);
    expect(connections).toBe(0);
  });

  it('connect() honours an AbortSignal', async () => {
    const client = await stack({ transport: 'datagram' });
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(client.connect({ host: '127.0.0.1', port: 9, signal: ac.signal })).rejects.toThrow('stop');
  });

  it('conn.stats() and stack.stats() are JSON-serialisable', async () => {
    const server = await stack({ transport: 'datagram' });
    const srv = await echoServer(server);
    const client = await stack({ transport: 'datagram' });
    const conn = await client.connect({ host: '127.0.0.1', port: srv.address().port });
    const reply = nextMessage(conn);
    conn.write('stats');
    await reply;
    const cs = JSON.parse(JSON.stringify(conn.stats())) as { transport: { datagramsSent: number } };
    expect(cs.transport.datagramsSent).toBe(1);
    const ss = JSON.parse(JSON.stringify(server.stats())) as { datagramsReceived: number; connections: number };
    expect(ss.datagramsReceived).toBe(1);
    expect(ss.connections).toBe(1);
  });

  it('stack.close() tells secured peers (DTLS close_notify leaves before the socket closes)', async () => {
    const psk = { identity: 'close-test', key: '00112233445566778899aabbccddeeff' };
    const config = { security: { use: 'dtls', options: { psk } }, transport: 'datagram' } as const;
    const server = await createStack(config);
    const srv = await echoServer(server);
    const client = await stack(config);
    const conn = await client.connect({ host: '127.0.0.1', port: srv.address().port });
    const reply = nextMessage(conn);
    conn.write('hi');
    expect(await reply).toBe('hi');
    const closed = once(conn, 'close');
    await server.close();
    await closed;
    expect(conn.destroyed).toBe(true);
  });
});
