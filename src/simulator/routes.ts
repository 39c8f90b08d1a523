import type { RouteDef } from './route-types.js';
import { accessRoutes } from './routes/access.js';
import { backupJobRoutes } from './routes/backup-jobs.js';
import { haRoutes } from './routes/ha.js';
import { storageContentRoutes } from './routes/storage-content.js';
import { userRoutes } from './routes/users.js';
import { agentRoutes } from './routes/agent.js';
import { clusterRoutes, versionRoutes } from './routes/cluster.js';
import { guestConfigRoutes } from './routes/guest-config.js';
import { guestPowerRoutes } from './routes/guest-power.js';
import { guestRoutes } from './routes/guests.js';
import { splitPath } from './routes/helpers.js';
import { networkRoutes } from './routes/network.js';
import { nodeRoutes } from './routes/nodes.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { storageRoutes, nodeStorageRoutes } from './routes/storage.js';
import { taskListRoutes } from './routes/task-list.js';
import { taskRoutes } from './routes/tasks.js';
import { jobOpRoutes } from './routes/job-ops.js';
import { provisionRoutes } from './routes/provision.js';

/**
 * The route table: the single source for routing, validation, permissions and the served apidoc.js. Order
 * follows PVE's tree (cluster, nodes, storage, access, pools, version), since apidoc.js keeps it.
 */
export const ROUTES: readonly RouteDef[] = [
  ...clusterRoutes,
  ...backupJobRoutes,
  ...haRoutes,
  ...nodeRoutes,
  ...networkRoutes,
  ...guestRoutes,
  ...guestConfigRoutes,
  ...guestPowerRoutes,
  ...snapshotRoutes,
  ...agentRoutes,
  ...provisionRoutes,
  ...jobOpRoutes,
  ...taskListRoutes,
  ...taskRoutes,
  ...nodeStorageRoutes,
  ...storageContentRoutes,
  ...storageRoutes,
  ...accessRoutes,
  ...userRoutes,
  ...versionRoutes,
];

export interface RouteMatch {
  route: RouteDef;
  pathParams: Record<string, string>;
}

/**
 * Subclasses PVE mounts with fragmentDelimiter '' (pve-common RESTHandler map_path_to_methods): below
 * them ALL remaining fragments are joined with '/' into one, so a volume id such as local:iso/x.iso
 * reaches `{volume}` whether its slash came plain, escaped or doubled. PVE has this one mount.
 */
const WHOLE_REST_MOUNTS: readonly string[] = ['/nodes/{node}/storage/{storage}/content'];

/** The fragments a route is chosen by, as find_handler + map_path_to_methods see them. */
export function routingFragments(path: string): string[] {
  const parts = splitPath(path);
  for (const mount of WHOLE_REST_MOUNTS) {
    const levels = splitPath(mount);
    if (parts.length <= levels.length + 1) continue;
    if (levels.every((level, i) => level.startsWith('{') || level === parts[i]))
      return [...parts.slice(0, levels.length), parts.slice(levels.length).join('/')];
  }
  return parts;
}

export class Router {
  private readonly compiled: ReadonlyArray<{ route: RouteDef; segments: string[] }>;

  constructor(readonly routes: readonly RouteDef[]) {
    this.compiled = routes.map((route) => ({ route, segments: splitPath(route.path) }));
  }

  /** Literal segments win over {variables} at the first place two candidates differ. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = routingFragments(path);
    let best: { match: RouteMatch; segments: string[] } | undefined;
    for (const { route, segments } of this.compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const pathParams: Record<string, string> = {};
      const ok = segments.every((seg, i) => {
        const part = parts[i] ?? '';
        const variable = /^\{(.+)\}$/.exec(seg)?.[1];
        if (variable === undefined) return seg === part;
        pathParams[variable] = part;
        return true;
      });
      if (ok && (!best || moreSpecific(segments, best.segments)))
        best = { match: { route, pathParams }, segments };
    }
    return best?.match;
  }
}

function moreSpecific(a: string[], b: string[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const av = (a[i] ?? '').startsWith('{');
    const bv = (b[i] ?? '').startsWith('{');
    if (av !== bv) return !av;
  }
  return false;
}
