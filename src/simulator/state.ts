import type { Clock } from './clock.js';
import type { Fleet } from './fleet.js';
import type { TaskManager } from './tasks.js';
import type { PveVersion } from './version.js';

/** Everything a handler may read or change. */
export interface SimState {
  readonly version: PveVersion;
  readonly fleet: Fleet;
  readonly tasks: TaskManager;
  readonly clock: Clock;
  /** The simulator's own certificate fingerprint (the local node's ssl_fingerprint); replaceCertificate() replaces it. */
  fingerprint: string;
  /** The full route table's paths, for directory indexes (only paths: route-types.ts builds on this module). */
  readonly routes: ReadonlyArray<{ readonly path: string }>;
}
