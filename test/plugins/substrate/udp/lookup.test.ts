/**
 * The UDP substrate's resolver: IP literals are answered in the same call
 * (no process.nextTick per unconnected send), names go to dns.lookup.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, it, expect } from 'vitest';
import { literalLookup } from '../../../../plugins/substrate/udp/lookup.js';
import { UdpSubstrate } from '../../../../plugins/substrate/udp/index.js';

describe('literalLookup', () => {
  it('answers IPv4 and IPv6 literals synchronously with their family', () => {
    const answers: [string, number][] = [];
    literalLookup('127.0.0.1', 4, (err, address, family) => {
      expect(err).toBeNull();
      answers.push([address, family]);
    });
    literalLookup('::1', 6, (_err, address, family) => answers.push([address, family]));
    expect(answers).toEqual([
      ['127.0.0.1', 4],
      ['::1', 6],
    ]);
  });

  it('hands a host name to dns.lookup (answered later, not in the call)', async () => {
    let answered = false;
    const done = new Promise<[string, number]>((resolve, reject) =>
      literalLookup('localhost', 4, (err, address, family) => {
        answered = true;
        if (err) reject(err);
        else resolve([address, family]);
      }),
    );
    expect(answered).toBe(false);
    const [address, family] = await done;
    expect(family).toBe(4);
    expect(address).toMatch(/^127\./);
  });

  it('lets an unconnected dgram socket send to a literal address on loopback', async () => {
    const rx = createSocket('udp4');
    rx.bind(0, '127.0.0.1');
    await once(rx, 'listening');
    const tx = createSocket({ type: 'udp4', lookup: literalLookup });
    // With a synchronous lookup, 'listening' may come within bind(): listen before binding.
    await new Promise<void>((resolve) => tx.bind(0, '127.0.0.1', resolve));
    const got = once(rx, 'message');
    tx.send(Buffer.from('hello'), rx.address().port, '127.0.0.1');
    const [msg, rinfo] = (await got) as [Buffer, { port: number }];
    expect(msg.toString()).toBe('hello');
    expect(rinfo.port).toBe(tx.address().port);
    tx.close();
    rx.close();
  });
});

describe('UdpSubstrate unconnected sends', () => {
  it('a listening socket answers a peer by address (the server path of every ACK)', async () => {
    const substrate = new UdpSubstrate();
    const server = await substrate.bind({ host: '127.0.0.1', port: 0 });
    const client = await substrate.bind({ host: '127.0.0.1', port: 0, connect: server.address() });
    const atClient: string[] = [];
    const echoed = new Promise<void>((resolve) =>
      client.onDatagram((d) => {
        atClient.push(Buffer.from(d).toString());
        resolve();
      }),
    );
    server.onDatagram((d, from) => server.send([Buffer.from('re:'), d], from));
    client.send([Buffer.from('ping')]);
    await echoed;
    expect(atClient).toEqual(['re:ping']);
    await client.close();
    await server.close();
  });
});
