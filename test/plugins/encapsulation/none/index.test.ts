import { describe, it, expect } from 'vitest';
import { emptyDecapsulated } from '../../../../core/contracts/encapsulation.js';
import { ToukitError } from '../../../../core/errors.js';
import noneEncapsulationPlugin, { NoneEncapsulation, noneEncapsulationOptionsSchema } from '../../../../plugins/encapsulation/none/index.js';

describe('the none encapsulation', () => {
  it('is an encapsulation plugin named none without demultiplexing or default port', async () => {
    expect(noneEncapsulationPlugin.layer).toBe('encapsulation');
    expect(noneEncapsulationPlugin.capabilities).not.toContain('demultiplexing');
    const encap = await noneEncapsulationPlugin.create({}, undefined as never);
    expect(encap.demultiplexes).toBe(false);
    expect(encap.defaultPort).toBeUndefined();
  });
  it('adds zero bytes, even for transformed payloads', () => {
    const encap = new NoneEncapsulation();
    expect(encap.header({ proto: 6 }).length).toBe(0);
    expect(encap.overhead({ proto: 59, transform: { type: 1, originalProto: 6 } })).toBe(0);
  });
  it('reports payload offset 0 and protocol -1 for any datagram, including an empty one', () => {
    const out = emptyDecapsulated();
    for (const d of [new Uint8Array(0), Uint8Array.of(0x20, 0xff), Uint8Array.of(0x45)]) {
      new NoneEncapsulation().decapsulate(d, out);
      expect(out).toEqual({ control: false, proto: -1, payloadOffset: 0, transformType: 0, originalProto: -1, vnid: -1, directIp: false });
    }
  });
  it('cannot carry control messages', () => {
    expect(() => new NoneEncapsulation().header({ proto: 0, control: true })).toThrow(ToukitError);
  });
  it('takes no options', () => {
    expect(noneEncapsulationOptionsSchema.safeParse({}).success).toBe(true);
    expect(noneEncapsulationOptionsSchema.safeParse({ port: 1 }).success).toBe(false);
  });
});
