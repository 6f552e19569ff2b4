/**
 * The demo's stream protocol (byte count, data, 32-byte SHA-256 reply) on
 * the deterministic simulator and on in-memory streams: it must not depend
 * on half-close (SCTP has none) and must report failures instead of
 * swallowing them.
 */
import { Buffer } from 'node:buffer';
import { Duplex } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { sendAndVerify, serveDigest } from '../../../core/cli/demo.js';
import type { StackConfig } from '../../../core/composition/config.js';
import type { Connection } from '../../../core/connection/connection.js';
import { simPair } from '../../../core/testing/transport.js';

const PSK = { identity: 'demo-test', key: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' };

async function simTransfer(config: StackConfig, bytes: number): Promise<{ digest: string; remote: string }> {
  const p = await simPair(config);
  try {
    const srv = await p.server.listen({ host: '10.0.0.2', port: 6080 });
    const served = new Promise<void>((resolve, reject) => srv.once('connection', (c: Connection) => serveDigest(c).then(resolve, reject)));
    const conn = await p.net.runUntil(p.client.connect({ host: '10.0.0.2', port: 6080 }));
    const result = await p.net.runUntil(sendAndVerify(conn, bytes));
    await p.net.runUntil(served);
    return result;
  } finally {
    await p.close();
  }
}

/** An in-memory stream: `written` collects what the code under test writes; `fail` makes every write fail. */
function memoryStream(options: { fail?: Error } = {}): { stream: Duplex; written: Buffer[] } {
  const written: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (options.fail) callback(options.fail);
      else {
        written.push(chunk);
        callback();
      }
    },
  });
  return { stream, written };
}

function header(n: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeBigUInt64BE(BigInt(n));
  return h;
}

describe('tou demo stream protocol', () => {
  it.each([
    ['sctp', { transport: 'sctp' }],
    ['tcp', { transport: 'tcp' }],
    ['dtls + sctp', { security: { use: 'dtls', options: { psk: PSK } }, transport: 'sctp' }],
  ] satisfies [string, StackConfig][])('completes with matching digests over %s on the simulator', async (_name, config) => {
    const r = await simTransfer(config, 300_001);
    expect(r.remote).toMatch(/^[0-9a-f]{64}$/);
    expect(r.remote).toBe(r.digest);
  });

  it('completes with matching digests for zero bytes over sctp on the simulator', async () => {
    const r = await simTransfer({ transport: 'sctp' }, 0);
    expect(r.digest).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(r.remote).toBe(r.digest);
  });

  it('serveDigest rejects when writing the digest fails', async () => {
    const boom = Object.assign(new Error('cannot send in state SHUTDOWN-RECEIVED'), { code: 'ERR_SCTP_SHUTDOWN' });
    const { stream } = memoryStream({ fail: boom });
    const served = serveDigest(stream);
    stream.push(Buffer.concat([header(3), Buffer.from('abc')]));
    await expect(served).rejects.toBe(boom);
  });

  it('serveDigest hashes exactly the announced bytes and rejects extra ones', async () => {
    const { stream, written } = memoryStream();
    const served = serveDigest(stream);
    // The header split across chunks, then the data.
    stream.push(header(3).subarray(0, 5));
    stream.push(Buffer.concat([header(3).subarray(5), Buffer.from('ab')]));
    stream.push(Buffer.from('c'));
    await new Promise<void>((resolve) => stream.once('finish', () => resolve()));
    expect(Buffer.concat(written).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    stream.push(Buffer.from('d'));
    await expect(served).rejects.toMatchObject({ code: 'ERR_DEMO_PROTOCOL' });
  });

  it('serveDigest rejects when the client ends before sending the announced bytes', async () => {
    const { stream } = memoryStream();
    const served = serveDigest(stream);
    stream.push(Buffer.concat([header(10), Buffer.from('abc')]));
    stream.push(null);
    await expect(served).rejects.toMatchObject({ code: 'ERR_DEMO_PROTOCOL', message: expect.stringContaining('3 of 10') });
  });

  it('sendAndVerify rejects when the stream ends before the digest', async () => {
    const { stream, written } = memoryStream();
    const sent = sendAndVerify(stream, 5);
    stream.push(Buffer.alloc(16));
    stream.push(null);
    await expect(sent).rejects.toMatchObject({ code: 'ERR_DEMO_PROTOCOL', message: expect.stringContaining('16 of the 32') });
    expect(Buffer.concat(written).subarray(0, 8)).toEqual(header(5));
  });

  it('sendAndVerify rejects when a write fails', async () => {
    const boom = new Error('write failed');
    const { stream } = memoryStream({ fail: boom });
    await expect(sendAndVerify(stream, 100)).rejects.toBe(boom);
  });
});
