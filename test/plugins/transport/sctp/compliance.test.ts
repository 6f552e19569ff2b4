/**
 * The shared compliance suites run against `sctp` (over GUE, NewReno), and
 * the message-transport suite's unreliable subset against `datagram`.
 */
import { describeMessageTransportCompliance } from '../../../../core/testing/message-transport.js';
import { describeTransportCompliance } from '../../../../core/testing/transport.js';
import sctp from '../../../../plugins/transport/sctp/index.js';
import reno from '../../../../plugins/congestion/reno/index.js';

const stackOptions = { plugins: [sctp, reno] };

describeMessageTransportCompliance('sctp', () => ({ transport: 'sctp', congestion: 'reno' }), {
  reliable: true,
  multistream: true,
  partialReliability: true,
  maxMessage: 9000,
  stackOptions,
});

describeMessageTransportCompliance('sctp with I-DATA', () => ({ transport: { use: 'sctp', options: { interleaving: true } }, congestion: 'reno' }), {
  reliable: true,
  multistream: true,
  partialReliability: true,
  maxMessage: 9000,
  stackOptions,
});

describeTransportCompliance('sctp', { transport: 'sctp', congestion: 'reno' }, { stackOptions });

describeMessageTransportCompliance('datagram', () => ({ transport: 'datagram' }), { maxMessage: 1000 });
