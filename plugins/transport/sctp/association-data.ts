/**
 * The data path of an association (RFC 9260 §6): built once setup agreed
 * on its parameters (the Receiver, the congestion controller with the
 * §7.2 initial values, the Sender, stream reconfiguration), user messages
 * into it (§6.1 checks, messages sent before ESTABLISHED, holds while a
 * stream is being reset, RFC 6525 §5.1.2), the send buffer bound and the
 * writable notification, and the bundling of control chunks, SACK,
 * FORWARD TSN and DATA into each packet (§6.10).
 *
 * Plain functions over the {@link SctpAssociation}: they hold no state of
 * their own and allocate nothing per packet.
 *
 * @module
 */
import type { SendOptions } from '../../../core/contracts/transport.js';
import { PayloadTooLargeError, StateError, ToukitError } from '../../../core/errors.js';
import type { Timer } from '../../../core/time/clock.js';
import type { SctpAssociation } from './association.js';
import { COMMON_HEADER_SIZE, DATA_HEADER_SIZE, I_DATA_HEADER_SIZE } from './chunk-types.js';
import { SctpInvalidStreamError } from './errors.js';
import type { OutMessage } from './out-types.js';
import { Receiver } from './receiver.js';
import { StreamReset, streamResetHost } from './reconfig.js';
import { Sender } from './sender.js';
import type { Negotiated } from './setup.js';
import { traceMetrics } from './trace.js';

/** Build the data path of `a` once both sides agreed (COOKIE ACK, or a valid COOKIE ECHO), hand it the messages sent before, and enter ESTABLISHED. */
export function establishDataPath(a: SctpAssociation, n: Negotiated): void {
  const { peerInitialTsn: peerTsn, peerArwnd, outStreams, inStreams, forwardTsn: fwd, iData } = n;
  a.peerTag = n.peerTag;
  a.peerArwnd = peerArwnd;
  a.outStreams = outStreams;
  a.inStreams = inStreams;
  a.forwardTsnOk = fwd;
  a.iDataOk = iData;
  a.pk.tag = a.peerTag;
  // RFC 9653 §5.1: zero checksums once the peer announced it takes them under DTLS
  // (INIT and COOKIE ECHO go out through sendControl, always with a CRC32c).
  a.pk.zeroChecksum = n.zeroChecksum;
  const ctx = a.ctx;
  const timer = (cb: () => void): Timer => ctx.timers.createTimer(cb);
  a.rx = new Receiver(peerTsn, inStreams, a.opts, a, timer, a.mtu);
  const mss = a.mtu - COMMON_HEADER_SIZE;
  const cc = ctx.createCongestionController(mss, a.rto, {
    // RFC 9260 §7.2.1: initial cwnd = min(4·MTU, max(2·MTU, 4380)).
    initialWindow: Math.min(4 * mss, Math.max(2 * mss, 4380)),
    // §7.2.3: ssthresh = max(cwnd/2, 4·MTU).
    minSsthresh: 4 * mss,
    // §7.2.3: cwnd = 1·MTU after T3-rtx.
    minCwnd: mss,
    growOnlyWhenCwndFull: true,
    maxBurst: a.opts.maxBurst,
    // §7.2.1: in slow start, cwnd grows by at most one path MTU per SACK.
    slowStartIncreaseLimit: mss,
  });
  // Largest user data per chunk: one chunk header short of a full packet (§6.9).
  const maxData = (a.mtu - COMMON_HEADER_SIZE - (iData ? I_DATA_HEADER_SIZE : DATA_HEADER_SIZE)) & ~3;
  a.tx = new Sender(a.initialTsn, outStreams, peerArwnd, fwd, iData, cc, a.rto, a.opts, maxData, a, timer, ctx.tracer);
  if (n.streamReset) {
    const host = streamResetHost(a, (name, args) => ctx.emitEvent(name, ...args));
    a.reconfig = new StreamReset(a.initialTsn, peerTsn, a.rto, host, timer);
  }
  for (const m of a.preOpen) a.queueMessage(m);
  a.preOpen.length = 0;
  a.preOpenBytes = 0;
  a.setState('ESTABLISHED');
  a.heartbeat.arm();
}

/** Bundle what `a` may send now into packets: control chunks, SACK, FORWARD TSN and DATA (§6.10). */
export function flushPacket(a: SctpAssociation): void {
  const pk = a.pk;
  const pendingControl = a.pendingControl;
  for (const c of pendingControl) pk.put(c);
  if (pendingControl.length !== 0) pendingControl.length = 0;
  const rx = a.rx;
  if (rx !== null && rx.sackNeeded) pk.put(rx.buildSack());
  const tx = a.tx;
  if (tx !== null) {
    const dataOk = a.state === 'ESTABLISHED' || a.state === 'SHUTDOWN-PENDING' || a.state === 'SHUTDOWN-RECEIVED';
    tx.fill(pk, a.now(), dataOk);
    const rc = a.reconfig;
    if (rc !== null && rc.busy) {
      // RFC 6525: a request waiting for its streams to drain goes out once they did (in this packet).
      rc.poll();
      for (const c of pendingControl) pk.put(c);
      pendingControl.length = 0;
    }
  }
  pk.send();
}

/** Queue `data` on stream 0, PPID 0 as one message, or as several split at `maxMessageSize`; false once the send buffer is full. */
export function writeBytes(a: SctpAssociation, data: Uint8Array): boolean {
  const max = a.opts.maxMessageSize;
  if (data.length !== 0 && data.length <= max) {
    a.sendMessage(data, {});
    return a.unsentAmount < a.opts.sendBufferSize;
  }
  for (let off = 0; off < data.length; off += max) {
    a.sendMessage(data.subarray(off, Math.min(data.length, off + max)), {});
  }
  return a.unsentAmount < a.opts.sendBufferSize;
}

/**
 * Check and queue one user message (RFC 9260 §6.1; RFC 3758 §3.5 A for
 * `maxRetransmits` / `lifetime`), held until ESTABLISHED when sent during
 * setup. False once the send buffer is full (`writable` follows).
 * @throws as {@link SctpAssociation.sendMessage}
 */
export function sendUserMessage(a: SctpAssociation, data: Uint8Array, options: SendOptions): boolean {
  if (a.closedOnce) throw new StateError('ERR_SCTP_CLOSED', 'association is closed');
  const s = a.state;
  if (a.shutdown.requested || (s !== 'ESTABLISHED' && s !== 'COOKIE-WAIT' && s !== 'COOKIE-ECHOED' && s !== 'CLOSED')) {
    throw new StateError('ERR_SCTP_SHUTDOWN', `cannot send in state ${s}`);
  }
  const opts = a.opts;
  if (data.length === 0) throw new ToukitError('ERR_SCTP_EMPTY_MESSAGE', 'SCTP cannot send an empty message');
  if (data.length > opts.maxMessageSize) throw new PayloadTooLargeError(data.length, opts.maxMessageSize);
  const stream = options.stream ?? 0;
  if (!(stream >= 0 && stream < a.outStreams)) throw new SctpInvalidStreamError(stream, a.outStreams);
  const m: OutMessage = {
    stream,
    ppid: (options.ppid ?? 0) >>> 0,
    unordered: options.unordered === true,
    data,
    maxRetransmits: options.maxRetransmits ?? -1,
    expiresAt: options.lifetime !== undefined ? a.now() + options.lifetime : Infinity,
    ssn: 0,
    offset: 0,
    abandoned: false,
  };
  if (a.tx === null) {
    a.preOpen.push(m);
    a.preOpenBytes += data.length;
  } else {
    a.queueMessage(m);
    a.flush();
  }
  const ok = a.unsentAmount < opts.sendBufferSize;
  if (!ok) a.wantWritable = true;
  return ok;
}

/** Queue `m` on the established data path of `a` (held instead while its stream is being reset, RFC 6525 §5.1.2). */
export function queueOnDataPath(a: SctpAssociation, m: OutMessage): void {
  const tx = a.tx as Sender;
  if (m.stream >= tx.out.outboundStreams) return void a.drop('sctp_stream_not_negotiated');
  if (a.reconfig !== null && a.reconfig.hold(m)) return;
  tx.enqueue(m);
}

/** After a SACK or T3 expiry on `a`: metrics trace, writable notification once half the send buffer drained, shutdown progress. */
export function afterAckOn(a: SctpAssociation): void {
  if (a.ctx.tracer.enabled) traceMetrics(a);
  if (a.wantWritable && a.unsentAmount <= a.opts.sendBufferSize / 2) {
    a.wantWritable = false;
    a.ctx.writable();
  }
  a.shutdown.check();
}
