/**
 * Garbage collections of the worker's main thread, counted by kind through
 * `perf_hooks` `'gc'` entries. A receiver that falls into back-to-back
 * mark-compacts (docs/guides/performance.md, "Back-to-back mark-compacts in
 * a busy receiver") shows it in the row's note instead of only as a low
 * ratio.
 *
 * @module
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

/** Collections since the process started counting. */
export interface GcCounts {
  /** Scavenges (young generation). */
  readonly minor: number;
  /** Mark-compacts (whole heap). */
  readonly major: number;
  /** Main-thread pause of every collection, incremental steps and weak callbacks included, ms. */
  readonly pauseMs: number;
}

let minor = 0;
let major = 0;
let pauseMs = 0;
let observer: PerformanceObserver | undefined;

function kindOf(entry: PerformanceEntry): number | undefined {
  return (entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } | null }).detail?.kind;
}

/** Start counting (idempotent: one observer per process). */
export function startGcCounting(): void {
  if (observer !== undefined) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kindOf(e);
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
      pauseMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** The counts so far (entries are delivered asynchronously, a few ms late). */
export function gcCounts(): GcCounts {
  return { minor, major, pauseMs };
}

/** `b − a`, field by field. */
export function gcDelta(a: GcCounts, b: GcCounts): GcCounts {
  return { minor: b.minor - a.minor, major: b.major - a.major, pauseMs: b.pauseMs - a.pauseMs };
}

/**
 * The receiver's collections as text, e.g. `rx GC 41 minor + 0 major, 1.3 % of the time`.
 * The collections are counted until the receiver answered, a little past its
 * last arrival, so the share slightly overstates the pauses.
 * @param gc - collections during the measured interval
 * @param measuredMs - length of that interval
 */
export function gcNote(gc: GcCounts, measuredMs: number): string {
  const share = measuredMs > 0 ? (gc.pauseMs / measuredMs) * 100 : 0;
  return `rx GC ${gc.minor} minor + ${gc.major} major, ${share.toFixed(1)} % of the time`;
}
