/** Wall-clock access in one place, so "now" means the same thing in stats, tasks and UPIDs. */
export class Clock {
  readonly startMs = Date.now();

  nowMs(): number {
    return Date.now();
  }

  nowSec(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** Seconds since the simulator started (fractional): drives the gentle movement of live values. */
  elapsed(): number {
    return (Date.now() - this.startMs) / 1000;
  }
}
