import { describe, it, expect } from 'vitest';
import { emptyDecapsulated } from '../../../../core/contracts/encapsulation.js';
import { GueEncapsulation } from '../../../../plugins/encapsulation/gue/encapsulation.js';
import { controlMessageParts, experimentalControlParts, readControlMessage } from '../../../../plugins/encapsulation/gue/control.js';
import { GueBadControlError, GueUnsupportedError } from '../../../../plugins/encapsulation/gue/errors.js';

const join = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('GUE control messages (draft-ietf-intarea-gue-09 §3.2.2)', () => {
  const encap = new GueEncapsulation();

  it('a control message is C=1 with the ctype in byte 1, decoded as control with proto = ctype', () => {
    const parts = controlMessageParts(encap, 7, Uint8Array.of(1, 2, 3));
    expect([...parts[0]]).toEqual([0x20, 7, 0, 0]);
    const d = join(parts);
    const out = emptyDecapsulated();
    encap.decapsulate(d, out);
    expect(out).toMatchObject({ control: true, proto: 7 });
    const msg = readControlMessage(d, out);
    expect(msg.ctype).toBe(7);
    expect(msg.exid).toBeUndefined();
    expect([...msg.body]).toEqual([1, 2, 3]);
  });

  it('an experimental message (ctype 255) starts its payload with the 32-bit ExID, outside Hlen', () => {
    const parts = experimentalControlParts(encap, 0xcafef00d, Uint8Array.of(9));
    const d = join(parts);
    expect([...d]).toEqual([0x20, 0xff, 0, 0, 0xca, 0xfe, 0xf0, 0x0d, 9]);
    const out = emptyDecapsulated();
    encap.decapsulate(d, out);
    expect(readControlMessage(d, out)).toEqual({ ctype: 255, exid: 0xcafef00d, body: Uint8Array.of(9) });
  });

  it('helpers refuse misuse', () => {
    expect(() => controlMessageParts(encap, 255, new Uint8Array(0))).toThrow(GueUnsupportedError);
    expect(() => experimentalControlParts(encap, -1, new Uint8Array(0))).toThrow(GueUnsupportedError);
    const data = Uint8Array.of(0, 6, 0, 0);
    const out = emptyDecapsulated();
    encap.decapsulate(data, out);
    expect(() => readControlMessage(data, out)).toThrow(GueBadControlError);
  });
});
