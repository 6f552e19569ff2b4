/**
 * The shared reliable-stream compliance suite run against `sctp` (issue 7):
 * over GUE, inside DTLS, and with I-DATA. SCTP has no half-close
 * (RFC 9260 §9.2), which the suite is told with `halfClose: false`.
 */
import { describeReliableStreamCompliance } from '../../../../core/testing/reliable-stream.js';
import sctp from '../../../../plugins/transport/sctp/index.js';
import reno from '../../../../plugins/congestion/reno/index.js';

const stackOptions = { plugins: [sctp, reno] };
const psk = { identity: 'compliance', key: '00112233445566778899aabbccddeeff' };

describeReliableStreamCompliance('sctp', () => ({ transport: 'sctp', congestion: 'reno' }), { stackOptions, halfClose: false });
describeReliableStreamCompliance(
  'sctp inside DTLS',
  () => ({ encapsulation: 'gue', security: { use: 'dtls', options: { psk } }, transport: 'sctp', congestion: 'cubic' }),
  { stackOptions, halfClose: false },
);
describeReliableStreamCompliance(
  'sctp with I-DATA',
  () => ({ transport: { use: 'sctp', options: { interleaving: true } }, congestion: 'reno' }),
  { stackOptions, halfClose: false },
);
