/**
 * The shared byte helpers: lengths of part lists, copying parts into memory
 * the caller owns, and joining them into a new array.
 */
import { describe, expect, it } from 'vitest';
import { copyParts, joinBytes, totalLength } from '../../core/bytes.js';

const parts = [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5, 6)];

describe('core/bytes', () => {
  it('totalLength sums the parts', () => {
    expect(totalLength(parts)).toBe(6);
    expect(totalLength([])).toBe(0);
  });

  it('copyParts writes the parts back to back from an offset and returns the end', () => {
    const target = new Uint8Array(10).fill(9);
    expect(copyParts(parts, target, 2)).toBe(8);
    expect([...target]).toEqual([9, 9, 1, 2, 3, 4, 5, 6, 9, 9]);
    expect(copyParts([], target)).toBe(0);
  });

  it('copyParts copies headers (byte by byte) and payloads (TypedArray.set) alike, from views at any offset', () => {
    const backing = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7) & 0xff);
    const sizes = [4, 16, 17, 1200, 0, 1, 1500];
    let at = 3;
    const views = sizes.map((n) => {
      const v = backing.subarray(at, at + n);
      at += n + 5;
      return v;
    });
    const expected = views.flatMap((v) => [...v]);
    const target = new Uint8Array(expected.length + 4);
    expect(copyParts(views, target, 4)).toBe(expected.length + 4);
    expect([...target.subarray(4)]).toEqual(expected);
  });

  it('joinBytes returns a new array with the parts in order', () => {
    const out = joinBytes(parts);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out).not.toBe(parts[0]);
  });
});
