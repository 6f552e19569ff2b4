import { describeReliableStreamCompliance } from '../../../../core/testing/reliable-stream.js';
import { describeTransportCompliance } from '../../../../core/testing/transport.js';
import tcpPlugin from '../../../../plugins/transport/tcp/index.js';
import renoPlugin from '../../../../plugins/congestion/reno/index.js';

const stackOptions = { plugins: [tcpPlugin, renoPlugin] };

describeReliableStreamCompliance('tcp', () => ({ encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' }), {
  stackOptions,
});
describeTransportCompliance('tcp', { encapsulation: 'gue', security: 'none', transport: 'tcp', congestion: 'reno' }, { stackOptions });
