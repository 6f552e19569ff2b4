/**
 * The association's life as its context sees it, and how it ends: opened
 * once (§5.1; a shutdown asked for during setup starts then), failure once
 * the error counter passes Association.Max.Retrans (RFC 9260 §8.1), ABORT
 * with a cause (§9.1), and the release on CLOSED (every timer stopped, the
 * demux entry removed). The peer's end of data (§9.2) is in unread.ts.
 *
 * Plain functions over the {@link SctpAssociation}; none runs per packet.
 *
 * @module
 */
import type { SctpAssociation } from './association.js';
import { encodeAbort } from './chunks/control.js';
import { SctpPeerUnreachableError } from './errors.js';

/** Tell the context once that `a` is up; a shutdown requested before goes ahead now. */
export function markOpened(a: SctpAssociation): void {
  if (a.isOpened) return;
  a.isOpened = true;
  a.ctx.opened();
  if (a.shutdown.requested) a.end();
}

/** Count one timeout of `a` toward Association.Max.Retrans (RFC 9260 §8.1); true when the association failed and closed. */
export function countTimeout(a: SctpAssociation): boolean {
  const limit = Math.min(a.opts.associationMaxRetrans, a.opts.pathMaxRetrans);
  if (++a.errorCount <= limit) return false;
  // §8.1: stop and close; the ABORT (no cause) only helps if the peer is in fact still there.
  a.abortWith(0, new SctpPeerUnreachableError(`peer unreachable after ${limit} retransmissions`));
  return true;
}

/**
 * Send ABORT (§9.1) with cause `code` (none for 0) and its `info` (the TSN for No User Data,
 * text for Protocol Violation) once the peer's tag is known, then close `a` with `err`.
 */
export function abortWithCause(a: SctpAssociation, code: number, err: Error, info?: Uint8Array): void {
  if (a.peerTag !== 0) a.sendControl(a.peerTag, encodeAbort(false, code === 0 ? [] : [{ code, info }]));
  a.finish(err);
}

/** `a` reached CLOSED: it handles nothing more, its timers stop and its endpoint forgets it. Sends nothing. */
export function releaseAssociation(a: SctpAssociation): void {
  a.closedOnce = true;
  a.state = 'CLOSED';
  a.setup.stop();
  a.shutdown.stop();
  a.heartbeat.stop();
  a.tx?.stopTimer();
  a.reconfig?.stop();
  a.rx?.dispose();
  a.endpoint.unregister(a);
}
