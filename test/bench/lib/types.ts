/**
 * Types shared by the benchmark harness and its cases.
 *
 * @module
 */
import type { GcCounts } from './gc-counter.js';

/** A target a measured value should meet, e.g. ratio ≥ 0.9 or bytes ≤ 16 KiB. */
export interface BenchTarget {
  /** `>=` (at least) or `<=` (at most). */
  readonly op: '>=' | '<=';
  /** Threshold, in the unit of the compared quantity. */
  readonly value: number;
  /** What is compared: the row's `value` or its `ratio` to raw UDP. */
  readonly on: 'value' | 'ratio';
}

/** One line of the results table. */
export interface BenchRow {
  /** Case name. */
  readonly case: string;
  /** What was measured, e.g. `received throughput`. */
  readonly metric: string;
  /** Measured value, or null when skipped or failed. */
  readonly value: number | null;
  /** Unit of `value` (e.g. `MB/s`, `ms`, `B`). */
  readonly unit: string;
  /** Ratio to the raw-UDP throughput of the same run (filled in by the harness for rows with `compare: 'udp'`). */
  readonly ratio?: number;
  /** `'udp'`: `value` is a throughput in MB/s to compare with raw UDP; the harness sets `ratio` and judges the target. */
  readonly compare?: 'udp';
  /** Target, if the project set one. */
  readonly target?: BenchTarget;
  /** `ok`: measured (and target met if any); `missed`: target not met; `skipped`; `failed`. */
  readonly status: 'ok' | 'missed' | 'skipped' | 'failed';
  /** Extra detail (loss, packet rate, why skipped, the error). */
  readonly note?: string;
}

/** Raw `node:dgram` throughput, the ceiling every stack is compared with. */
export interface RawUdpResult {
  /** Received bytes per second. */
  readonly bytesPerSecond: number;
  /** Received datagrams per second. */
  readonly packetsPerSecond: number;
  /** 1 − received / sent. */
  readonly loss: number;
  /** Sender CPU time while sending, fraction of one core. */
  readonly senderCpu: number;
  /** Receiver CPU time while receiving, fraction of one core. */
  readonly receiverCpu: number;
  /** The receiver's garbage collections while measuring. */
  readonly gc: GcCounts;
  /** Length of the measured interval, ms. */
  readonly measuredMs: number;
}

/** What a case gets from the harness. */
export interface BenchContext {
  /** Measuring time of one throughput run, ms. */
  readonly durationMs: number;
  /** Print a progress line. */
  log(message: string): void;
  /** With `--trace`: where stack cases write qlog JSON-SEQ traces and SVG plots. */
  readonly traceDir?: string;
  /** With `--paired N`: stack throughput cases measure N paired rounds against raw UDP (see `paired.ts`). */
  readonly paired?: number;
}

/** A benchmark case. */
export interface BenchCase {
  /** Unique name, e.g. `gue-tcp`. */
  readonly name: string;
  /** Filter words besides the name (e.g. `udp`, `dtls`, `cc`). */
  readonly tags: readonly string[];
  /** One line saying what is measured. */
  readonly description: string;
  /** True when the case reports throughput compared with raw UDP (the harness then measures raw UDP too). */
  readonly comparesToUdp?: boolean;
  /** True when, with `--paired N`, the case measures paired rounds against raw UDP itself (no separate raw runs needed). */
  readonly pairs?: boolean;
  /** Wall-clock budget in ms; the harness abandons the case after it. */
  readonly budgetMs: number;
  /** Why the case cannot run here (missing plugin or module), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  /** Run and return rows. */
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Status of a value against its target. */
export function judge(value: number | null | undefined, target: BenchTarget | undefined): 'ok' | 'missed' {
  if (target === undefined || value === null || value === undefined) return 'ok';
  return (target.op === '>=' ? value >= target.value : value <= target.value) ? 'ok' : 'missed';
}

/** 10^6: benchmark throughput is in MB/s (decimal), as in the perf baselines. */
export const MB = 1e6;
