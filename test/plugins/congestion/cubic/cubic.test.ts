import { describe, expect, it } from 'vitest';
import cubicPlugin, {
  ALPHA_CUBIC,
  BETA_CUBIC,
  CUBIC_C,
  Cubic,
  cubicFactory,
  cubicK,
  cubicOptionsSchema,
  wCubic,
} from '../../../../plugins/congestion/cubic/index.js';
import { AckClockDriver, mbps } from '../driver.js';
import { MSS, ack, lose, make } from '../fake.js';

const noHs = cubicFactory({ hystart: false });

/** A CUBIC controller that saw one loss at cwnd = `w` segments (flight = cwnd), then one ACK starting the epoch at `t0`. */
function afterLoss(w: number, opts: Parameters<typeof cubicFactory>[0] = {}, rtt = 100, t0 = 1000) {
  const r = make(cubicFactory({ hystart: false, ...opts }), { initialWindow: w * MSS });
  r.ctx.rtt.update(rtt);
  lose(r.cc, { now: t0 - 1, flight: w * MSS, largestLostSentAt: t0 - 2 });
  ack(r.cc, { now: t0, sentAt: t0 - 1 + 0.5 });
  return { cc: r.cc as Cubic, ctx: r.ctx };
}

describe('cubic plugin', () => {
  it('is named cubic, enables HyStart++ by default, and rejects unknown options', () => {
    expect(cubicPlugin.name).toBe('cubic');
    expect(cubicOptionsSchema.parse({})).toMatchObject({ hystart: true, fastConvergence: true, renoFriendly: true });
    expect(cubicOptionsSchema.safeParse({ hystrat: false }).success).toBe(false);
    const cc = make(cubicFactory()).cc;
    expect(cc.snapshot().hystart).toBe('slow-start');
    expect(make(noHs).cc.snapshot().hystart).toBe('off');
  });
});

describe('cubic: constants and the window function (RFC 9438 §4.2)', () => {
  it('uses C = 0.4, β = 0.7 and α = 3(1 − β)/(1 + β)', () => {
    expect(CUBIC_C).toBe(0.4);
    expect(BETA_CUBIC).toBe(0.7);
    expect(ALPHA_CUBIC).toBeCloseTo(0.5294, 4);
  });

  it('computes K = ∛((W_max − cwnd_epoch)/C): W_max 100, cwnd_epoch 70 ⇒ K ≈ 4.2172 s', () => {
    expect(cubicK(100, 70)).toBeCloseTo(4.2172, 4);
    expect(cubicK(100, 100)).toBe(0);
    expect(cubicK(50, 80)).toBe(0);
  });

  it('passes through cwnd_epoch at t = 0 and W_max at t = K, concave before K and convex after', () => {
    const k = cubicK(100, 70);
    expect(wCubic(0, k, 100)).toBeCloseTo(70, 9);
    expect(wCubic(k, k, 100)).toBe(100);
    expect(wCubic(k - 1, k, 100)).toBeCloseTo(100 - 0.4, 9);
    expect(wCubic(k + 1, k, 100)).toBeCloseTo(100 + 0.4, 9);
  });
});

describe('cubic: multiplicative decrease and epochs (RFC 9438 §4.6–§4.7)', () => {
  it('sets ssthresh = cwnd = 0.7·FlightSize and W_max = cwnd; the epoch K follows §4.2', () => {
    const { cc } = afterLoss(100);
    expect(cc.ssthresh).toBeCloseTo(70 * MSS, 6);
    expect(cc.wMax).toBe(100 * MSS);
    expect(cc.cwndEpoch).toBeCloseTo(70 * MSS, 6);
    expect(cc.epochStart).toBe(1000);
    expect(cc.k).toBeCloseTo(Math.cbrt((100 - 70) / 0.4), 9);
    expect(cc.k).toBeCloseTo(4.2172, 4);
  });

  it('never reduces below 2·SMSS', () => {
    const { cc } = make(noHs);
    lose(cc, { now: 1, flight: 2 * MSS, largestLostSentAt: 0 });
    expect(cc.cwnd).toBe(2 * MSS);
    expect(cc.ssthresh).toBe(2 * MSS);
  });

  it('fast convergence: a loss below the previous W_max sets W_max = cwnd·(1 + β)/2', () => {
    const { cc } = afterLoss(100);
    const w = cc.cwnd; // about 70 segments, below W_max = 100
    expect(w).toBeLessThan(71 * MSS);
    lose(cc, { now: 2000, flight: 70 * MSS, largestLostSentAt: 1500 });
    expect(cc.wMax).toBeCloseTo((w * (1 + 0.7)) / 2, 6);
    const plain = afterLoss(100, { fastConvergence: false }).cc;
    lose(plain, { now: 2000, flight: 70 * MSS, largestLostSentAt: 1500 });
    expect(plain.wMax).toBeGreaterThan(70 * MSS);
    expect(plain.wMax).toBeLessThan(71 * MSS);
  });

  it('a loss above the previous W_max sets W_max = cwnd', () => {
    const { cc } = afterLoss(10);
    for (let i = 0; i < 2000; i++) ack(cc, { now: 1001 + i * 10, sentAt: 1000 + i * 10 });
    const w = cc.cwnd;
    expect(w).toBeGreaterThan(10 * MSS);
    lose(cc, { now: 30000, flight: w, largestLostSentAt: 29000 });
    expect(cc.wMax).toBe(w);
  });

  it('starts an epoch with W_max = cwnd and K = 0 when cwnd_epoch ≥ W_max', () => {
    const { cc, ctx } = make(noHs);
    ctx.rtt.update(100);
    cc.onRetransmissionTimeout({ now: 0, bytesInFlight: 20 * MSS }); // W_max = cwnd = 10, ssthresh 14
    const c = cc as Cubic;
    expect(c.wMax).toBe(10 * MSS);
    for (let i = 0; i < 14; i++) ack(cc, { now: 100 + i, sentAt: 1 });
    expect(cc.phase).toBe('avoidance');
    expect(c.cwndEpoch).toBe(14 * MSS);
    expect(c.wMax).toBe(14 * MSS);
    expect(c.k).toBe(0);
  });

  it('starts an epoch below W_max with K > 0 (after an RTO from a large window)', () => {
    const { cc, ctx } = make(noHs, { initialWindow: 40 * MSS });
    ctx.rtt.update(100);
    cc.onRetransmissionTimeout({ now: 0, bytesInFlight: 40 * MSS }); // W_max 40, ssthresh 28
    for (let i = 0; i < 28; i++) ack(cc, { now: 100 + i, sentAt: 1 });
    const c = cc as Cubic;
    expect(c.cwndEpoch).toBeCloseTo(28 * MSS, 6);
    expect(c.k).toBeCloseTo(Math.cbrt((40 - 28) / 0.4), 6);
  });

  it('on RTO sets ssthresh = 0.7·FlightSize and cwnd = 1·SMSS (RFC 9438 §4.8)', () => {
    const { cc } = make(noHs);
    cc.onRetransmissionTimeout({ now: 5, bytesInFlight: 40 * MSS });
    expect(cc.ssthresh).toBeCloseTo(28 * MSS, 6);
    expect(cc.cwnd).toBe(MSS);
    expect(cc.phase).toBe('loss');
  });

  it('reduces once per recovery epoch', () => {
    const { cc } = make(noHs);
    lose(cc, { now: 100, flight: 40 * MSS, largestLostSentAt: 50 });
    lose(cc, { now: 110, flight: 40 * MSS, largestLostSentAt: 99 });
    expect(cc.cwnd).toBeCloseTo(28 * MSS, 6);
  });
});

describe('cubic: window growth in congestion avoidance (RFC 9438 §4.3–§4.5)', () => {
  it('concave region: grows towards W_max, flattening near it; convex beyond K', () => {
    // Reno-friendly region off: with a 100 ms RTT, W_est overtakes the curve after about 6 s.
    const { cc } = afterLoss(100, { renoFriendly: false });
    // An ACK clock of cwnd ACKs per 100 ms round trip.
    let now = 1000;
    const at = (t: number) => {
      while (now < t) {
        now += 100 / (cc.cwnd / MSS);
        ack(cc, { now, sentAt: now - 100 });
      }
      return cc.cwnd / MSS;
    };
    const w1 = at(2000);
    const w2 = at(3000);
    const w3 = at(4000);
    const wk = at(1000 + cc.k * 1000);
    expect(cc.wEst).toBeLessThan(cc.cwnd); // the estimate is still below the curve at K
    const w6 = at(6000);
    const w7 = at(7000);
    const w8 = at(8000);
    expect(w1).toBeGreaterThan(75);
    expect(w2 - w1).toBeLessThan(w1 - 70); // concave: growth slows down
    expect(w3 - w2).toBeLessThan(w2 - w1);
    expect(wk).toBeGreaterThan(99);
    expect(wk).toBeLessThanOrEqual(100.5);
    expect(w6).toBeGreaterThan(wk);
    expect(w8 - w7).toBeGreaterThan(w7 - w6); // convex: growth speeds up again
    expect(w8).toBeGreaterThan(100.5);
  });

  it('caps the target at 1.5·cwnd: one ACK adds at most half the acked bytes', () => {
    const { cc } = afterLoss(100, { renoFriendly: false });
    const before = cc.cwnd;
    ack(cc, { now: 1000 + 60_000, sentAt: 1000 + 59_900, bytes: MSS }); // t far beyond K: huge target
    expect(cc.cwnd - before).toBeCloseTo(0.5 * MSS, 6);
  });

  it('Reno-friendly region: with a short RTT, cwnd follows W_est when W_cubic(t) < W_est', () => {
    const { cc } = afterLoss(20, {}, 1);
    for (let now = 1001; now <= 1500; now += 0.05) ack(cc, { now, sentAt: now - 1 });
    const t = (1500 - cc.epochStart) / 1000;
    expect(wCubic(t, cc.k, cc.wMax / MSS) * MSS).toBeLessThan(cc.wEst);
    expect(cc.cwnd).toBeCloseTo(cc.wEst, 6);
    // W_est grows by α_cubic per window until it passes cwnd_prior, then by 1: here ≈ +2·(20 → 40) segments.
    expect(cc.cwnd).toBeGreaterThan(30 * MSS);
    const off = afterLoss(20, { renoFriendly: false }, 1).cc;
    for (let now = 1001; now <= 1500; now += 0.05) ack(off, { now, sentAt: now - 1 });
    expect(off.cwnd).toBeLessThan(cc.cwnd);
  });

  it('does not grow while application-limited, and shifts the epoch by that time (RFC 9438 §5.8)', () => {
    const { cc } = afterLoss(100);
    ack(cc, { now: 1500, sentAt: 1400 });
    const w = cc.cwnd;
    const epoch = cc.epochStart;
    ack(cc, { now: 2000, sentAt: 1900, appLimited: true });
    ack(cc, { now: 5000, sentAt: 4900, appLimited: true });
    expect(cc.cwnd).toBe(w);
    ack(cc, { now: 6000, sentAt: 5900 });
    expect(cc.epochStart).toBe(epoch + 4000);
  });
});

describe('cubic: undo (RFC 9438 §4.9)', () => {
  it('restores cwnd, ssthresh, W_max, K and the epoch', () => {
    const { cc } = afterLoss(100);
    for (let now = 1001; now <= 3000; now += 1) ack(cc, { now, sentAt: now - 100 });
    const before = { cwnd: cc.cwnd, ssthresh: cc.ssthresh, wMax: cc.wMax, k: cc.k, epoch: cc.epochStart };
    lose(cc, { now: 3001, flight: cc.cwnd, largestLostSentAt: 2950 });
    expect(cc.cwnd).toBeLessThan(before.cwnd);
    cc.onSpuriousCongestion?.(3050);
    expect({ cwnd: cc.cwnd, ssthresh: cc.ssthresh, wMax: cc.wMax, k: cc.k, epoch: cc.epochStart }).toEqual(before);
    expect(cc.phase).toBe('avoidance');
  });
});

describe('cubic on the synthetic ACK clock', () => {
  // The sender paces at cwnd/SRTT so ACKs are spread over the round trip; with
  // an unpaced sender on an idle path ACKs come in one burst per round trip and
  // cwnd steps once per RTT instead (the per-ACK rule is unchanged).
  it('after a loss, the window one RTT later is the target W_cubic(t + RTT) set at t, within 1 SMSS', () => {
    const mss = 1460;
    let dropped = false;
    const d = new AckClockDriver(
      {
        mss,
        rttMs: 100,
        rate: mbps(1000),
        buffer: 1e9,
        pacing: true,
        dropWhen: ({ cwnd }) => !dropped && cwnd >= 100 * mss && (dropped = true),
      },
      [noHs],
    );
    const cc = d.cc as Cubic;
    const targets: { t: number; target: number }[] = [];
    let checked = 0;
    let worst = 0;
    let j = 0;
    d.run(12_000, () => {
      if (cc.reductions !== 1 || cc.epochStart < 0 || cc.phase !== 'avoidance') return;
      const now = d.now;
      const rtt = d.rtt.smoothed;
      const tEpoch = (now - cc.epochStart) / 1000;
      const target = wCubic(tEpoch + rtt / 1000, cc.k, cc.wMax / mss) * mss;
      const renoBinds = wCubic(tEpoch, cc.k, cc.wMax / mss) * mss < cc.wEst;
      const capBinds = target > 1.5 * cc.cwnd;
      targets.push({ t: now, target });
      while (j + 1 < targets.length && targets[j + 1].t <= now - rtt) j++;
      const past = targets[j];
      if (!renoBinds && !capBinds && now - past.t >= rtt - 1 && now - cc.epochStart > 2 * rtt) {
        checked++;
        worst = Math.max(worst, Math.abs(cc.cwnd - past.target));
      }
    });
    expect(cc.reductions).toBe(1);
    expect(checked).toBeGreaterThan(10_000);
    expect(worst).toBeLessThanOrEqual(mss);
    // It went through the plateau at W_max and into the convex region.
    expect(cc.cwnd).toBeGreaterThan(cc.wMax);
  });
});
