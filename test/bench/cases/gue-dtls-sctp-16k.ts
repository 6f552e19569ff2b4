/**
 * GUE + DTLS 1.2 (PSK) + sctp with 16 KiB writes: the same message size as
 * the `werift-datachannel` baseline, so the two compare like with like
 * (sctp fragments each message into DATA chunks, as werift does). Two rows:
 * the `wasm` crypto provider (WebAssembly ChaCha20-Poly1305 records), on
 * which issue 7's target is judged, and the default `node` provider.
 *
 * @module
 */
import { stackThroughputCase } from '../lib/stack-case.js';
import { DTLS_PSK, DTLS_PSK_WASM, stackConfig } from '../lib/stack-api.js';
import { WERIFT_MESSAGE_SIZE } from './werift-datachannel.js';

/** GUE + DTLS + sctp throughput with 16 KiB writes, `crypto: 'wasm'`. */
export const gueDtlsSctp16k = stackThroughputCase({
  name: 'gue-dtls-sctp-16k',
  tags: ['udp', 'gue', 'dtls', 'sctp', 'stack', 'werift'],
  description: "GUE + DTLS (PSK, crypto 'wasm') + sctp, reno, 16 KiB writes (the werift-datachannel message size)",
  config: stackConfig('gue', DTLS_PSK_WASM, 'sctp', 'reno'),
  writeSize: WERIFT_MESSAGE_SIZE,
});

/** The same with the default `node` crypto provider (a cipher object per record). */
export const gueDtlsSctp16kNode = stackThroughputCase({
  name: 'gue-dtls-sctp-16k-node',
  tags: ['udp', 'gue', 'dtls', 'sctp', 'stack', 'werift'],
  description: "GUE + DTLS (PSK, crypto 'node', the default) + sctp, reno, 16 KiB writes",
  config: stackConfig('gue', DTLS_PSK, 'sctp', 'reno'),
  writeSize: WERIFT_MESSAGE_SIZE,
});
