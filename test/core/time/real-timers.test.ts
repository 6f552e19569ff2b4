/**
 * The real timer service: one host timeout per stack, and due timers served
 * right after the event loop's I/O phase.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { stat } from 'node:fs';
import { RealTimerService } from '../../../core/time/real-timers.js';
import { realClock } from '../../../core/time/clock.js';

const open: Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  open.push(s);
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

describe('RealTimerService', () => {
  it('fires a timer at its deadline and reports it disarmed (deadline Infinity) afterwards', async () => {
    const timers = new RealTimerService(realClock);
    let at = -1;
    const t = timers.createTimer(() => (at = realClock.now()));
    const deadline = realClock.now() + 5;
    t.arm(deadline);
    expect(t.armed).toBe(true);
    expect(t.deadline).toBe(deadline);
    await new Promise((r) => setTimeout(r, 30));
    expect(at).toBeGreaterThanOrEqual(deadline - 0.5);
    expect(t.armed).toBe(false);
    expect(t.deadline).toBe(Infinity);
    timers.close();
  });

  it('reports a cancelled timer as disarmed and never fires it', async () => {
    const timers = new RealTimerService(realClock);
    let fired = 0;
    const t = timers.createTimer(() => fired++);
    t.arm(realClock.now() + 2);
    t.cancel();
    expect(t.deadline).toBe(Infinity);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(0);
    timers.close();
  });

  it('never fires a due timer inside arm(); inside an I/O callback it fires before a 0 ms timeout', async () => {
    const timers = new RealTimerService(realClock);
    const order: string[] = [];
    const t = timers.createTimer(() => order.push('due timer'));
    await new Promise<void>((resolve) =>
      stat('.', () => {
        setTimeout(() => {
          order.push('setTimeout 0');
          resolve();
        }, 0);
        t.arm(realClock.now());
        order.push('after arm');
      }),
    );
    expect(order).toEqual(['after arm', 'due timer', 'setTimeout 0']);
    timers.close();
  });

  it('fires a timer made due by each datagram once, after every datagram read in the same loop turn', async () => {
    const rx = await bound();
    const tx = await bound();
    const timers = new RealTimerService(realClock);
    let received = 0;
    const seenAtFire: number[] = [];
    const t = timers.createTimer(() => seenAtFire.push(received));
    const all = new Promise<void>((resolve) =>
      rx.on('message', () => {
        received++;
        t.arm(realClock.now());
        if (received === 8) setImmediate(resolve);
      }),
    );
    const { port } = rx.address();
    // Sent before the receiver gets a chance to read: all eight wait in its socket buffer.
    for (let i = 0; i < 8; i++) tx.send(Buffer.alloc(100, i), port, '127.0.0.1');
    await all;
    await new Promise((r) => setImmediate(r));
    expect(seenAtFire).toEqual([8]);
    timers.close();
  });

  it('close() disarms every timer and cancels a pending immediate', async () => {
    const timers = new RealTimerService(realClock);
    let fired = 0;
    const a = timers.createTimer(() => fired++);
    const b = timers.createTimer(() => fired++);
    a.arm(realClock.now());
    b.arm(realClock.now() + 1);
    timers.close();
    expect([a.armed, b.armed, a.deadline, b.deadline]).toEqual([false, false, Infinity, Infinity]);
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(0);
  });
});
