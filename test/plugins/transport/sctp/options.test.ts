import { describe, it, expect } from 'vitest';
import { createStack, ConfigError } from '../../../../core/index.js';
import sctp, { sctpOptionsSchema } from '../../../../plugins/transport/sctp/index.js';

describe('sctp plugin options', () => {
  it('defaults to the RFC 9260 §16 protocol parameters and RFC 6951 port 9899', () => {
    const o = sctpOptionsSchema.parse({});
    expect(o).toMatchObject({
      udpPort: 9899,
      outboundStreams: 16,
      maxInboundStreams: 16,
      maxMessageSize: 262144,
      rtoInitial: 1000,
      rtoMin: 1000,
      rtoMax: 60000,
      maxInitRetransmits: 8,
      associationMaxRetrans: 10,
      pathMaxRetrans: 5,
      heartbeatInterval: 30000,
      cookieLifetime: 60000,
      maxBurst: 4,
      partialReliability: true,
      interleaving: false,
    });
  });

  it('declares the plugin as an SCTP transport with its capabilities', async () => {
    expect(sctp.name).toBe('sctp');
    expect(sctp.layer).toBe('transport');
    expect([...sctp.capabilities].sort()).toEqual(['congestion-controlled', 'messages', 'multistream', 'ordered', 'partial-reliability', 'reliable']);
    const stack = await createStack({ transport: { use: sctp }, congestion: 'fixed' });
    try {
      expect(stack.describe().layers.transport).toMatchObject({ name: 'sctp' });
    } finally {
      await stack.close();
    }
  });

  it('requires receiveWindow ≥ maxMessageSize (messages are delivered whole), naming both options', async () => {
    const err = await createStack({ transport: { use: sctp, options: { receiveWindow: 60_000 } } }).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('transport.options.receiveWindow');
    expect((err as ConfigError).message).toMatch(/receiveWindow ≥ maxMessageSize \(262144\).*raise receiveWindow or lower maxMessageSize, got 60000/);
    expect(sctpOptionsSchema.parse({ receiveWindow: 60_000, maxMessageSize: 60_000 })).toMatchObject({ receiveWindow: 60_000, maxMessageSize: 60_000 });
    expect(() => sctpOptionsSchema.parse({ maxMessageSize: 2 * 1024 * 1024 })).toThrow(/receiveWindow ≥ maxMessageSize \(2097152\)/);
  });

  it('rejects unknown and out-of-range options with a ConfigError naming the path', async () => {
    for (const options of [{ bogus: 1 }, { outboundStreams: 0 }, { maxInboundStreams: 65536 }, { receiveWindow: 1000 }, { sackDelay: 600 }]) {
      const err = await createStack({ transport: { use: sctp, options } }).then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(options)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).path).toMatch(/^transport/);
    }
  });
});
