/**
 * Event objects for the congestion compliance harness, reused as the
 * built-in transports reuse them (`ReusedCongestionEvents`): one object per
 * event kind, filled in before each call. After the call its fields are
 * overwritten with poison (NaN, flipped flags), and any read of a field
 * outside the call it was passed to is recorded; {@link findRetained}
 * finds event objects a controller keeps a reference to.
 *
 * @module
 */
import type { AckedPacket, AckSummary, CongestionEvent, PacketSentEvent, RtoEvent } from '../contracts/congestion.js';

/** The event kinds of the congestion contract, with the method each is passed to. */
export const EVENT_METHODS = {
  PacketSentEvent: 'onPacketSent',
  AckedPacket: 'onPacketAcked',
  AckSummary: 'onAckEnd',
  CongestionEvent: 'onCongestionEvent',
  RtoEvent: 'onRetransmissionTimeout',
} as const;

/** One of {@link EVENT_METHODS}' keys. */
export type EventKind = keyof typeof EVENT_METHODS;

/** Reads of event fields outside the call the event was passed to. */
export class StaleReadLog {
  /** What the harness is calling right now (for messages). */
  current: string | undefined;
  /** Descriptions of the stale reads seen (the first few). */
  readonly reads: string[] = [];

  /** Record a read of `kind.field` while the event was not live. */
  record(kind: EventKind, field: string): void {
    if (this.reads.length >= 5) return;
    const during = this.current === undefined ? 'outside any event call (from cwnd, ssthresh, phase, canSend or snapshot)' : `during ${this.current}`;
    this.reads.push(`${kind}.${field} was read ${during}, after the ${EVENT_METHODS[kind]} call it was passed to had returned`);
  }
}

/** One reused event object of kind `kind`. */
export class EventSlot<T extends object> {
  /** The object handed to the controller (accessor properties over the current values). */
  readonly view: T;
  private values: Record<string, unknown>;
  private live = false;

  /**
   * @param kind - the event kind (for messages)
   * @param poison - the values the fields take once the call has returned
   * @param log - where stale reads are recorded
   */
  constructor(
    readonly kind: EventKind,
    private readonly poison: T,
    log: StaleReadLog,
  ) {
    this.values = { ...poison } as Record<string, unknown>;
    const view = {};
    for (const key of Object.keys(poison)) {
      Object.defineProperty(view, key, {
        enumerable: true,
        get: () => {
          if (!this.live) log.record(kind, key);
          return this.values[key];
        },
      });
    }
    this.view = view as T;
  }

  /** Fill the object with `values`, pass it to `call`, then overwrite it with poison. */
  pass(values: T, call: (ev: T) => void): void {
    Object.assign(this.values, values);
    this.live = true;
    try {
      call(this.view);
    } finally {
      this.live = false;
      Object.assign(this.values, this.poison);
    }
  }
}

/** The reused event objects of one controller under test. */
export class HarnessEvents {
  /** Stale reads seen. */
  readonly log = new StaleReadLog();
  /** `onPacketSent`'s event. */
  readonly sent = new EventSlot<PacketSentEvent>('PacketSentEvent', { now: NaN, bytes: NaN, bytesInFlight: NaN, retransmission: true, appLimited: true }, this.log);
  /** `onPacketAcked`'s event. */
  readonly acked = new EventSlot<AckedPacket>('AckedPacket', { bytes: NaN, sentAt: NaN }, this.log);
  /** `onAckEnd`'s event. */
  readonly summary = new EventSlot<AckSummary>(
    'AckSummary',
    { now: NaN, ackedBytes: NaN, priorBytesInFlight: NaN, bytesInFlight: NaN, rttSample: NaN, appLimited: true, inRecovery: true },
    this.log,
  );
  /** `onCongestionEvent`'s event. */
  readonly congestion = new EventSlot<CongestionEvent>(
    'CongestionEvent',
    { now: NaN, cause: 'ecn-ce', lostBytes: NaN, bytesInFlight: NaN, largestLostSentAt: NaN, persistent: true },
    this.log,
  );
  /** `onRetransmissionTimeout`'s event. */
  readonly rto = new EventSlot<RtoEvent>('RtoEvent', { now: NaN, bytesInFlight: NaN }, this.log);

  /** Every slot. */
  get slots(): readonly EventSlot<object>[] {
    return [this.sent, this.acked, this.summary, this.congestion, this.rto];
  }
}

/**
 * Search the object graph reachable from `root` (own data properties,
 * array elements, Map and Set entries; not closures) for one of the event
 * objects of `events`. Returns where it was found (e.g. `.first` or
 * `.history[3]`) and its kind, or undefined.
 */
export function findRetained(root: object, events: HarnessEvents, maxNodes = 20_000): { path: string; kind: EventKind } | undefined {
  const targets = new Map<object, EventKind>(events.slots.map((s) => [s.view, s.kind]));
  const seen = new Set<object>([root]);
  const queue: { obj: object; path: string }[] = [{ obj: root, path: '' }];
  for (let i = 0; i < queue.length && i < maxNodes; i++) {
    const { obj, path } = queue[i];
    const visit = (child: unknown, p: string): void => {
      if (typeof child !== 'object' || child === null || seen.has(child)) return;
      seen.add(child);
      queue.push({ obj: child, path: p });
    };
    const kind = targets.get(obj);
    if (kind !== undefined) return { path: path === '' ? '(the controller itself)' : path, kind };
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) continue;
    if (obj instanceof Map) {
      let n = 0;
      for (const [k, v] of obj) {
        visit(k, `${path}.keys()[${n}]`);
        visit(v, `${path}.get(…)[${n++}]`);
      }
      continue;
    }
    if (obj instanceof Set) {
      let n = 0;
      for (const v of obj) visit(v, `${path}.values()[${n++}]`);
      continue;
    }
    for (const key of Reflect.ownKeys(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      if (d === undefined || !('value' in d)) continue;
      visit(d.value, Array.isArray(obj) && typeof key === 'string' && /^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${String(key)}`);
    }
  }
  return undefined;
}
