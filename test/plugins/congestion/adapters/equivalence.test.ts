/**
 * Reno ported through each adapter follows the native `reno` controller:
 * on the same run (same events, driven by the native controller), its
 * window stays within one MSS at every ACK.
 */
import { describe, expect, it } from 'vitest';
import {
  linuxCongestionFactory,
  quicheCongestionFactory,
  quicheRenoOps,
  tcpRenoOps,
} from '../../../../plugins/congestion/adapters/index.js';
import { renoFactory } from '../../../../plugins/congestion/reno/index.js';
import type { DriverConfig } from '../driver.js';
import { AckClockDriver, mbps } from '../driver.js';

const MSS = 1460;

const scenarios: [string, DriverConfig, { rtos?: boolean; events: number }][] = [
  ['one flow, 100 Mbit/s, 50 ms, 1-BDP buffer', { rttMs: 50, rate: mbps(100), buffer: mbps(100) * 50 }, { events: 2 }],
  ['1 % random loss', { rttMs: 50, rate: mbps(100), buffer: 1e9, lossRate: 0.01, seed: 7 }, { events: 30 }],
  ['tiny buffer, 10 Mbit/s, 20 ms', { rttMs: 20, rate: mbps(10), buffer: 10_000 }, { events: 30 }],
  ['heavy loss with timeouts', { rttMs: 50, rate: mbps(10), buffer: 3000, lossRate: 0.05, seed: 3 }, { events: 30, rtos: true }],
  ['every third reduction undone', { rttMs: 50, rate: mbps(100), buffer: 1e9, lossRate: 0.005, seed: 9, undoEvery: 3 }, { events: 20 }],
  ['every loss reported separately', { rttMs: 50, rate: mbps(50), buffer: 30_000, reportEveryLoss: true }, { events: 30 }],
];

describe('adapter-based Reno ports track the native reno', () => {
  for (const [name, cfg, expectations] of scenarios) {
    it(`${name}: within 1 MSS at every ACK`, () => {
      const d = new AckClockDriver(cfg, [renoFactory(), linuxCongestionFactory(tcpRenoOps), quicheCongestionFactory(quicheRenoOps)]);
      const worst = [0, 0];
      let acks = 0;
      d.run(30_000, () => {
        acks++;
        const [native, linux, quiche] = d.controllers;
        worst[0] = Math.max(worst[0], Math.abs(native.cwnd - linux.cwnd));
        worst[1] = Math.max(worst[1], Math.abs(native.cwnd - quiche.cwnd));
      });
      expect(acks).toBeGreaterThan(1000);
      expect(d.congestionEvents).toBeGreaterThanOrEqual(expectations.events);
      if (expectations.rtos === true) expect(d.rtos).toBeGreaterThan(0);
      expect(worst[0]).toBeLessThanOrEqual(MSS);
      expect(worst[1]).toBeLessThanOrEqual(MSS);
    });
  }
});
