/**
 * Connection ids (the `group` of trace events) are numbered per trace
 * destination: a run repeated in the same process gives the same ids, and
 * stacks that share a sink never give two connections the same id.
 */
import { describe, it, expect } from 'vitest';
import { createStack } from '../../../core/index.js';
import { SimNetwork } from '../../../core/sim/index.js';
import { MemorySink } from '../../../core/trace/tracer.js';

/** A client and a server stack on the simulator, both tracing into one fresh sink; returns the trace's groups. */
async function run(connections: number): Promise<{ groups: string[]; ids: string[] }> {
  const net = new SimNetwork({ seed: 3 });
  net.link('10.0.0.1', '10.0.0.2', { delay: '5ms' });
  const sink = new MemorySink();
  const server = await createStack({ transport: 'tcp' }, { substrate: net.host('10.0.0.2'), trace: sink });
  const client = await createStack({ transport: 'tcp' }, { substrate: net.host('10.0.0.1'), trace: sink });
  const ids: string[] = [];
  (await server.listen({ host: '10.0.0.2' })).on('connection', (c) => {
    ids.push(`server ${c.id}`);
    c.resume();
  });
  for (let i = 0; i < connections; i++) {
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2' }));
    ids.push(`client ${conn.id}`);
    conn.end('x');
  }
  await net.run({ for: '1s' });
  await net.runUntil(Promise.all([client.close(), server.close()]));
  const groups = [...new Set(sink.events.map((e) => e.group).filter((g): g is string => g !== undefined && /^c\d+$/.test(g)))].sort();
  return { groups, ids };
}

describe('connection ids in traces', () => {
  it('are the same when the same run is repeated in one process', async () => {
    const a = await run(2);
    const b = await run(2);
    expect(b.ids).toEqual(a.ids);
    expect(b.groups).toEqual(a.groups);
  });

  it('are unique among the stacks that trace into one sink, starting at c1', async () => {
    const { groups, ids } = await run(2);
    expect(groups).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(new Set(ids.map((x) => x.split(' ')[1])).size).toBe(4);
  });

  it('start at c1 in every stack that does not trace', async () => {
    const net = new SimNetwork({ seed: 1 });
    net.link('10.0.0.1', '10.0.0.2', { delay: '1ms' });
    const server = await createStack({ transport: 'datagram' }, { substrate: net.host('10.0.0.2') });
    const client = await createStack({ transport: 'datagram' }, { substrate: net.host('10.0.0.1') });
    await server.listen({ host: '10.0.0.2' });
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2' }));
    expect(conn.id).toBe('c1');
    await net.runUntil(Promise.all([client.close(), server.close()]));
  });
});
