import { describeReliableStreamCompliance } from '../../../../core/testing/reliable-stream.js';
import { describeTransportCompliance } from '../../../../core/testing/transport.js';
import tcpPlugin from '../../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../../plugins/congestion/reno/index.js';

const stackOptions = { plugins: [tcpPlugin, renoPlugin] };

describeReliableStreamCompliance('tcp', () => ({ encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' }), {
  stackOptions,
});
describeTransportCompliance('tcp', { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' }, { stackOptions });

const psk = { identity: 'compliance', key: '00112233445566778899aabbccddeeff' };
describeReliableStreamCompliance(
  'tcp inside DTLS',
  () => ({ encapsulation: 'gue', security: { use: 'dtls', options: { psk } }, transport: 'tcp', congestion: 'cubic' }),
  {},
);
describeReliableStreamCompliance('tcp directly in UDP (no GUE)', () => ({ encapsulation: 'none', transport: 'tcp', congestion: 'reno' }), {});
