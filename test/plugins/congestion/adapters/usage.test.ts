/**
 * The usage docs/guides/congestion.md documents for the adapter examples:
 * `reno-linux` and `reno-quiche` are not built in, so a stack takes them
 * by object, or by name once they are registered (for one stack with
 * `plugins`, or process-wide with `registerPlugin`).
 */
import { describe, expect, it } from 'vitest';
import { createStack, registerPlugin } from '../../../../core/index.js';
import type { StackConfig } from '../../../../core/index.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import type { AnyPlugin } from '../../../../core/contracts/plugin.js';
import { renoLinuxPlugin, renoQuichePlugin } from '../../../../plugins/congestion/adapters/index.js';

/** Sends 200 kB over a simulated 10 Mbit/s, 20 ms RTT path; returns the controller's name and the bytes received. */
async function transfer(config: StackConfig, plugins: AnyPlugin[] = []): Promise<{ congestion: string; got: number }> {
  const net = new SimNetwork({ seed: 1 });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: '10Mbit', delay: '10ms' });
  const client = await createStack(config, { substrate: a, plugins });
  const server = await createStack(config, { substrate: b, plugins });
  const srv = await server.listen({ host: '10.0.0.2', port: 7002 });
  let got = 0;
  srv.on('connection', (c) => c.on('data', (d: Uint8Array) => (got += d.length)));
  const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 7002 }));
  conn.write(new Uint8Array(200_000));
  await net.run({ for: 2_000 });
  const congestion = client.describe().layers.congestion.name;
  await client.close();
  await server.close();
  return { congestion, got };
}

describe('the adapter examples as documented', () => {
  it('are not built in: by name without registration the stack is rejected', async () => {
    await expect(createStack({ transport: 'tcp', congestion: 'reno-linux' })).rejects.toThrow(
      'unknown congestion plugin "reno-linux"',
    );
  });

  it('work by object', async () => {
    expect(await transfer({ transport: 'tcp', congestion: renoLinuxPlugin })).toEqual({ congestion: 'reno-linux', got: 200_000 });
    expect(await transfer({ transport: 'tcp', congestion: renoQuichePlugin })).toEqual({ congestion: 'reno-quiche', got: 200_000 });
  });

  it('work by name for one stack with createStack(config, { plugins })', async () => {
    const plugins = [renoLinuxPlugin, renoQuichePlugin] as unknown as AnyPlugin[];
    expect(await transfer({ transport: 'tcp', congestion: 'reno-linux' }, plugins)).toEqual({ congestion: 'reno-linux', got: 200_000 });
    expect(await transfer({ transport: 'tcp', congestion: { use: 'reno-quiche' } }, plugins)).toEqual({
      congestion: 'reno-quiche',
      got: 200_000,
    });
  });

  it('work by name after registerPlugin', async () => {
    registerPlugin(renoLinuxPlugin);
    registerPlugin(renoQuichePlugin);
    expect(await transfer({ transport: 'tcp', congestion: 'reno-linux' })).toEqual({ congestion: 'reno-linux', got: 200_000 });
    expect(await transfer({ transport: 'tcp', congestion: 'reno-quiche' })).toEqual({ congestion: 'reno-quiche', got: 200_000 });
  });
});
