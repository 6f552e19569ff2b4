/**
 * Extract plottable time series from trace events (as recorded by a
 * `MemorySink` or read back with `readJsonSeq`): one series per group
 * (connection), so several connections share one chart.
 *
 * Metric fields are read from `metrics_updated` data under the qlog names
 * (`congestion_window`, `smoothed_rtt`, `bytes_in_flight`, RFC 9002 §A.2
 * and draft-ietf-quic-qlog-quic-events) and the names used in our code
 * (`cwnd`, `srtt`, `bytesInFlight`); `queue_length` (bytes waiting) is read from any event
 * carrying `queue_length` or, as the simulator's link events do, `queueBytes`, one series per
 * link direction when the events name one (`link`).
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import type { TraceEvent } from '../tracer.js';
import type { TimeSeries, TimeSeriesChart } from './svg.js';
import type { AxisUnit } from './ticks.js';

/** Metrics {@link seriesFromTrace} can extract. */
export type TraceMetric = 'cwnd' | 'smoothed_rtt' | 'bytes_in_flight' | 'throughput' | 'queue_length';

/** Options of {@link seriesFromTrace}. */
export interface SeriesFromTraceOptions {
  /** What to extract. */
  readonly metric: TraceMetric;
  /** Only events of this group (exact match); default: every group, one series each. */
  readonly group?: string;
  /** Window for `throughput`, in ms. Default 100. */
  readonly windowMs?: number;
}

/** Data fields holding each gauge metric, first match wins. */
const FIELDS: Readonly<Record<Exclude<TraceMetric, 'throughput'>, readonly string[]>> = {
  cwnd: ['cwnd', 'congestion_window'],
  smoothed_rtt: ['smoothed_rtt', 'srtt', 'smoothedRtt'],
  bytes_in_flight: ['bytes_in_flight', 'bytesInFlight', 'flight_size'],
  queue_length: ['queue_length', 'queueBytes'],
};

/** Most throughput windows one series may have (guards against a tiny `windowMs`). */
export const MAX_WINDOWS = 1_000_000;

/** Name of the series for events without a group. */
export const UNGROUPED = 'all';

/** The first finite number among `fields` of `data`, else undefined. */
function pick(data: Readonly<Record<string, unknown>>, fields: readonly string[]): number | undefined {
  for (const f of fields) {
    const v = data[f];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/**
 * Bytes of a `packet_received` event: `length`, `size`, `bytes`,
 * `payload_length`, or qlog's `raw.length`.
 */
export function packetBytes(data: Readonly<Record<string, unknown>>): number | undefined {
  const direct = pick(data, ['length', 'size', 'bytes', 'payload_length']);
  if (direct !== undefined) return direct;
  const raw = data.raw;
  if (typeof raw === 'object' && raw !== null) return pick(raw as Record<string, unknown>, ['length', 'payload_length']);
  return undefined;
}

/** Split events by group, keeping the order in which groups first appear. */
function byGroup(events: readonly TraceEvent[], only: string | undefined, byLink = false): Map<string, TraceEvent[]> {
  const groups = new Map<string, TraceEvent[]>();
  for (const e of events) {
    // Queues belong to links: the simulator's link events name theirs (`10.0.0.1>10.0.0.2`).
    const link = byLink ? e.data.link : undefined;
    const g = typeof link === 'string' ? link : (e.group ?? UNGROUPED);
    if (only !== undefined && g !== only) continue;
    let list = groups.get(g);
    if (list === undefined) groups.set(g, (list = []));
    list.push(e);
  }
  return groups;
}

/**
 * Received throughput in bytes per second, per window of `windowMs` aligned
 * to multiples of the window, from the first to the last window with a
 * packet (empty windows in between count as 0). Each window gives a point at
 * its start plus a closing point at the end of the last window, for a step plot.
 */
function throughput(events: readonly TraceEvent[], windowMs: number): [number, number][] {
  const buckets = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const e of events) {
    if (e.name !== 'packet_received' || !Number.isFinite(e.time)) continue;
    const bytes = packetBytes(e.data);
    if (bytes === undefined) continue;
    const w = Math.floor(e.time / windowMs);
    buckets.set(w, (buckets.get(w) ?? 0) + bytes);
    if (w < first) first = w;
    if (w > last) last = w;
  }
  const points: [number, number][] = [];
  if (first === Infinity) return points;
  if (last - first >= MAX_WINDOWS) {
    throw new ConfigError('windowMs', [`windowMs: ${windowMs} ms gives ${last - first + 1} windows, more than ${MAX_WINDOWS}`]);
  }
  for (let w = first; w <= last; w++) points.push([w * windowMs, ((buckets.get(w) ?? 0) * 1000) / windowMs]);
  points.push([(last + 1) * windowMs, points[points.length - 1][1]]);
  return points;
}

/**
 * Time series of one metric, one per group (or only `group`), in the order
 * groups first appear. Events lacking the metric are ignored; groups with no
 * value at all give no series. Gauges are step series (a value holds until
 * the next update); `throughput` is bytes/s per window.
 *
 * @throws ConfigError `ERR_CONFIG_INVALID` (path `windowMs`) when `windowMs` is
 *   not a positive finite number or gives more than {@link MAX_WINDOWS} windows
 */
export function seriesFromTrace(events: readonly TraceEvent[], options: SeriesFromTraceOptions): TimeSeries[] {
  const out: TimeSeries[] = [];
  const windowMs = options.windowMs ?? 100;
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new ConfigError('windowMs', [`windowMs: must be a positive number of ms, got ${windowMs}`]);
  }
  for (const [group, list] of byGroup(events, options.group, options.metric === 'queue_length')) {
    let points: [number, number][];
    if (options.metric === 'throughput') {
      points = throughput(list, windowMs);
    } else {
      const fields = FIELDS[options.metric];
      const needsMetrics = options.metric !== 'queue_length';
      points = [];
      for (const e of list) {
        if (needsMetrics && e.name !== 'metrics_updated') continue;
        const v = pick(e.data, fields);
        if (v !== undefined && Number.isFinite(e.time)) points.push([e.time, v]);
      }
    }
    if (points.length > 0) out.push({ name: group, points, step: true });
  }
  return out;
}

/** How a metric's axis is labelled. */
export interface MetricAxis {
  /** Axis label, e.g. `cwnd`. */
  readonly label: string;
  /** Unit of the tick labels. */
  readonly unit: AxisUnit;
}

/** Axis label and unit of each metric. */
export const METRIC_AXES: Readonly<Record<TraceMetric, MetricAxis>> = {
  cwnd: { label: 'cwnd', unit: 'bytes' },
  smoothed_rtt: { label: 'smoothed RTT', unit: 'ms' },
  bytes_in_flight: { label: 'bytes in flight', unit: 'bytes' },
  throughput: { label: 'throughput', unit: 'bytes/s' },
  queue_length: { label: 'queue length', unit: 'bytes' },
};

/** A ready-to-render chart of one metric over time, one line per group. */
export function chartFromTrace(
  events: readonly TraceEvent[],
  options: SeriesFromTraceOptions & { readonly title?: string; readonly width?: number; readonly height?: number },
): TimeSeriesChart {
  const axis = METRIC_AXES[options.metric];
  return {
    title: options.title ?? `${axis.label} over time`,
    xLabel: 'time',
    yLabel: axis.label,
    xUnit: 'ms',
    yUnit: axis.unit,
    series: seriesFromTrace(events, options),
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  };
}
