/**
 * Wire format of stream reset checked by tshark's own SCTP dissector: a
 * real stack on loopback (GUE, Proto 132) with `streamReset` on resets a
 * stream, writes its capture, and tshark must read RE-CONFIG in Supported
 * Extensions, the Outgoing SSN Reset Request fields and the response,
 * every packet with a valid CRC32c and no expert error.
 */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { createStack, type Connection } from '../../../../core/index.js';
import type { MessageInfo } from '../../../../core/contracts/transport.js';
import sctpTransport from '../../../../plugins/transport/sctp/index.js';
import renoCongestion from '../../../../plugins/congestion/reno/index.js';
import type { SctpAssociation } from '../../../../plugins/transport/sctp/association.js';
import { runTshark, tsharkPresent, warnIfSkipped, SEVERITY_ERROR, suiteTempDir } from '../../../tools/wireshark/tshark.js';

warnIfSkipped('stream-reset-tshark.test');

describe.skipIf(!tsharkPresent)('stream reset in tshark (RFC 6525 wire format)', () => {
  const tmp = suiteTempDir('toukit-sctp-reset-');

  it('INIT lists RE-CONFIG, the request carries the stream, sequence number and last assigned TSN, the answer is Performed', async () => {
    const pcap = join(tmp(), 'reset.pcap');
    const config = { encapsulation: 'gue', security: 'none', transport: { use: 'sctp', options: { streamReset: true } }, congestion: 'reno' } as const;
    const stack = await createStack(config, { plugins: [sctpTransport, renoCongestion], pcap });
    let port = 0;
    const got: number[] = [];
    try {
      const server = await stack.listen({ host: '127.0.0.1', port: 0 });
      let arrived: () => void = () => {};
      server.on('connection', (c: Connection) => {
        c.on('message', (d: Uint8Array, info: MessageInfo) => {
          got.push(info.stream, d[0]);
          if (got.length === 6) arrived();
        });
        c.resume();
      });
      port = server.address().port;
      const conn = (await stack.connect({ host: '127.0.0.1', port })) as Connection;
      const done = new Promise<void>((resolve) => (arrived = resolve));
      const reset = new Promise<unknown[]>((resolve) => conn.once('sctp-stream-reset', (...args: unknown[]) => resolve(args)));
      conn.send(Uint8Array.of(1), { stream: 3 });
      (conn.session as SctpAssociation).resetStreams([3]);
      conn.send(Uint8Array.of(2), { stream: 3 });
      conn.send(Uint8Array.of(3), { stream: 3 });
      expect(await reset).toEqual([[3], 1]);
      await done;
    } finally {
      await stack.close();
    }
    expect(got).toEqual([3, 1, 3, 2, 3, 3]);
    const rows = runTshark(
      pcap,
      [
        'sctp.checksum.status',
        'sctp.chunk_type',
        'sctp.supported_chunk_type',
        'sctp.parameter_type',
        'sctp.parameter_reconfig_request_sequence_number',
        'sctp.parameter_reconfig_response_sequence_number',
        'sctp.parameter_senders_last_assigned_tsn',
        'sctp.parameter_reconfig_sid',
        'sctp.parameter_reconfig_response_result',
        'sctp.init_initial_tsn',
        'sctp.data_tsn_raw',
        'sctp.data_sid',
        'sctp.data_ssn',
        '_ws.expert.severity',
      ],
      ['-d', `udp.port==${port},gue`, '-o', 'sctp.checksum:CRC 32c', '-o', 'sctp.tsn_analysis:FALSE'],
    );
    for (const r of rows) {
      expect(r['sctp.checksum.status']).toBe('1');
      expect(r['_ws.expert.severity'].split(';')).not.toContain(SEVERITY_ERROR);
    }
    const init = rows.find((r) => r['sctp.chunk_type'].split(';')[0] === '1')!;
    expect(init['sctp.supported_chunk_type'].split(';')).toContain('130');
    const reconfig = rows.filter((r) => r['sctp.chunk_type'].split(';').includes('130'));
    const request = reconfig.find((r) => r['sctp.parameter_type'].split(';').map(Number).includes(13))!;
    const response = reconfig.find((r) => r['sctp.parameter_type'].split(';').map(Number).includes(16))!;
    // The request sequence number starts at the sender's Initial TSN; the last assigned TSN is that of message 1.
    const data = rows.filter((r) => r['sctp.data_tsn_raw'] !== '').flatMap((r) => {
      const tsns = r['sctp.data_tsn_raw'].split(';');
      const ssns = r['sctp.data_ssn'].split(';');
      return tsns.map((t, k) => ({ tsn: Number(t), ssn: Number(ssns[k]), sid: Number(r['sctp.data_sid'].split(';')[k]) }));
    });
    // A datagram may be captured twice (sent and received on the same stack): one entry per TSN.
    const clientData = data.filter((d, k) => d.sid === 3 && data.findIndex((e) => e.tsn === d.tsn) === k);
    expect(clientData.map((d) => d.ssn)).toEqual([0, 0, 1]);
    const initialTsn = Number(init['sctp.init_initial_tsn']);
    expect(Number(request['sctp.parameter_reconfig_request_sequence_number'])).toBe(initialTsn);
    expect(Number(request['sctp.parameter_senders_last_assigned_tsn'])).toBe(clientData[0].tsn);
    expect(request['sctp.parameter_reconfig_sid'].split(';').map(Number)).toEqual([3]);
    expect(Number(response['sctp.parameter_reconfig_response_sequence_number'])).toBe(initialTsn);
    expect(Number(response['sctp.parameter_reconfig_response_result'])).toBe(1);
  });
});
