/**
 * Every benchmark case, one per file in this folder, re-exported for the
 * registry in `run.ts`.
 *
 * @module
 */
export { udpRaw } from './udp-raw.js';
export { gueDatagram } from './gue-datagram.js';
export { gueTcp } from './gue-tcp.js';
export { gueTcpCubic } from './gue-tcp-cubic.js';
export { gueDtlsTcp, gueDtlsTcpNode } from './gue-dtls-tcp.js';
export { gueSctp } from './gue-sctp.js';
export { gueDtlsSctp } from './gue-dtls-sctp.js';
export { gueDtlsSctp16k, gueDtlsSctp16kNode } from './gue-dtls-sctp-16k.js';
export { weriftDatachannel } from './werift-datachannel.js';
export { dtlsHandshake } from './dtls-handshake.js';
export { tcpIdleHeap } from './tcp-idle-heap.js';
export { simSpeed } from './sim-speed.js';
export { ccSim } from './cc-sim.js';
export { ccTable } from './cc-table.js';
