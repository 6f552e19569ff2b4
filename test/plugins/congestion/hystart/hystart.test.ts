import { describe, expect, it } from 'vitest';
import {
  CSS_GROWTH_DIVISOR,
  CSS_ROUNDS,
  HyStartPlusPlus,
  MAX_RTT_THRESH,
  MIN_RTT_DIVISOR,
  MIN_RTT_THRESH,
  N_RTT_SAMPLE,
} from '../../../../plugins/congestion/hystart/hystart.js';
import { Cubic, cubicFactory } from '../../../../plugins/congestion/cubic/index.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import { AckClockDriver, mbps } from '../driver.js';

/**
 * Feed one round of `samples` ACKs with the given RTT. Packets of round r are
 * sent at time 1000·r and acked during round r + 1.
 */
function round(hs: HyStartPlusPlus, r: number, rtt: number, samples = N_RTT_SAMPLE): string[] {
  const verdicts: string[] = [];
  for (let i = 0; i < samples; i++) {
    // Acks for packets sent in the previous round; the newest packet sent so far is from this round.
    verdicts.push(hs.onAck(1000 * (r - 1) + i + 0.5, rtt, 1000 * r + i));
  }
  return verdicts;
}

describe('HyStart++ constants (RFC 9406 §4.3)', () => {
  it('match the RFC', () => {
    expect([MIN_RTT_THRESH, MAX_RTT_THRESH, MIN_RTT_DIVISOR, N_RTT_SAMPLE, CSS_GROWTH_DIVISOR, CSS_ROUNDS]).toEqual([
      4, 16, 8, 8, 4, 5,
    ]);
  });
});

describe('HyStart++ state machine (RFC 9406 §4.2)', () => {
  it('stays in slow start while the round minimum RTT is stable', () => {
    const hs = new HyStartPlusPlus();
    for (let r = 1; r <= 10; r++) round(hs, r, 50);
    expect(hs.state).toBe('slow-start');
    expect(hs.rounds).toBe(10);
  });

  it('enters CSS when the round minimum grows by at least clamp(last/8, 4, 16) ms', () => {
    const hs = new HyStartPlusPlus();
    round(hs, 1, 40);
    round(hs, 2, 40 + 4.9); // threshold is max(4, 40/8 = 5) = 5 ms: not yet
    expect(hs.state).toBe('slow-start');
    round(hs, 3, 44.9 + 5.7); // threshold 5.6 ms
    expect(hs.state).toBe('css');
    expect(hs.cssBaselineMinRtt).toBeCloseTo(50.6, 9);
  });

  it('clamps the threshold to 16 ms on long paths and 4 ms on short ones', () => {
    const long = new HyStartPlusPlus();
    round(long, 1, 400);
    round(long, 2, 415.9);
    expect(long.state).toBe('slow-start');
    round(long, 3, 415.9 + 16);
    expect(long.state).toBe('css');
    const short = new HyStartPlusPlus();
    round(short, 1, 2);
    round(short, 2, 5.9);
    expect(short.state).toBe('slow-start');
    round(short, 3, 9.9);
    expect(short.state).toBe('css');
  });

  it('needs N_RTT_SAMPLE samples in a round before checking', () => {
    const hs = new HyStartPlusPlus();
    round(hs, 1, 40);
    round(hs, 2, 80, N_RTT_SAMPLE - 1);
    expect(hs.state).toBe('slow-start');
  });

  it('divides the slow-start increment by CSS_GROWTH_DIVISOR in CSS', () => {
    const hs = new HyStartPlusPlus();
    expect(hs.scaleIncrease(1000)).toBe(1000);
    round(hs, 1, 40);
    round(hs, 2, 60);
    expect(hs.scaleIncrease(1000)).toBe(250);
  });

  it('returns to slow start when a CSS round sees an RTT below the baseline', () => {
    const hs = new HyStartPlusPlus();
    round(hs, 1, 40);
    round(hs, 2, 60);
    expect(hs.state).toBe('css');
    round(hs, 3, 55);
    expect(hs.state).toBe('slow-start');
    expect(hs.cssBaselineMinRtt).toBe(Infinity);
  });

  it('asks to exit slow start after CSS_ROUNDS CSS rounds', () => {
    const hs = new HyStartPlusPlus();
    round(hs, 1, 40);
    round(hs, 2, 60);
    const verdicts: string[] = [];
    for (let r = 3; r < 3 + CSS_ROUNDS; r++) verdicts.push(...round(hs, r, 60));
    expect(verdicts.filter((v) => v === 'exit')).toHaveLength(1);
    expect(verdicts.at(-N_RTT_SAMPLE)).toBe('exit');
    expect(hs.state).toBe('done');
    expect(hs.active).toBe(false);
  });

  it('ignores missing or non-positive RTT samples', () => {
    const hs = new HyStartPlusPlus();
    hs.onAck(0, undefined, 1);
    hs.onAck(0, 0, 1);
    expect(hs.rttSampleCount).toBe(0);
  });
});

describe('HyStart++ in CUBIC on a deep-buffer path', () => {
  // 20 Mbit/s, 50 ms, drop-tail buffer of 12 BDP: the queue (and the RTT) grows
  // during slow start long before the buffer overflows.
  const path = { rttMs: 50, rate: mbps(20), buffer: 12 * mbps(20) * 50 };

  function run(hystart: boolean) {
    const d = new AckClockDriver(path, [cubicFactory({ hystart })]);
    const cc = d.cc as Cubic;
    let dropsAtExit = -1;
    let reductionsAtExit = -1;
    d.run(30_000, () => {
      if (dropsAtExit < 0 && cc.ssthresh !== Infinity) {
        dropsAtExit = d.drops;
        reductionsAtExit = cc.reductions;
      }
    });
    return { d, cc, dropsAtExit, reductionsAtExit };
  }

  it('leaves slow start on the RTT increase, before the first loss', () => {
    const { dropsAtExit, reductionsAtExit, cc } = run(true);
    expect(dropsAtExit).toBe(0);
    expect(reductionsAtExit).toBe(0);
    expect(cc.snapshot().hystart).toBe('done');
  });

  it('causes far fewer losses than standard slow start', () => {
    const on = run(true);
    const off = run(false);
    expect(off.dropsAtExit).toBeGreaterThan(0); // without it, slow start ends with a loss
    expect(on.d.drops * 5).toBeLessThan(off.d.drops);
  });

  it('can be enabled for reno too', () => {
    const d = new AckClockDriver(path, [renoFactory({ hystart: true })]);
    let dropsAtExit = -1;
    d.run(10_000, () => {
      if (dropsAtExit < 0 && d.cc.ssthresh !== Infinity) dropsAtExit = d.drops;
    });
    expect(dropsAtExit).toBe(0);
  });
});
