import { describe, it, expect } from 'vitest';
import { SimNetwork } from '../../../core/sim/index.js';

describe('virtual timers', () => {
  it('fire in deadline order, and in arming order among equal deadlines', async () => {
    const net = new SimNetwork();
    const order: string[] = [];
    const mk = (name: string) => net.timers.createTimer(() => order.push(`${name}@${net.now}`));
    const c = mk('c');
    const a = mk('a');
    const b = mk('b');
    const d = mk('d');
    c.arm(20);
    a.arm(10);
    b.arm(10);
    d.arm(10);
    await net.runUntilIdle();
    expect(order).toEqual(['a@10', 'b@10', 'd@10', 'c@20']);
  });

  it('re-arming moves a timer behind equal deadlines; cancel disarms; deadline reads Infinity when disarmed', async () => {
    const net = new SimNetwork();
    const order: string[] = [];
    const a = net.timers.createTimer(() => order.push('a'));
    const b = net.timers.createTimer(() => order.push('b'));
    const c = net.timers.createTimer(() => order.push('c'));
    a.arm(5);
    b.arm(5);
    c.arm(5);
    a.arm(5);
    c.cancel();
    expect(a.armed).toBe(true);
    expect(a.deadline).toBe(5);
    expect(c.armed).toBe(false);
    expect(c.deadline).toBe(Infinity);
    await net.runUntilIdle();
    expect(order).toEqual(['b', 'a']);
    expect(a.armed).toBe(false);
    expect(a.deadline).toBe(Infinity);
  });

  it('fires a deadline in the past at the current time, and arm(Infinity) disarms', async () => {
    const net = new SimNetwork();
    await net.run({ until: 50 });
    const times: number[] = [];
    const t = net.timers.createTimer(() => times.push(net.now));
    t.arm(10);
    const never = net.timers.createTimer(() => times.push(-1));
    never.arm(60);
    never.arm(Infinity);
    expect(never.armed).toBe(false);
    await net.runUntilIdle();
    expect(times).toEqual([50]);
  });

  it('a closed timer service stops its timers but not the other hosts\u2019 ones', async () => {
    const net = new SimNetwork();
    const envA = net.host('10.0.0.1').environment;
    const envB = net.host('10.0.0.2').environment;
    const fired: string[] = [];
    envA.timers.createTimer(() => fired.push('a')).arm(10);
    envB.timers.createTimer(() => fired.push('b')).arm(10);
    const late = envA.timers.createTimer(() => fired.push('late'));
    envA.timers.close();
    late.arm(20);
    expect(late.armed).toBe(false);
    await net.runUntilIdle();
    expect(fired).toEqual(['b']);
    expect(envA.clock.now()).toBe(10);
  });
});
