/**
 * The tracing contract used by every layer. Event and field names follow
 * qlog where it has them (`packet_sent`, `packet_received`, `packet_lost`,
 * `metrics_updated`, `congestion_state_updated`).
 *
 * On the per-packet path, code checks {@link Tracer.enabled} before building
 * an event object, so tracing that is off costs one property read.
 *
 * @module
 */

/** Names of the standard trace events (other names are allowed for plugin-specific events). */
export type TraceEventName =
  | 'packet_sent'
  | 'packet_received'
  | 'packet_dropped'
  | 'packet_lost'
  | 'metrics_updated'
  | 'congestion_state_updated'
  | 'connection_state_updated'
  | 'handshake_step'
  | (string & {});

/** Event payload: a flat JSON-serialisable record. */
export type TraceData = Readonly<Record<string, unknown>>;

/** One recorded trace event. */
export interface TraceEvent {
  /** Time in ms (stack clock) when the event happened. */
  readonly time: number;
  /** Event name, e.g. `packet_sent`. */
  readonly name: TraceEventName;
  /** Grouping id (e.g. the connection), if any. */
  readonly group?: string;
  /** Event fields. */
  readonly data: TraceData;
}

/** Where events go. */
export interface TraceSink {
  /** Record one event. */
  write(event: TraceEvent): void;
  /** Flush and release resources. */
  close?(): void | Promise<void>;
}

/** A tracer bound to a clock (and optionally a group such as a connection). */
export interface Tracer {
  /** False when nothing listens: callers skip building events. */
  readonly enabled: boolean;
  /** Emit an event stamped with the current time. */
  emit(name: TraceEventName, data: TraceData): void;
  /** A tracer that tags every event with `group` (e.g. a connection id). */
  child(group: string): Tracer;
}

/** A tracer that records nothing. */
export const nullTracer: Tracer = {
  enabled: false,
  emit() {},
  child() {
    return nullTracer;
  },
};

/** A tracer writing to one or more sinks, stamping events with a clock. */
export class SinkTracer implements Tracer {
  /** Always true for a sink tracer. */
  readonly enabled = true;

  /**
   * @param now - clock function giving ms
   * @param sinks - destinations
   * @param group - group id stamped on every event
   */
  constructor(
    private readonly now: () => number,
    private readonly sinks: readonly TraceSink[],
    private readonly group?: string,
  ) {}

  /** {@inheritDoc Tracer.emit} */
  emit(name: TraceEventName, data: TraceData): void {
    const event: TraceEvent =
      this.group === undefined ? { time: this.now(), name, data } : { time: this.now(), name, group: this.group, data };
    for (const s of this.sinks) s.write(event);
  }

  /** {@inheritDoc Tracer.child} */
  child(group: string): Tracer {
    return new SinkTracer(this.now, this.sinks, this.group === undefined ? group : `${this.group}/${group}`);
  }
}

/** An in-memory sink for tests. */
export class MemorySink implements TraceSink {
  /** Every event written, in order. */
  readonly events: TraceEvent[] = [];

  /** {@inheritDoc TraceSink.write} */
  write(event: TraceEvent): void {
    this.events.push(event);
  }

  /** Events with the given name. */
  named(name: TraceEventName): TraceEvent[] {
    return this.events.filter((e) => e.name === name);
  }
}
