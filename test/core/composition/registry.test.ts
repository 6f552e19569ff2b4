/**
 * The process-wide registries: the built-ins are there from import, and an
 * application's plugin can neither replace one of them nor leave the
 * registry half-filled. (Each vitest file has its own module graph, so this
 * file sees a fresh import.)
 */
import { describe, expect, it } from 'vitest';
import { builtinRegistry, createStack, defaultRegistry, definePlugin, registerPlugin, type CongestionControllerFactory } from '../../../core/index.js';
import { NoCongestionControl } from '../../../plugins/congestion/none/index.js';

/** A congestion plugin named `name` that never limits. */
function noLimit(name: string) {
  return definePlugin({
    name,
    layer: 'congestion',
    capabilities: [],
    create: (): CongestionControllerFactory => ({ create: () => new NoCongestionControl() }),
  });
}

describe('plugin registries', () => {
  it('hold every built-in from import, before any stack is created', () => {
    expect(defaultRegistry.names('congestion')).toEqual(['cubic', 'fixed', 'none', 'reno']);
    expect(defaultRegistry.names('transport')).toEqual(['datagram', 'sctp', 'tcp']);
    expect(builtinRegistry.get('security', 'dtls')?.layer).toBe('security');
  });

  it('refuse a plugin named like a built-in of its layer, and the built-in still works', async () => {
    expect(() => registerPlugin(noLimit('reno'))).toThrow(expect.objectContaining({ code: 'ERR_PLUGIN_DUPLICATE', message: expect.stringMatching(/built-in congestion plugin named 'reno'/) }));
    const stack = await createStack({ transport: 'tcp', congestion: 'reno' });
    expect(defaultRegistry.get('congestion', 'reno')).toBe(builtinRegistry.get('congestion', 'reno'));
    expect(stack.describe().layers.congestion.name).toBe('reno');
    await stack.close();
  });

  it('refuse a second plugin under a registered name, accept the same plugin again', () => {
    const mine = noLimit('mine');
    registerPlugin(mine);
    expect(() => registerPlugin(mine)).not.toThrow();
    expect(() => registerPlugin(noLimit('mine'))).toThrow(expect.objectContaining({ code: 'ERR_PLUGIN_DUPLICATE' }));
    expect(defaultRegistry.names('congestion')).toContain('mine');
  });

  it("let one stack's own plugins shadow a built-in, for that stack only", async () => {
    const shadow = noLimit('cubic');
    const stack = await createStack({ transport: 'tcp', congestion: 'cubic' }, { plugins: [shadow] });
    const other = await createStack({ transport: 'tcp', congestion: 'cubic' });
    // The shadow takes no options; the built-in CUBIC has its own (with defaults).
    expect(stack.describe().layers.congestion.options).toEqual({});
    expect(other.describe().layers.congestion.options).toMatchObject({ hystart: true });
    await Promise.all([stack.close(), other.close()]);
  });
});
