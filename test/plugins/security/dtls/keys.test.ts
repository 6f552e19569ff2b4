import { describe, it, expect } from 'vitest';
import { ephemeralScalar } from '../../../../plugins/security/dtls/keys.js';

describe('ephemeralScalar', () => {
  const counter = (): { fill: (b: Uint8Array) => void; calls: () => number } => {
    let n = 0;
    return { fill: (b) => void (n++, b.fill(0xff)), calls: () => n };
  };

  it('uses the 32 bytes drawn by the caller once, as a copy, without drawing more', () => {
    const first = new Uint8Array(32).fill(0xa5);
    const c = counter();
    const k = ephemeralScalar(c.fill, 'x25519', first);
    expect(k).toEqual(first);
    expect(k).not.toBe(first);
    expect(c.calls()).toBe(0);
    const p = ephemeralScalar(c.fill, 'secp256r1', first);
    expect(p[0]).toBe(0x25); // top bit cleared: below the P-256 group order
    expect(p.subarray(1)).toEqual(first.subarray(1));
  });

  it('draws again while the scalar is zero, and draws itself without a first candidate', () => {
    const c = counter();
    expect(ephemeralScalar(c.fill, 'x25519', new Uint8Array(32))).toEqual(new Uint8Array(32).fill(0xff));
    expect(c.calls()).toBe(1);
    const top = new Uint8Array(32);
    top[0] = 0x80; // zero once the P-256 top bit is cleared
    expect(ephemeralScalar(c.fill, 'secp256r1', top)[0]).toBe(0x7f);
    expect(c.calls()).toBe(2);
    expect(ephemeralScalar(c.fill, 'x25519')).toEqual(new Uint8Array(32).fill(0xff));
    expect(c.calls()).toBe(3);
    expect(() => ephemeralScalar(c.fill, 'x25519', new Uint8Array(31))).toThrow(RangeError);
  });
});
