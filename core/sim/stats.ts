/**
 * Counters and observability types of the simulator.
 *
 * @module
 */

/**
 * Reasons a simulated datagram is dropped:
 * `outage` (link or host down), `mtu` (too large), `scripted` (dropScript),
 * `loss` (random loss model), `queue_full` (queue limit), `aqm` (CoDel/RED),
 * `no_route` (no host or no link for the destination), `port_unreachable`
 * (no socket bound), `filtered` (a connected socket got a datagram from
 * another peer).
 */
export type DropReason =
  | 'outage'
  | 'mtu'
  | 'scripted'
  | 'loss'
  | 'queue_full'
  | 'aqm'
  | 'no_route'
  | 'port_unreachable'
  | 'filtered';

/** Counters of one link direction (JSON-serialisable; a snapshot). */
export interface LinkDirectionStats {
  /** Datagrams offered by senders. */
  sent: number;
  /** UDP payload bytes offered. */
  bytesSent: number;
  /** Datagrams handed to a socket (duplicates included). */
  delivered: number;
  /** UDP payload bytes handed to sockets. */
  bytesDelivered: number;
  /** Wire bytes (payload + overhead) handed to sockets. */
  wireBytesDelivered: number;
  /** Dropped datagrams by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Duplicates created. */
  duplicated: number;
  /** Datagrams corrupted. */
  corrupted: number;
  /** Datagrams given the extra reordering delay. */
  reordered: number;
  /** Total time (ms) the transmitter was busy serialising; divide by elapsed time for utilisation. */
  busyTime: number;
  /** Datagrams given a transmission slot (the denominator of the mean queueing delay). */
  transmitted: number;
  /** Sum over transmitted datagrams of their queueing delay (ms): `queueDelayTotal / transmitted` is the mean. */
  queueDelayTotal: number;
  /** Datagrams waiting in the queue now (the one being serialised excluded). */
  queuePackets: number;
  /** Wire bytes waiting in the queue now. */
  queueBytes: number;
  /** Largest `queuePackets` seen. */
  maxQueuePackets: number;
  /** Largest `queueBytes` seen. */
  maxQueueBytes: number;
}

/** Kinds of link events reported to `onEvent` and the tracer. */
export type SimLinkEventType = 'send' | 'drop' | 'deliver' | 'duplicate' | 'corrupt' | 'reorder';

/** One link event. */
export interface SimLinkEvent {
  /** Virtual time, ms. */
  readonly time: number;
  /** What happened. */
  readonly type: SimLinkEventType;
  /** Direction label `from>to` (host labels), or `from>?` for `no_route` drops. */
  readonly link: string;
  /** Datagram number on the direction (0 for `no_route`). */
  readonly n: number;
  /** UDP payload bytes. */
  readonly size: number;
  /** Drop reason (type `drop` only). */
  readonly reason?: DropReason;
  /**
   * Wire bytes waiting in the direction's queue when the event happened (the datagram being
   * serialised not counted; a `send` sees the queue its datagram finds, before it joins).
   */
  readonly queueBytes: number;
  /** Datagrams waiting in the direction's queue when the event happened (as for `queueBytes`). */
  readonly queuePackets: number;
}

/** A queue-length sample. */
export interface QueueSample {
  /** Virtual time, ms. */
  readonly time: number;
  /** Datagrams waiting. */
  readonly packets: number;
  /** Wire bytes waiting. */
  readonly bytes: number;
}

/** Creates a zeroed {@link LinkDirectionStats}. */
export function emptyLinkStats(): LinkDirectionStats {
  return {
    sent: 0,
    bytesSent: 0,
    delivered: 0,
    bytesDelivered: 0,
    wireBytesDelivered: 0,
    dropped: {},
    duplicated: 0,
    corrupted: 0,
    reordered: 0,
    busyTime: 0,
    transmitted: 0,
    queueDelayTotal: 0,
    queuePackets: 0,
    queueBytes: 0,
    maxQueuePackets: 0,
    maxQueueBytes: 0,
  };
}
