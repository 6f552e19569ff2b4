/**
 * The association as its procedures see it: the host objects through
 * which setup (RFC 9260 §5.1, §5.2), graceful shutdown (§9.2) and
 * heartbeats (§8.3) read and act on their {@link SctpAssociation} (stream
 * reconfiguration has its own, `streamResetHost` in reconfig.ts), and the
 * parameters a server's State Cookie establishes (§5.1 D).
 *
 * Each host is built once per association; none is called per packet.
 *
 * @module
 */
import { establishDataPath } from './association-data.js';
import type { SctpAssociation } from './association.js';
import { markOpened } from './association-lifecycle.js';
import type { CookieState } from './cookie.js';
import type { HeartbeatHost } from './heartbeat.js';
import type { Negotiated, SetupHost } from './setup.js';
import type { ShutdownHost } from './shutdown.js';
import { signalRemoteEnded } from './unread.js';

/** The {@link SetupHost} of `a`: its state and tags, unbundled sends, and the data path built on success. */
export function setupHost(a: SctpAssociation): SetupHost {
  return {
    state: () => a.state,
    setState: (st) => a.setState(st),
    peerTag: () => a.peerTag,
    setPeerTag: (tag) => {
      // Packets bundled from now on carry it too (§5.2.4 B changes it on an established association).
      a.peerTag = tag;
      a.pk.tag = tag;
    },
    send: (vtag, ...chunks) => a.sendControl(vtag, ...chunks),
    maxPacketSize: () => a.mtu,
    queue: (chunk) => a.pendingControl.push(chunk),
    establish: (n) => establishDataPath(a, n),
    opened: () => markOpened(a),
    fail: (err) => a.finish(err),
    drop: (reason) => a.drop(reason),
    now: () => a.now(),
  };
}

/** The {@link ShutdownHost} of `a`: its state, data path and stream reset, sends with the peer's tag, and the close. */
export function shutdownHost(a: SctpAssociation): ShutdownHost {
  return {
    state: () => a.state,
    setState: (st) => a.setState(st),
    sender: () => a.tx,
    receiver: () => a.rx,
    resetPending: () => a.reconfig !== null && a.reconfig.busy,
    send: (chunk) => a.sendControl(a.peerTag, chunk),
    queue: (chunk) => a.pendingControl.push(chunk),
    timeout: () => a.timeout(),
    remoteEnded: () => signalRemoteEnded(a),
    close: () => a.finish(),
    now: () => a.now(),
  };
}

/** The {@link HeartbeatHost} of `a`: the error counter (§8.1), whether DATA is outstanding, sends with the peer's tag. */
export function heartbeatHost(a: SctpAssociation): HeartbeatHost {
  return {
    now: () => a.now(),
    timeout: () => a.timeout(),
    progress: () => a.progress(),
    idle: () => a.tx !== null && a.tx.out.outstanding === 0,
    send: (chunk) => a.sendControl(a.peerTag, chunk),
    drop: (reason) => a.drop(reason),
  };
}

/** What a server's State Cookie `c` says both sides agreed on (§5.1 D: the association is built from it). */
export function negotiatedFromCookie(c: CookieState): Negotiated {
  return {
    peerTag: c.peerTag,
    peerInitialTsn: c.peerInitialTsn,
    peerArwnd: c.peerArwnd,
    outStreams: c.outboundStreams,
    inStreams: c.inboundStreams,
    forwardTsn: c.forwardTsn,
    iData: c.iData,
    streamReset: c.streamReset,
    zeroChecksum: c.zeroChecksum,
  };
}
