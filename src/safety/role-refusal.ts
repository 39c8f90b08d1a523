import { describeCaller, type Caller } from '../auth/caller.js';
import type { ClusterConfig } from '../config/types.js';
import { ProxmoxRefusedError } from '../proxmox/errors.js';
import type { HttpMethod } from '../proxmox/request-types.js';
import { claimValuesOf, describeRoles, roleOf, roleScope, type RoleGrant, type RoleLimit } from './roles.js';

/** A signed-in person's role on a cluster, as the policy evaluation takes it and refusals explain it. */
export interface PersonRole {
  limit: RoleLimit;
  /** Absent when nothing in `access` matched the person (or the cluster has no `access`). */
  grant?: RoleGrant;
}

export function roleLimitOf(caller: Caller, cluster: ClusterConfig): PersonRole {
  const grant = cluster.access ? roleOf(caller, cluster.access) : undefined;
  return grant ? { limit: { role: grant.role }, grant } : { limit: { role: 'none' } };
}

/**
 * `refused POST /nodes/pve1/qemu/100/status/stop: alice@example.com (u-17) has role "reader" on
 * cluster "prod" (groups: pve-readers), which only reads (GET)`, and what would change it.
 */
export function roleRefusal(req: {
  cluster: ClusterConfig;
  method: HttpMethod;
  path: string;
  caller: Caller;
  role: PersonRole;
}): ProxmoxRefusedError {
  const { cluster, method, path, caller, role } = req;
  const who = describeCaller(caller);
  const access = cluster.access;
  const facts = { cluster: cluster.name, method, path };
  const tail =
    'Nothing was sent to Proxmox. This is the person\'s role on this proxmox-mcp server, not a Proxmox permission: do not try another tool or route; tell the user, who can ask an administrator to change "access" in clusters.json.';
  if (!role.grant) {
    const why = access
      ? `has no role on cluster "${cluster.name}": none of their values of ${access.claims.map((c) => `"${c}"`).join(', ')} (${claimValuesOf(caller, access)}) is listed in its roles (${describeRoles(access)}; ${access.source})`
      : `has no role on cluster "${cluster.name}": it has no "access" setting (neither its own nor a top-level one), so nobody signed in may use it`;
    return new ProxmoxRefusedError(
      'REFUSED',
      `refused ${method} ${path}: ${who} ${why}. ${tail}`,
      facts,
      access?.source ?? 'access',
    );
  }
  return new ProxmoxRefusedError(
    'REFUSED',
    `refused ${method} ${path}: ${who} has role "${role.grant.role}" on cluster "${cluster.name}" (${role.grant.via}; ${access?.source ?? 'access'}), ${roleScope(role.grant.role)}. ${tail}`,
    facts,
    access?.source ?? 'access',
  );
}
