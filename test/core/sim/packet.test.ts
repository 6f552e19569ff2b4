import { describe, it, expect } from 'vitest';
import { PacketFifo, SimPacket, type PacketSink } from '../../../core/sim/index.js';

const sink: PacketSink = { arrive: () => false };
const addr = { address: '10.0.0.1', family: 'IPv4', port: 1 } as const;
const packet = (n: number, wire: number) => new SimPacket(sink, n, new Uint8Array(0), wire, addr, addr);

describe('PacketFifo', () => {
  it('keeps FIFO order and a running byte count across growth and wrap-around', () => {
    const q = new PacketFifo();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) q.push(packet(next++, 10));
      for (let i = 0; i < 5; i++) out.push(q.shift()!.n);
      expect(q.bytes).toBe(q.length * 10);
    }
    while (q.length > 0) out.push(q.shift()!.n);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.bytes).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });
});
