/**
 * The congestion-control table generator (`tools/cc-table/generate-cc-table.ts`)
 * on one cell with a short run: the metrics stay within sane bounds, a
 * larger buffer gives a longer mean queueing delay, and a run is
 * reproducible for a given seed.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { renderCcTable, runCell } from '../../tools/cc-table/generate-cc-table.js';
import type { CellOptions, CellResult } from '../../tools/cc-table/generate-cc-table.js';

const SHORT: CellOptions = { durationMs: 4000, windowMs: 3000, seed: 1 };

function expectSane(r: CellResult): void {
  expect(r.utilisation).toBeGreaterThanOrEqual(0);
  expect(r.utilisation).toBeLessThanOrEqual(1);
  expect(r.lossRate).toBeGreaterThanOrEqual(0);
  expect(r.lossRate).toBeLessThanOrEqual(1);
  expect(r.meanQueueDelayMs).toBeGreaterThanOrEqual(0);
  expect(r.offered).toBeGreaterThan(0);
  expect(r.dropped).toBeLessThanOrEqual(r.offered);
  expect(r.mss).toBeGreaterThan(0);
}

describe('cc-table generator', () => {
  it('one cell (reno, 50 ms RTT): sane metrics, larger buffer ⇒ longer queueing delay', async () => {
    const small = await runCell('reno', 50, 0.25, SHORT);
    const large = await runCell('reno', 50, 4, SHORT);
    expectSane(small);
    expectSane(large);
    expect(small.bufferBytes).toBe(15_625);
    expect(large.bufferBytes).toBe(250_000);
    expect(large.meanQueueDelayMs).toBeGreaterThan(small.meanQueueDelayMs);
    // A 4-BDP buffer never drains once filled: the link stays busy.
    expect(large.utilisation).toBeGreaterThan(0.9);
  });

  it('is deterministic: the same seed gives identical numbers and identical Markdown', async () => {
    const a = await runCell('cubic', 50, 1, SHORT);
    const b = await runCell('cubic', 50, 1, SHORT);
    expect(b).toEqual(a);
    expect(renderCcTable([b], SHORT)).toBe(renderCcTable([a], SHORT));
    expectSane(a);
  });
});
