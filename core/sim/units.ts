/**
 * Unit parsing for simulator options. Units are the project's: rates in
 * bit/s, sizes in bytes, times in milliseconds. Numbers are taken as already
 * in those units; strings carry an explicit unit:
 *
 * - rates: `'100Mbit'` (= 10^8 bit/s), `'10Mbps'`, `'1Gbit'`, `'64kbit'`,
 *   `'2Mibit'` (binary prefixes), `'1200bit'`, `'1500bps'`;
 * - sizes: `'1500B'`, `'64KB'` (= 64,000), `'64KiB'` (= 65,536), `'1MB'`,
 *   `'1MiB'`, and `'1bdp'` / `'0.25bdp'` (a multiple of the path's
 *   bandwidth-delay product, when the caller supplies it);
 * - times: `'100us'`, `'25ms'`, `'2s'`, `'500ns'`, `'1min'`.
 *
 * Bad input raises {@link SimUnitError} (`ERR_SIM_BAD_UNIT`).
 *
 * @module
 */
import { SimUnitError } from './errors.js';

/** A rate: bit/s as a number, or a string with a unit such as `'100Mbit'`. */
export type RateInput = number | string;
/** A size: bytes as a number, or a string such as `'64KiB'` or `'1bdp'`. */
export type SizeInput = number | string;
/** A duration or instant: milliseconds as a number, or a string such as `'25ms'`. */
export type TimeInput = number | string;

const NUMBER = '([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';
const PATTERN = new RegExp(`^\\s*(${NUMBER})\\s*([A-Za-zµ/]*)\\s*$`);

const DECIMAL: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const BINARY: Record<string, number> = { ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 };

function split(input: string): { value: number; unit: string } | undefined {
  const m = PATTERN.exec(input);
  if (m === null) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return undefined;
  return { value, unit: m[3] };
}

function checkNumber(path: string, input: number, expected: string): number {
  if (!Number.isFinite(input) || input < 0) throw new SimUnitError(path, input, expected);
  return input;
}

function prefixFactor(prefix: string, caseSensitiveMega: boolean): number | undefined {
  const lower = prefix.toLowerCase();
  if (lower in BINARY) return BINARY[lower];
  if (caseSensitiveMega && prefix === 'm') return undefined; // milli-bytes make no sense
  return DECIMAL[lower];
}

const RATE_EXPECTED = "a rate in bit/s: a number or a string such as '100Mbit', '10Mbps', '64kbit'";

/**
 * Parses a rate into bit/s. Accepts `bit`, `bps`, `bit/s` with SI prefixes
 * `k`, `M`, `G`, `T` (case-insensitive, powers of 1000) or binary prefixes
 * `Ki`, `Mi`, `Gi` (powers of 1024). `Infinity` means "no limit".
 *
 * @param input - the rate
 * @param path - option path for error messages
 * @returns bit/s
 */
export function parseRate(input: RateInput, path = 'rate'): number {
  if (typeof input === 'number') {
    if (input === Infinity) return input;
    return checkNumber(path, input, RATE_EXPECTED);
  }
  if (typeof input !== 'string') throw new SimUnitError(path, input, RATE_EXPECTED);
  const parts = split(input);
  if (parts === undefined) throw new SimUnitError(path, input, RATE_EXPECTED);
  const m = /^(|[kKmMgGtT]i?)(bit|bits|bps|bit\/s|b\/s)$/.exec(parts.unit);
  if (m === null) throw new SimUnitError(path, input, RATE_EXPECTED);
  const factor = prefixFactor(m[1], false);
  if (factor === undefined) throw new SimUnitError(path, input, RATE_EXPECTED);
  return parts.value * factor;
}

const SIZE_EXPECTED = "a size in bytes: a number or a string such as '1500B', '64KB', '64KiB', '1bdp'";

/**
 * Parses a size into bytes. Accepts `B` with prefixes `k`/`K`, `M`, `G`
 * (powers of 1000) or `Ki`, `Mi`, `Gi` (powers of 1024), and `bdp`
 * multiples when `bdp` (bytes) is given. Lower-case `b` (bits) is rejected
 * as ambiguous. Results are rounded to whole bytes.
 *
 * @param input - the size
 * @param path - option path for error messages
 * @param bdp - the path's bandwidth-delay product in bytes, if defined
 * @returns bytes
 */
export function parseSize(input: SizeInput, path = 'size', bdp?: number): number {
  if (typeof input === 'number') {
    if (input === Infinity) return input;
    return Math.round(checkNumber(path, input, SIZE_EXPECTED));
  }
  if (typeof input !== 'string') throw new SimUnitError(path, input, SIZE_EXPECTED);
  const parts = split(input);
  if (parts === undefined) throw new SimUnitError(path, input, SIZE_EXPECTED);
  if (parts.unit.toLowerCase() === 'bdp') {
    if (bdp === undefined || !Number.isFinite(bdp)) {
      throw new SimUnitError(path, input, 'a byte size: a bdp multiple needs a finite bandwidth on this direction');
    }
    return Math.round(parts.value * bdp);
  }
  const m = /^(|[kKmMgGtT]i?)(B|bytes?|Bytes?)$/.exec(parts.unit);
  if (m === null) throw new SimUnitError(path, input, SIZE_EXPECTED);
  const factor = prefixFactor(m[1], true);
  if (factor === undefined) throw new SimUnitError(path, input, SIZE_EXPECTED);
  return Math.round(parts.value * factor);
}

const TIME_FACTORS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  h: 3_600_000,
};

const TIME_EXPECTED = "a time in ms: a number or a string such as '25ms', '2s', '100us'";

/**
 * Parses a duration or instant into milliseconds. Accepts `ns`, `us`/`µs`,
 * `ms`, `s`, `min`, `h`.
 *
 * @param input - the time
 * @param path - option path for error messages
 * @returns milliseconds
 */
export function parseTime(input: TimeInput, path = 'time'): number {
  if (typeof input === 'number') {
    if (input === Infinity) return input;
    return checkNumber(path, input, TIME_EXPECTED);
  }
  if (typeof input !== 'string') throw new SimUnitError(path, input, TIME_EXPECTED);
  const parts = split(input);
  if (parts === undefined) throw new SimUnitError(path, input, TIME_EXPECTED);
  const factor = TIME_FACTORS[parts.unit];
  if (factor === undefined) throw new SimUnitError(path, input, TIME_EXPECTED);
  return parts.value * factor;
}

/**
 * Bandwidth-delay product in bytes: `rate` (bit/s) × `rtt` (ms).
 *
 * @param rate - bit/s
 * @param rtt - round-trip propagation delay in ms
 */
export function bdpBytes(rate: number, rtt: number): number {
  return (rate * rtt) / 8000;
}
