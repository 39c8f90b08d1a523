import type { Fleet } from './fleet.js';
import type { RouteDef } from './route-types.js';
import type { TaskManager } from './tasks.js';
import type { PveVersion } from './version.js';

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

/** Everything a handler may read or change. */
export interface SimState {
  readonly version: PveVersion;
  readonly fleet: Fleet;
  readonly tasks: TaskManager;
  readonly clock: Clock;
  /** The simulator's own certificate fingerprint (the local node's ssl_fingerprint); replaceCertificate() replaces it. */
  fingerprint: string;
  /** The full route table, for directory indexes. */
  readonly routes: readonly RouteDef[];
}
