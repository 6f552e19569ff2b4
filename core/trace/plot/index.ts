/**
 * SVG time-series plots of trace data: {@link renderTimeSeriesSvg} draws
 * charts, {@link seriesFromTrace} and {@link chartFromTrace} turn trace
 * events into series.
 *
 * @module
 */
export { renderTimeSeriesSvg, writeTimeSeriesSvg, escapeXml, PALETTE } from './svg.js';
export type { TimeSeries, TimeSeriesChart } from './svg.js';
export { seriesFromTrace, chartFromTrace, packetBytes, METRIC_AXES, UNGROUPED, MAX_WINDOWS } from './series.js';
export type { TraceMetric, SeriesFromTraceOptions, MetricAxis } from './series.js';
export { niceScale, tickFormatter, decimalsFor } from './ticks.js';
export type { AxisUnit, NiceScale } from './ticks.js';
export { parsePlotArgs, plotCli } from './cli.js';
export type { PlotCliArgs } from './cli.js';
