/**
 * Messages the application has not read when the peer ends (RFC 9260
 * §9.2): every message received before the peer's SHUTDOWN (and
 * acknowledged to it) reaches the application, in order, before
 * `remoteEnded()`, and before the `closed()` of a graceful close, however
 * long the application waits to read ("a full readable buffer makes the
 * transport stop delivering until the application reads", as tcp).
 *
 * The SHUTDOWN exchange does not wait for the reader: the association
 * reaches CLOSED at once (timers stopped, its endpoint forgets it) and
 * then only hands over what it holds as the application reads, answering
 * packets that still reach it as its endpoint answers out-of-the-blue
 * ones (§8.4: a retransmitted SHUTDOWN ACK gets its SHUTDOWN COMPLETE).
 * An error close reports at once; an abort (also the stack's teardown)
 * drops what is unread.
 *
 * Plain functions over the {@link SctpAssociation}; none runs per packet
 * except {@link resumeDelivery}, whose common case is one flag test more.
 *
 * @module
 */
import { dropReasonOf } from '../../../core/errors.js';
import type { SctpAssociation } from './association.js';
import { outOfTheBlueAnswer } from './handshake.js';
import { checkPacket, packetVtag } from './packet.js';

/** What the context is still to be told once the application has read everything (one per association). */
export interface EndSignals {
  /** The peer's end (SHUTDOWN / SHUTDOWN ACK): not seen, owed until the application read everything, or told. */
  remoteEnded: 'no' | 'owed' | 'told';
  /** The association closed gracefully with messages unread: `closed()` waits for them. */
  closeOwed: boolean;
  /** The application aborted, or the stack disposed of the association: nothing more is delivered or owed. */
  unreadDropped: boolean;
}

/** Fresh {@link EndSignals}: nothing seen, nothing owed. */
export function endSignals(): EndSignals {
  return { remoteEnded: 'no', closeOwed: false, unreadDropped: false };
}

/** The peer of `a` will send no more: tell the context once, after the application took every message received before. */
export function signalRemoteEnded(a: SctpAssociation): void {
  if (a.ending.remoteEnded !== 'no') return;
  a.ending.remoteEnded = 'owed';
  settle(a);
}

/**
 * `a` reached CLOSED: report it to the context now on an error or after an
 * abort, else once the application has taken every message (the peer's end first).
 */
export function reportClosed(a: SctpAssociation, err: Error | undefined): void {
  if (err !== undefined || a.ending.unreadDropped) return a.ctx.closed(err);
  a.ending.closeOwed = true;
  settle(a);
}

/** The application read: deliver what waits (a window update if due, while open), then what it made owed. */
export function resumeDelivery(a: SctpAssociation): void {
  const rx = a.rx;
  const e = a.ending;
  if (rx === null || e.unreadDropped || (a.closedOnce && !e.closeOwed)) return;
  if (rx.resume()) a.flush();
  if (e.remoteEnded === 'owed' || e.closeOwed) settle(a);
}

/**
 * Nothing more reaches the application from `a` (it aborted, or the stack
 * disposes of `a`): a close still owed is reported now when `report`.
 */
export function dropUnread(a: SctpAssociation, report: boolean): void {
  const e = a.ending;
  e.unreadDropped = true;
  if (!e.closeOwed) return;
  e.closeOwed = false;
  if (report) a.ctx.closed();
}

/**
 * A packet for `a` after CLOSED. While `a` holds messages for the
 * application its tag is still routed to it, so it answers as its
 * endpoint would once it is gone (§8.4 rules 5, 8); otherwise it drops it.
 */
export function receiveAfterClose(a: SctpAssociation, p: Uint8Array): void {
  if (!a.ending.closeOwed) return a.drop('sctp_closed');
  try {
    checkPacket(p, a.secured);
  } catch (err) {
    return a.drop(dropReasonOf(err));
  }
  a.drop('sctp_ootb');
  const r = a.reader;
  r.reset(p);
  if (!r.next()) return;
  const answer = outOfTheBlueAnswer(r.type);
  if (answer !== null) a.sendControl(packetVtag(p), answer);
}

/** Deliver what the application has room for; once it has everything, tell the context what waited for that. */
function settle(a: SctpAssociation): void {
  const inbound = a.rx?.inbound;
  if (inbound !== undefined) {
    inbound.flush();
    if (inbound.readyCount > 0) return;
  }
  const e = a.ending;
  if (e.remoteEnded === 'owed') {
    e.remoteEnded = 'told';
    a.ctx.remoteEnded();
  }
  if (e.closeOwed) {
    e.closeOwed = false;
    a.ctx.closed();
  }
}
