import { describe, it, expect } from 'vitest';
import { RtoEstimator } from '../../../../plugins/transport/sctp/rto.js';

describe('RTO calculation (RFC 9260 §6.3.1)', () => {
  it('starts at RTO.Initial', () => {
    expect(new RtoEstimator(1000, 1000, 60000).rto).toBe(1000);
  });

  it('C2: first measurement R gives SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR', () => {
    const r = new RtoEstimator(1000, 100, 60000);
    r.sample(400);
    expect([r.smoothed, r.variance, r.rto]).toEqual([400, 200, 1200]);
  });

  it('C3: later measurements use alpha = 1/8 and beta = 1/4 (RTTVAR first, with the old SRTT)', () => {
    const r = new RtoEstimator(1000, 100, 60000);
    r.sample(400);
    r.sample(200);
    expect(r.variance).toBe(0.75 * 200 + 0.25 * 200);
    expect(r.smoothed).toBe(0.875 * 400 + 0.125 * 200);
    expect(r.rto).toBe(r.smoothed + 4 * r.variance);
  });

  it('clamps to RTO.Min and RTO.Max and doubles on backoff up to RTO.Max', () => {
    const r = new RtoEstimator(1000, 1000, 60000);
    r.sample(10);
    expect(r.rto).toBe(1000);
    for (let i = 0; i < 10; i++) r.backoff();
    expect(r.rto).toBe(60000);
  });
});
