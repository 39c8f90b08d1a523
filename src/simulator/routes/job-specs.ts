import { BACKUP_ROUTE_SPECS } from './job-specs-backup.js';
import { CONTAINER_ROUTE_SPECS } from './job-specs-container.js';
import { FIREWALL_ROUTE_SPECS } from './job-specs-firewall.js';
import { LIFECYCLE_ROUTE_SPECS } from './job-specs-lifecycle.js';
import { READ_ROUTE_SPECS } from './job-specs-reads.js';
import type { RouteSpec } from './spec-builders.js';

/**
 * The routes the scenario jobs use, as PVE 9.2 defines them: only the parameters the simulator
 * implements, with the facts it validates (test/simulator/schema.test.ts holds them to apidoc.json)
 * and our own one-line descriptions; the route files add the handlers. Return schemas name the fields
 * only; test/simulator/job-routes.test.ts checks the answers against PVE's full ones at test time.
 * Each job-specs-*.ts holds one group of them.
 */
export const JOB_ROUTE_SPECS = {
  ...LIFECYCLE_ROUTE_SPECS,
  ...BACKUP_ROUTE_SPECS,
  ...READ_ROUTE_SPECS,
  ...FIREWALL_ROUTE_SPECS,
  ...CONTAINER_ROUTE_SPECS,
} satisfies Record<string, RouteSpec>;
