/**
 * Compliance suite for congestion controllers. Call
 * {@link describeCongestionCompliance} from a vitest file with a controller
 * factory; it declares tests that drive the controller through the
 * contract's events (send, ACK, loss, timeout, undo, idle, MSS change) and
 * check the invariants every controller must keep.
 *
 * Events are handed over as the built-in transports do: one object per
 * event kind, reused from call to call. After each call its fields are
 * overwritten, a read of a field after the call returned fails the test,
 * and one test checks that the controller keeps no reference to an event
 * object (they are valid only during the call; copy what you keep).
 *
 * @example
 * ```ts
 * import { describeCongestionCompliance } from 'toukit/testing';
 * describeCongestionCompliance('my-cc', myFactory);
 * ```
 *
 * @module
 */
import { describe, it } from 'vitest';
import type { CongestionControllerFactory } from '../contracts/congestion.js';
import {
  checkCanSendFillsCwnd,
  checkConstantWindow,
  checkEventLifetime,
  checkGrowth,
  checkInitialState,
  checkMtuChange,
  checkOneReductionPerEpisode,
  checkParameterFloors,
  checkRandomSequences,
  checkReductionInLaterWindow,
  checkRtoCollapse,
  checkUndo,
} from './congestion-checks.js';
import type { CheckResult } from './transport-rules.js';

/** Options of {@link describeCongestionCompliance}. */
export interface CongestionComplianceOptions {
  /** Segment size in bytes (default 1200). */
  readonly mss?: number;
  /**
   * Whether the controller reacts to congestion (default true). Set false for
   * controllers with a constant window such as `none` and `fixed`: the
   * reduction, timeout and growth checks are then replaced by "the window
   * never changes".
   */
  readonly reactive?: boolean;
  /**
   * Whether a reduction can be undone by `onSpuriousCongestion` (default:
   * true when the controller has the method, which is optional; the undo
   * check is then skipped for a controller without it). `true` requires the
   * method; `false` skips the check.
   */
  readonly undo?: boolean;
  /** Random event sequences to run (default 25). */
  readonly sequences?: number;
  /** Events per random sequence (default 400). */
  readonly steps?: number;
}

/**
 * Declare the congestion-controller compliance tests for `factory`.
 * @param name - controller name used in the test titles
 * @param factory - the factory under test
 * @param options - see {@link CongestionComplianceOptions}
 */
export function describeCongestionCompliance(name: string, factory: CongestionControllerFactory, options: CongestionComplianceOptions = {}): void {
  const reactive = options.reactive ?? true;
  const test = (title: string, check: (f: CongestionControllerFactory, o: CongestionComplianceOptions) => CheckResult): void => {
    it(title, (ctx) => {
      const skipped = check(factory, options);
      if (skipped !== undefined) ctx.skip(skipped);
    });
  };

  describe(`congestion compliance: ${name}`, () => {
    test('starts with a positive window, a positive ssthresh and a valid phase', checkInitialState);
    test('lets the sender fill exactly cwnd (canSend consistent with cwnd)', checkCanSendFillsCwnd);
    if (!reactive) {
      test('keeps its window whatever happens', checkConstantWindow);
    } else {
      test('grows the window when a full window is acknowledged', checkGrowth);
      test('reduces on loss, once per recovery epoch', checkOneReductionPerEpisode);
      test('reduces again for a loss in a later window', checkReductionInLaterWindow);
      test('collapses to the loss window on a retransmission timeout', checkRtoCollapse);
      test('honours params.minCwnd and params.minSsthresh', checkParameterFloors);
      test('undoes a spurious reduction', checkUndo);
    }
    test('survives random event sequences with its invariants intact', checkRandomSequences);
    test('keeps a window of at least one new MSS after an MSS change', checkMtuChange);
    test('keeps no event object past the call (events are reused, as by the built-in transports)', checkEventLifetime);
  });
}
