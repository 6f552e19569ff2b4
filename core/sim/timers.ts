/**
 * The virtual timer service: timers are events of the network's scheduler.
 * A timer is created once and re-armed in place (no allocation per arm).
 *
 * @module
 */
import type { Timer, TimerService } from '../time/clock.js';
import type { SimEvent } from './event.js';
import type { SimScheduler } from './scheduler.js';

class SimTimer implements Timer, SimEvent {
  deadline = Infinity;
  seq = 0;
  heapIndex = -1;
  readonly daemon = false;

  constructor(
    readonly service: SimTimerService,
    private readonly callback: () => void,
  ) {}

  get armed(): boolean {
    return this.heapIndex >= 0;
  }

  arm(deadline: number): void {
    this.service.arm(this, deadline);
  }

  cancel(): void {
    this.service.scheduler.cancel(this);
    this.deadline = Infinity;
  }

  fire(): boolean {
    this.deadline = Infinity;
    this.callback();
    return true;
  }
}

/**
 * A {@link TimerService} in virtual time. Deadlines in the past fire at the
 * current virtual time; equal deadlines fire in arming order; `arm(Infinity)`
 * disarms. After {@link SimTimerService.close} every timer is disarmed and
 * arming does nothing.
 */
export class SimTimerService implements TimerService {
  private closed = false;

  /** @param scheduler - the network's scheduler */
  constructor(readonly scheduler: SimScheduler) {}

  /** {@inheritDoc TimerService.createTimer} */
  createTimer(callback: () => void): Timer {
    return new SimTimer(this, callback);
  }

  /** @internal */
  arm(timer: SimTimer, deadline: number): void {
    if (this.closed) return;
    if (deadline === Infinity) {
      timer.cancel();
      return;
    }
    this.scheduler.schedule(timer, deadline);
  }

  /** {@inheritDoc TimerService.close} */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const removed = this.scheduler.removeWhere((e) => e instanceof SimTimer && e.service === this);
    for (const e of removed) e.deadline = Infinity;
  }
}
