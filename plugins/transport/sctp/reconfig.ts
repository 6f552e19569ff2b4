/**
 * Stream reconfiguration (RFC 6525), the outgoing SSN reset part: this
 * endpoint's Outgoing SSN Reset Requests (§5.1.1, §5.1.2) with one
 * request outstanding at a time under a retransmission timer, and the
 * answers to the peer's requests (§5.2.1, §5.2.2). Other requests
 * (Incoming SSN Reset, SSN/TSN Reset, Add Streams) are answered "Denied".
 *
 * Sender: the streams to reset are paused at once (new messages on them
 * are held); the request goes out when no earlier message on them waits
 * to be fragmented, carrying the last TSN assigned so far. "Success -
 * Performed" resets their SSNs to 0 and releases the held messages; "In
 * progress" sends the same request again after one RTO; any other result
 * gives up (SSNs unchanged) and releases them too.
 *
 * Receiver: a request whose Sender's Last Assigned TSN is at or below the
 * cumulative TSN is performed at once; otherwise it is answered "In
 * progress" and performed as soon as the cumulative TSN reaches it (ordered
 * messages above that TSN on the streams are held until then), so the
 * retransmitted request is answered "Success - Performed".
 *
 * @module
 */
import type { Timer } from '../../../core/time/clock.js';
import { tsnAdd, tsnLe } from './bytes.js';
import { ReconfigResult, encodeOutgoingSsnReset, encodeReconfig, encodeReconfigResponse, type ReconfigParam } from './chunks/reconfig.js';
import type { OutMessage } from './out-types.js';
import type { RtoEstimator } from './rto.js';
import type { SctpAssociation } from './association.js';
import type { Receiver } from './receiver.js';
import type { Sender } from './sender.js';

/** What stream reconfiguration needs from its association. */
export interface StreamResetHost {
  /** Bundle `chunk` into the next packet. */
  queue(chunk: Uint8Array): void;
  /** Send what can be sent now. */
  flush(): void;
  /** Count one timeout toward Association.Max.Retrans; true when the association failed. */
  timeout(): boolean;
  /** The stack clock in ms. */
  now(): number;
  /** Next TSN the sender will assign. */
  nextTsn(): number;
  /** The receiver's cumulative TSN. */
  cumTsn(): number;
  /** Whether messages on `streams` (all when empty) wait to be fragmented. */
  holdsUnsent(streams: ReadonlySet<number>): boolean;
  /** Reset the SSNs of outgoing `streams` (all when empty) to 0. */
  resetOutgoing(streams: readonly number[]): void;
  /** Reset the expected SSNs of incoming `streams` (all when empty) to 0 (and sequence the messages a deferral held). */
  resetIncoming(streams: readonly number[]): void;
  /** Hold ordered messages above `lastTsn` on incoming `streams` (all when empty) until {@link StreamResetHost.resetIncoming}. */
  deferIncoming(lastTsn: number, streams: readonly number[]): void;
  /** Queue a message that was held while its stream was being reset. */
  requeue(m: OutMessage): void;
  /** Tell the application (`sctp-stream-reset` with the streams and the result code). */
  event(name: string, ...args: unknown[]): void;
  /** Count a dropped chunk or parameter. */
  drop(reason: string): void;
}

interface Request {
  readonly seq: number;
  /** Streams reset by it; empty: all. */
  readonly streams: readonly number[];
  readonly chunk: Uint8Array;
}

interface Deferred {
  readonly seq: number;
  readonly lastTsn: number;
  readonly streams: readonly number[];
}

/** Counters in stats. */
export interface StreamResetCounters {
  /** Outgoing SSN Reset Requests sent (first transmissions). */
  resetRequestsSent: number;
  /** Requests retransmitted (timer or "In progress"). */
  resetRequestRetransmissions: number;
  /** Own requests answered "Success - Performed" (or "Nothing to do"). */
  resetsPerformed: number;
  /** Own requests denied or failed. */
  resetsFailed: number;
  /** The peer's Outgoing SSN Reset Requests performed. */
  peerResetsPerformed: number;
}

/** Outgoing SSN reset requests and responses of one association (RFC 6525). */
export class StreamReset {
  /** Counters for stats. */
  readonly counters: StreamResetCounters = {
    resetRequestsSent: 0,
    resetRequestRetransmissions: 0,
    resetsPerformed: 0,
    resetsFailed: 0,
    peerResetsPerformed: 0,
  };
  /** Bytes of messages held on paused streams. */
  heldBytes = 0;
  /** Next own Re-configuration Request Sequence Number (§5.1.1: starts at the own Initial TSN). */
  private nextReqSeq: number;
  /** Next expected request sequence number of the peer (starts at the peer's Initial TSN). */
  private expectedPeerSeq: number;
  /** Result of the last peer request processed (sequence number expectedPeerSeq − 1), or -1. */
  private lastPeerResult = -1;
  private deferred: Deferred | null = null;
  private current: Request | null = null;
  private inProgress = false;
  private readonly wanted = new Set<number>();
  private wantAll = false;
  private readonly paused = new Set<number>();
  private pausedAll = false;
  private held: OutMessage[] = [];
  private readonly timer: Timer;

  /**
   * @param initialTsn - own Initial TSN (first own request sequence number)
   * @param peerInitialTsn - the peer's Initial TSN (its first request sequence number)
   * @param rto - the path's RTO (the reconfiguration timer uses and backs it off)
   * @param host - the association
   * @param createTimer - the session's timer factory
   */
  constructor(
    initialTsn: number,
    peerInitialTsn: number,
    private readonly rto: RtoEstimator,
    private readonly host: StreamResetHost,
    createTimer: (cb: () => void) => Timer,
  ) {
    this.nextReqSeq = initialTsn >>> 0;
    this.expectedPeerSeq = peerInitialTsn >>> 0;
    this.timer = createTimer(() => this.onTimer());
  }

  /** Whether a request is outstanding or waiting to be sent. */
  get busy(): boolean {
    return this.current !== null || this.wantAll || this.wanted.size > 0;
  }

  /** Ask for `streams` (all outgoing streams when empty) to be reset; their new messages are held until it is done. */
  request(streams: readonly number[]): void {
    if (streams.length === 0) {
      this.wantAll = true;
      this.pausedAll = true;
      return;
    }
    for (const sid of streams) {
      this.wanted.add(sid);
      this.paused.add(sid);
    }
  }

  /**
   * Hold `m` when its stream is paused by a reset (RFC 6525 §5.1.2: no new
   * data on a stream between the request and its response). True when held.
   */
  hold(m: OutMessage): boolean {
    if (!this.pausedAll && (this.paused.size === 0 || !this.paused.has(m.stream))) return false;
    this.held.push(m);
    this.heldBytes += m.data.length;
    return true;
  }

  /** Send the waiting request when none is outstanding and its streams have no unsent message left (§5.1.1). */
  poll(): void {
    if (this.current !== null || (!this.wantAll && this.wanted.size === 0)) return;
    const all = this.wantAll;
    if (this.host.holdsUnsent(all ? new Set() : this.wanted)) return;
    const streams = all ? [] : [...this.wanted].sort((x, y) => x - y);
    this.wanted.clear();
    this.wantAll = false;
    const seq = this.nextReqSeq;
    this.nextReqSeq = tsnAdd(seq, 1);
    // §4.1: the Response Sequence Number is the last request received from the peer; the last
    // assigned TSN covers every message sent on the streams before the reset.
    const param = encodeOutgoingSsnReset(seq, tsnAdd(this.expectedPeerSeq, -1), tsnAdd(this.host.nextTsn(), -1), streams);
    this.current = { seq, streams, chunk: encodeReconfig([param]) };
    this.inProgress = false;
    this.counters.resetRequestsSent++;
    this.host.queue(this.current.chunk);
    this.timer.arm(this.host.now() + this.rto.rto);
  }

  /** A RE-CONFIG chunk arrived: answer its requests and take its responses (§5.2). */
  onChunk(params: readonly ReconfigParam[]): void {
    const answers: Uint8Array[] = [];
    for (const p of params) {
      if (p.kind === 'response') this.onResponse(p.respSeq, p.result);
      else answers.push(encodeReconfigResponse(p.reqSeq, this.onRequest(p)));
    }
    if (answers.length > 0) this.host.queue(encodeReconfig(answers));
  }

  /** After the chunks of a packet: perform a deferred reset once the cumulative TSN reached its last assigned TSN (§5.2.2). */
  checkDeferred(): void {
    const d = this.deferred;
    if (d === null || !tsnLe(d.lastTsn, this.host.cumTsn())) return;
    this.deferred = null;
    this.perform(d.streams);
    this.done(d.seq, ReconfigResult.PERFORMED);
  }

  /** Stop the reconfiguration timer. */
  stop(): void {
    this.timer.cancel();
  }

  private onRequest(p: Exclude<ReconfigParam, { kind: 'response' }>): number {
    // §5.2.1: a retransmission of the last request gets the same answer; anything but the next one is refused.
    if (p.reqSeq === tsnAdd(this.expectedPeerSeq, -1) && this.lastPeerResult >= 0) return this.lastPeerResult;
    if (p.reqSeq !== this.expectedPeerSeq) return ReconfigResult.BAD_SEQUENCE_NUMBER;
    if (p.kind === 'other-request') return this.done(p.reqSeq, ReconfigResult.DENIED);
    if (this.deferred !== null) return ReconfigResult.IN_PROGRESS;
    if (!tsnLe(p.lastTsn, this.host.cumTsn())) {
      // §5.2.2 E2: not all data before the reset arrived yet: perform it once it has.
      this.deferred = { seq: p.reqSeq, lastTsn: p.lastTsn, streams: p.streams };
      this.host.deferIncoming(p.lastTsn, p.streams);
      return ReconfigResult.IN_PROGRESS;
    }
    this.perform(p.streams);
    return this.done(p.reqSeq, ReconfigResult.PERFORMED);
  }

  private perform(streams: readonly number[]): void {
    this.host.resetIncoming(streams);
    this.counters.peerResetsPerformed++;
  }

  /** Record the answer to request `seq` (the next expected one) and move on. */
  private done(seq: number, result: number): number {
    this.lastPeerResult = result;
    this.expectedPeerSeq = tsnAdd(seq, 1);
    return result;
  }

  private onResponse(respSeq: number, result: number): void {
    const c = this.current;
    if (c === null || respSeq !== c.seq) return this.host.drop('sctp_reconfig_unexpected_response');
    if (result === ReconfigResult.IN_PROGRESS) {
      // §5.2.7 (result 6): the peer waits for data before the reset; ask again after one RTO.
      this.inProgress = true;
      this.timer.arm(this.host.now() + this.rto.rto);
      return;
    }
    this.timer.cancel();
    this.current = null;
    const ok = result === ReconfigResult.PERFORMED || result === ReconfigResult.NOTHING_TO_DO;
    if (ok) {
      this.host.resetOutgoing(c.streams);
      this.counters.resetsPerformed++;
    } else this.counters.resetsFailed++;
    this.release();
    this.host.event('sctp-stream-reset', c.streams, result);
    this.poll();
  }

  /** The outstanding request ended: only streams of a newer request stay paused; queue the other held messages in order. */
  private release(): void {
    this.pausedAll = this.wantAll;
    this.paused.clear();
    for (const sid of this.wanted) this.paused.add(sid);
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const m of held) if (!this.hold(m)) this.host.requeue(m);
  }

  private onTimer(): void {
    const c = this.current;
    if (c === null) return;
    if (!this.inProgress) {
      // §5.1.1: a lost request (or response) counts like a T3-rtx expiry and backs off the RTO.
      if (this.host.timeout()) return;
      this.rto.backoff();
    }
    this.inProgress = false;
    this.counters.resetRequestRetransmissions++;
    this.host.queue(c.chunk);
    this.timer.arm(this.host.now() + this.rto.rto);
    this.host.flush();
  }
}

/** The {@link StreamResetHost} of an established association (`emit` raises a connection-level event). */
export function streamResetHost(a: SctpAssociation, emit: (name: string, args: unknown[]) => void): StreamResetHost {
  const tx = a.tx as Sender;
  const rx = a.rx as Receiver;
  return {
    queue: (chunk) => a.queueControl(chunk),
    flush: () => a.flush(),
    timeout: () => a.timeout(),
    now: () => a.now(),
    nextTsn: () => tx.out.nextTsn,
    cumTsn: () => rx.map.cumTsn,
    holdsUnsent: (streams) => tx.out.holdsUnsent(streams),
    resetOutgoing: (streams) => tx.out.resetStreams(streams),
    resetIncoming: (streams) => rx.inbound.resetStreams(streams),
    deferIncoming: (lastTsn, streams) => rx.inbound.deferReset(lastTsn, streams),
    requeue: (m) => a.queueMessage(m),
    event: (name, ...args) => {
      emit(name, args);
      // Writable and shutdown progress: the held messages moved to the send queue.
      a.afterAck();
    },
    drop: (reason) => a.drop(reason),
  };
}
