/**
 * GUE + DTLS 1.2 (PSK) + sctp with 16 KiB writes: the same message size as
 * the `werift-datachannel` baseline, so the two compare like with like
 * (sctp fragments each message into DATA chunks, as werift does).
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK, stackConfig } from '../lib/stack-api.js';
import { WERIFT_MESSAGE_SIZE } from './werift-datachannel.js';

/** GUE + DTLS + sctp throughput with 16 KiB writes. */
export const gueDtlsSctp16k = stackThroughputCase({
  name: 'gue-dtls-sctp-16k',
  tags: ['udp', 'gue', 'dtls', 'sctp', 'stack', 'werift'],
  description: 'GUE + DTLS (PSK) + sctp, reno, 16 KiB writes (the werift-datachannel message size)',
  config: stackConfig('gue', DTLS_PSK, 'sctp', 'reno'),
  writeSize: WERIFT_MESSAGE_SIZE,
});
