/**
 * A {@link TraceSink} that writes qlog-style JSON text sequences
 * (RFC 7464, "JavaScript Object Notation (JSON) Text Sequences"), and a
 * reader that parses such a sequence back into {@link TraceEvent}s.
 *
 * Framing (RFC 7464 §2.2): every record is the record separator `0x1E`,
 * one JSON text, then a line feed `0x0A`. The first record is the qlog
 * header (`qlog_format: 'JSON-SEQ'`, `qlog_version: '0.3'`, draft-ietf-quic-qlog-main-schema-03 §5),
 * every further record is one event `{ time, name, group_id?, data }` whose
 * name carries a qlog category (`transport:packet_sent`, `recovery:metrics_updated`, …).
 *
 * Writes are buffered and synchronous: a file sink writes with
 * `fs.writeSync` once the buffer passes a threshold, so tracing never
 * schedules a Promise per event. A sink never throws out of
 * {@link JsonSeqSink.write}: values JSON cannot carry (bigint, cycles) are
 * replaced and counted, because the tracer runs on receive paths.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { DecodeError } from '../errors.js';
import type { TraceData, TraceEvent, TraceSink } from './tracer.js';

/** RFC 7464 §2.2 record separator (ASCII RS). */
export const RECORD_SEPARATOR = '\u001e';

/** Serialisation format of the header, draft-ietf-quic-qlog-main-schema-03 §5. */
export const QLOG_FORMAT = 'JSON-SEQ';

/** qlog schema version written in the header. */
export const QLOG_VERSION = '0.3';

/** Category used for event names that have no qlog category of their own. */
export const TOUKIT_CATEGORY = 'toukit';

/**
 * Our standard event names mapped to qlog `category:event` names
 * (draft-ietf-quic-qlog-quic-events: transport, recovery, connectivity, security).
 * `handshake_step` has no qlog counterpart; it is filed under `security`.
 */
export const QLOG_EVENT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  packet_sent: 'transport:packet_sent',
  packet_received: 'transport:packet_received',
  packet_dropped: 'transport:packet_dropped',
  packet_lost: 'recovery:packet_lost',
  metrics_updated: 'recovery:metrics_updated',
  congestion_state_updated: 'recovery:congestion_state_updated',
  connection_state_updated: 'connectivity:connection_state_updated',
  handshake_step: 'security:handshake_step',
});

const OUR_EVENT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(QLOG_EVENT_NAMES).map(([ours, qlog]) => [qlog, ours]),
);

/**
 * The qlog name for one of our event names: the standard names get their
 * qlog category, any other name without a `:` is put in the `toukit` category,
 * and a name that already has a category is kept as it is.
 */
export function toQlogName(name: string): string {
  const mapped = QLOG_EVENT_NAMES[name];
  if (mapped !== undefined) return mapped;
  return name.includes(':') ? name : `${TOUKIT_CATEGORY}:${name}`;
}

/** Inverse of {@link toQlogName}: strips the category of standard and `toukit:` names. */
export function fromQlogName(qlogName: string): string {
  const ours = OUR_EVENT_NAMES.get(qlogName);
  if (ours !== undefined) return ours;
  const prefix = `${TOUKIT_CATEGORY}:`;
  return qlogName.startsWith(prefix) ? qlogName.slice(prefix.length) : qlogName;
}

/** qlog vantage point (draft-ietf-quic-qlog-main-schema-03 §3.4.3). */
export interface QlogVantagePoint {
  /** Free-form name of the observer, e.g. `client`. */
  readonly name?: string;
  /** Role of the observer. */
  readonly type: 'client' | 'server' | 'network' | 'unknown';
}

/** The first record of a qlog JSON-SEQ file. */
export interface QlogSeqHeader {
  /** Always `'0.3'` for files this module writes. */
  readonly qlog_version: string;
  /** Always `'JSON-SEQ'`. */
  readonly qlog_format: string;
  /** Title of the file. */
  readonly title?: string;
  /** Longer description. */
  readonly description?: string;
  /** The single trace the sequence carries. */
  readonly trace: {
    /** Trace title. */
    readonly title?: string;
    /** Fields shared by every event (qlog §3.4.7). */
    readonly common_fields?: Readonly<Record<string, unknown>>;
    /** Who recorded the trace. */
    readonly vantage_point?: QlogVantagePoint;
  };
}

/** Options of {@link JsonSeqSink}. */
export interface JsonSeqSinkOptions {
  /** File title written in the header. Default `'toukit trace'`. */
  readonly title?: string;
  /** Description written in the header. */
  readonly description?: string;
  /** Vantage point written in the header. Default `{ type: 'unknown' }`. */
  readonly vantagePoint?: QlogVantagePoint;
  /** `common_fields.protocol_type`. Default `['TOUKIT']`. */
  readonly protocolType?: readonly string[];
  /** `common_fields.group_id` (events with another group carry their own `group_id`). */
  readonly groupId?: string;
  /** `common_fields.reference_time`, wall-clock ms since the Unix epoch; omitted when not given (keeps output deterministic). */
  readonly referenceTime?: number;
  /** Subtracted from every event time in ms, so times start near 0. Default 0. */
  readonly timeOrigin?: number;
  /** Buffered bytes (UTF-16 code units) before a flush to the destination; 0 writes every record through. Default 65,536. */
  readonly bufferSize?: number;
}

/** Anything with a `write(string)` method, e.g. a `fs.WriteStream` or `process.stdout`. */
export interface StringWritable {
  /** Append text. */
  write(chunk: string): unknown;
}

/** Converts values JSON cannot carry: bigints become decimal strings. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Serialise one event as a qlog JSON-SEQ record (RS + JSON + LF). Throws on cyclic data. */
export function formatQlogRecord(event: TraceEvent, timeOrigin = 0, commonGroup?: string): string {
  const rec: { time: number; name: string; group_id?: string; data: TraceData } =
    event.group === undefined || event.group === commonGroup
      ? { time: event.time - timeOrigin, name: toQlogName(event.name), data: event.data }
      : { time: event.time - timeOrigin, name: toQlogName(event.name), group_id: event.group, data: event.data };
  return RECORD_SEPARATOR + JSON.stringify(rec, replacer) + '\n';
}

/**
 * A trace sink writing an RFC 7464 JSON text sequence in qlog style to a
 * file path or to any {@link StringWritable}.
 *
 * @example
 * ```ts
 * const sink = JsonSeqSink.toFile('/tmp/run.sqlog', { title: 'bench', vantagePoint: { type: 'client' } });
 * const tracer = new SinkTracer(() => clock.now(), [sink]);
 * // … run …
 * sink.close();
 * ```
 */
export class JsonSeqSink implements TraceSink {
  /** Events written so far (the header is not counted). */
  eventsWritten = 0;
  /** Events whose data could not be serialised (e.g. cycles); each was written with `data: { unserialisable: true }`. */
  unserialisable = 0;
  private buffer = '';
  private closed = false;
  private readonly bufferSize: number;
  private readonly timeOrigin: number;
  private readonly groupId: string | undefined;

  /**
   * @param out - destination of the text (flushed in chunks)
   * @param options - header fields and buffering
   * @param onClose - called once after the final flush (closes a file descriptor)
   */
  constructor(
    private readonly out: StringWritable,
    options: JsonSeqSinkOptions = {},
    private readonly onClose?: () => void,
  ) {
    this.bufferSize = options.bufferSize ?? 65_536;
    this.timeOrigin = options.timeOrigin ?? 0;
    this.groupId = options.groupId;
    this.buffer = RECORD_SEPARATOR + JSON.stringify(buildHeader(options)) + '\n';
    if (this.bufferSize === 0) this.flush();
  }

  /**
   * A sink writing the file at `path` (created, or truncated: one file per run) with
   * buffered synchronous writes; {@link JsonSeqSink.close} closes the file.
   */
  static toFile(path: string, options: JsonSeqSinkOptions = {}): JsonSeqSink {
    const fd = openSync(path, 'w');
    return new JsonSeqSink({ write: (s: string) => writeSync(fd, s) }, options, () => closeSync(fd));
  }

  /** Record one event (buffered; never throws, ignored after close). */
  write(event: TraceEvent): void {
    if (this.closed) return;
    let rec: string;
    try {
      rec = formatQlogRecord(event, this.timeOrigin, this.groupId);
    } catch {
      this.unserialisable++;
      rec = formatQlogRecord({ ...event, data: { unserialisable: true } }, this.timeOrigin, this.groupId);
    }
    this.buffer += rec;
    this.eventsWritten++;
    if (this.buffer.length >= this.bufferSize) this.flush();
  }

  /** Write buffered records to the destination. */
  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    this.out.write(text);
  }

  /** Flush and release the destination (closes the file of {@link JsonSeqSink.toFile}). Idempotent; later writes are ignored. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.onClose?.();
  }
}

/** Build the header record of {@link JsonSeqSink}. */
function buildHeader(options: JsonSeqSinkOptions): QlogSeqHeader {
  const common: Record<string, unknown> = {
    protocol_type: options.protocolType ?? ['TOUKIT'],
    time_format: 'relative',
  };
  if (options.groupId !== undefined) common.group_id = options.groupId;
  if (options.referenceTime !== undefined) common.reference_time = options.referenceTime;
  const title = options.title ?? 'toukit trace';
  const header: QlogSeqHeader = {
    qlog_version: QLOG_VERSION,
    qlog_format: QLOG_FORMAT,
    title,
    ...(options.description === undefined ? {} : { description: options.description }),
    trace: {
      title,
      common_fields: common,
      vantage_point: options.vantagePoint ?? { type: 'unknown' },
    },
  };
  return header;
}

/** A JSON text sequence that cannot be read; `code` says why, `record` is the 0-based record index. */
export class JsonSeqError extends DecodeError {
  /** Index of the offending record (0 is the header), or -1 for text before the first separator. */
  readonly record: number;

  /**
   * @param code - stable error code, e.g. `ERR_JSONSEQ_BAD_JSON`
   * @param reason - drop-counter key, e.g. `jsonseq_bad_json`
   * @param record - index of the offending record
   * @param message - description
   */
  constructor(code: string, reason: string, record: number, message: string) {
    super(code, reason, message);
    this.record = record;
  }
}

/** Result of {@link readJsonSeq}. */
export interface JsonSeqTrace {
  /** The header record. */
  readonly header: QlogSeqHeader;
  /** Events in file order, with our names (categories of standard names stripped). */
  readonly events: TraceEvent[];
  /** Malformed records skipped (only with `onInvalid: 'skip'`). */
  readonly skipped: number;
}

/** Options of {@link readJsonSeq}. */
export interface ReadJsonSeqOptions {
  /**
   * `'throw'` (default) raises a {@link JsonSeqError} on the first malformed
   * record; `'skip'` drops malformed event records and counts them, as
   * RFC 7464 §2.3 allows. A malformed header always throws.
   */
  readonly onInvalid?: 'throw' | 'skip';
}

/**
 * Parse a qlog JSON text sequence (as written by {@link JsonSeqSink}).
 * Group ids come from each event's `group_id`, else from the header's
 * `common_fields.group_id`; `time` is returned as written.
 *
 * @throws JsonSeqError `ERR_JSONSEQ_NO_RS` (text before the first RS or empty input),
 *   `ERR_JSONSEQ_TRUNCATED` (a record not ending in LF), `ERR_JSONSEQ_BAD_JSON`,
 *   `ERR_JSONSEQ_BAD_HEADER`, `ERR_JSONSEQ_BAD_EVENT`
 */
export function readJsonSeq(text: string, options: ReadJsonSeqOptions = {}): JsonSeqTrace {
  const skip = options.onInvalid === 'skip';
  if (!text.startsWith(RECORD_SEPARATOR)) {
    throw new JsonSeqError('ERR_JSONSEQ_NO_RS', 'jsonseq_no_rs', -1, 'a JSON text sequence must start with RS (0x1E)');
  }
  const parts = text.split(RECORD_SEPARATOR);
  const events: TraceEvent[] = [];
  let header: QlogSeqHeader | undefined;
  let commonGroup: string | undefined;
  let skipped = 0;
  let index = -1;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    // RFC 7464 §2.1: `1*RS` — consecutive separators delimit nothing.
    if (part.length === 0) continue;
    index++;
    try {
      const value = parseRecord(part, index);
      if (header === undefined) {
        header = checkHeader(value, index);
        const g = header.trace.common_fields?.group_id;
        commonGroup = typeof g === 'string' ? g : undefined;
      } else {
        events.push(checkEvent(value, index, commonGroup));
      }
    } catch (err) {
      if (!skip || header === undefined || !(err instanceof JsonSeqError)) throw err;
      skipped++;
    }
  }
  if (header === undefined) {
    throw new JsonSeqError('ERR_JSONSEQ_BAD_HEADER', 'jsonseq_bad_header', 0, 'the sequence has no header record');
  }
  return { header, events, skipped };
}

/** Parse one record body (the text between two RS). */
function parseRecord(part: string, index: number): unknown {
  if (!part.endsWith('\n')) {
    throw new JsonSeqError('ERR_JSONSEQ_TRUNCATED', 'jsonseq_truncated', index, `record ${index} does not end with LF (truncated)`);
  }
  try {
    return JSON.parse(part) as unknown;
  } catch {
    throw new JsonSeqError('ERR_JSONSEQ_BAD_JSON', 'jsonseq_bad_json', index, `record ${index} is not valid JSON`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkHeader(value: unknown, index: number): QlogSeqHeader {
  if (!isObject(value) || value.qlog_format !== QLOG_FORMAT || typeof value.qlog_version !== 'string' || !isObject(value.trace)) {
    throw new JsonSeqError(
      'ERR_JSONSEQ_BAD_HEADER',
      'jsonseq_bad_header',
      index,
      `record ${index} is not a qlog JSON-SEQ header (needs qlog_format 'JSON-SEQ', qlog_version and trace)`,
    );
  }
  return value as unknown as QlogSeqHeader;
}

function checkEvent(value: unknown, index: number, commonGroup: string | undefined): TraceEvent {
  if (!isObject(value) || typeof value.time !== 'number' || typeof value.name !== 'string' || !isObject(value.data)) {
    throw new JsonSeqError('ERR_JSONSEQ_BAD_EVENT', 'jsonseq_bad_event', index, `record ${index} is not an event { time, name, data }`);
  }
  const gid = value.group_id;
  if (gid !== undefined && typeof gid !== 'string') {
    throw new JsonSeqError('ERR_JSONSEQ_BAD_EVENT', 'jsonseq_bad_event', index, `record ${index} has a non-string group_id`);
  }
  const group = gid ?? commonGroup;
  const name = fromQlogName(value.name);
  return group === undefined ? { time: value.time, name, data: value.data } : { time: value.time, name, group, data: value.data };
}
