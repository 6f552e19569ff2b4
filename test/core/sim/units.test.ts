import { describe, it, expect } from 'vitest';
import { bdpBytes, parseRate, parseSize, parseTime, SimUnitError } from '../../../core/sim/index.js';

describe('parseRate (bit/s)', () => {
  it('reads SI prefixes as powers of 1000', () => {
    expect(parseRate('100Mbit')).toBe(1e8);
    expect(parseRate('10Mbps')).toBe(1e7);
    expect(parseRate('1Gbit')).toBe(1e9);
    expect(parseRate('64kbit')).toBe(64_000);
    expect(parseRate('2.5 Mbit/s')).toBe(2.5e6);
    expect(parseRate('1200bit')).toBe(1200);
  });
  it('reads binary prefixes as powers of 1024', () => {
    expect(parseRate('1Kibit')).toBe(1024);
    expect(parseRate('2Mibit')).toBe(2 * 2 ** 20);
  });
  it('takes numbers as bit/s and Infinity as unlimited', () => {
    expect(parseRate(5000)).toBe(5000);
    expect(parseRate(Infinity)).toBe(Infinity);
  });
  it('rejects malformed rates with ERR_SIM_BAD_UNIT naming the option', () => {
    for (const bad of ['fast', '10', '10MB', '10 parsecs', '-5Mbit', 'Mbit', '']) {
      let err: unknown;
      try {
        parseRate(bad, 'link.ab.bandwidth');
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(SimUnitError);
      expect((err as SimUnitError).code).toBe('ERR_SIM_BAD_UNIT');
      expect((err as SimUnitError).path).toBe('link.ab.bandwidth');
    }
    expect(() => parseRate(-1)).toThrow(SimUnitError);
    expect(() => parseRate(Number.NaN)).toThrow(SimUnitError);
  });
});

describe('parseSize (bytes)', () => {
  it('distinguishes decimal and binary prefixes', () => {
    expect(parseSize('64KB')).toBe(64_000);
    expect(parseSize('64kB')).toBe(64_000);
    expect(parseSize('64KiB')).toBe(65_536);
    expect(parseSize('1500B')).toBe(1500);
    expect(parseSize('1MB')).toBe(1e6);
    expect(parseSize('1MiB')).toBe(2 ** 20);
    expect(parseSize(1234)).toBe(1234);
  });
  it('resolves bdp multiples against the given bandwidth-delay product', () => {
    const bdp = bdpBytes(100e6, 50); // 100 Mbit/s × 50 ms
    expect(bdp).toBe(625_000);
    expect(parseSize('1bdp', 'q', bdp)).toBe(625_000);
    expect(parseSize('0.25bdp', 'q', bdp)).toBe(156_250);
    expect(parseSize('4bdp', 'q', bdp)).toBe(2_500_000);
  });
  it('rejects bdp without a bandwidth, bits, and garbage', () => {
    expect(() => parseSize('1bdp')).toThrow(SimUnitError);
    expect(() => parseSize('1500b')).toThrow(SimUnitError);
    expect(() => parseSize('1mB')).toThrow(SimUnitError);
    expect(() => parseSize('big')).toThrow(SimUnitError);
    expect(() => parseSize(-3)).toThrow(SimUnitError);
  });
});

describe('parseTime (ms)', () => {
  it('converts every unit to milliseconds', () => {
    expect(parseTime('25ms')).toBe(25);
    expect(parseTime('2s')).toBe(2000);
    expect(parseTime('100us')).toBeCloseTo(0.1, 12);
    expect(parseTime('100µs')).toBeCloseTo(0.1, 12);
    expect(parseTime('500ns')).toBeCloseTo(0.0005, 12);
    expect(parseTime('1min')).toBe(60_000);
    expect(parseTime(7.5)).toBe(7.5);
  });
  it('rejects missing or unknown units', () => {
    expect(() => parseTime('25')).toThrow(SimUnitError);
    expect(() => parseTime('25 fortnights')).toThrow(SimUnitError);
    expect(() => parseTime('-1ms')).toThrow(SimUnitError);
  });
});
