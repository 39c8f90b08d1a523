import type { Caller } from '../auth/caller.js';
import { ROLES, type AccessSetting, type Role } from '../config/access-types.js';
import type { Params } from '../proxmox/encode.js';
import { compileRule, type PolicyRule } from './rules.js';

/**
 * Per-person roles (clusters.json `access`), for requests of a person who signed in over OAuth. The
 * role narrows what the cluster's policy lets through, inside the one policy evaluation (policy.ts):
 * read-only and deny rules still come first, and the confirm rules still ask.
 * - reader: GET only;
 * - operator: GET, guest power, snapshots, backups and stopping a task (OPERATOR_RULES);
 * - admin: the cluster's policy as it is.
 * stdio and static-bearer HTTP have no person: the configured token's rights apply, as before.
 */

/**
 * What an operator may send besides reading. README (Safety) lists it; test/roles/operator-rules.test.ts
 * checks each names a real endpoint of PVE 9.2, 9.1 and 8.4. Backup jobs (/cluster/backup) stay an
 * admin's: they change what runs every night, not one backup now.
 */
export const OPERATOR_RULES = [
  'GET /**',
  ...['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume', 'reset'].map(
    (action) => `POST /nodes/*/qemu/*/status/${action}`,
  ),
  ...['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'].map(
    (action) => `POST /nodes/*/lxc/*/status/${action}`,
  ),
  ...['qemu', 'lxc'].flatMap((kind) => [
    `POST /nodes/*/${kind}/*/snapshot`,
    `DELETE /nodes/*/${kind}/*/snapshot/*`,
    `POST /nodes/*/${kind}/*/snapshot/*/rollback`,
    `PUT /nodes/*/${kind}/*/snapshot/*/config`,
  ]),
  'POST /nodes/*/vzdump',
  'DELETE /nodes/*/storage/*/prunebackups',
  'DELETE /nodes/*/tasks/*',
];

const OPERATOR_SOURCE = 'built-in operator rules';
export const OPERATOR_POLICY: readonly PolicyRule[] = OPERATOR_RULES.map((r) =>
  compileRule(r, OPERATOR_SOURCE),
);

/** A person's role on a cluster and what gave it (`groups: pve-readers`), for refusals and logs. */
export interface RoleGrant {
  role: Role;
  via: string;
}

/**
 * The highest role (admin > operator > reader) whose list holds one of the person's values of the
 * configured claims; `"*"` in a list is anyone signed in. No match: undefined, no access at all.
 */
export function roleOf(caller: Caller, access: AccessSetting): RoleGrant | undefined {
  for (const role of ROLES) {
    for (const wanted of access.roles[role]) {
      if (wanted === '*') return { role, via: '"*": anyone signed in' };
      for (const claim of access.claims) {
        if (caller.claims[claim]?.includes(wanted)) return { role, via: `${claim}: ${wanted}` };
      }
    }
  }
  return undefined;
}

/** The role as the policy evaluation needs it: `none` refuses everything. */
export type RoleLimit = { role: Role | 'none' };

/** Whether `role` lets this request through (before allow-lists and confirm rules are asked). */
export function roleAllows(
  limit: RoleLimit,
  method: string,
  segments: readonly string[],
  params: Params,
): boolean {
  switch (limit.role) {
    case 'admin':
      return true;
    case 'reader':
      return method.toUpperCase() === 'GET';
    case 'operator':
      return OPERATOR_POLICY.some((r) => r.matches(method, segments, params));
    case 'none':
      return false;
  }
}

/** What a role may do, in the words of a refusal. */
export function roleScope(role: Role | 'none'): string {
  switch (role) {
    case 'reader':
      return 'which only reads (GET)';
    case 'operator':
      return 'which reads, powers guests on and off, takes, rolls back and deletes snapshots, runs backups and stops tasks, and nothing else';
    case 'admin':
      return 'which may do what the cluster policy allows';
    case 'none':
      return 'which is none';
  }
}

/** Values shown per claim in a refusal: directories put people in hundreds of groups. */
const SHOWN_VALUES = 10;

/** The values of the role claims a person has, for the refusal of someone who matched nothing. */
export function claimValuesOf(caller: Caller, access: AccessSetting): string {
  const parts = access.claims.map((c) => {
    const values = caller.claims[c] ?? [];
    const more = values.length > SHOWN_VALUES ? ` and ${values.length - SHOWN_VALUES} more` : '';
    return `${c}: ${values.slice(0, SHOWN_VALUES).join(', ') || '(none)'}${more}`;
  });
  return parts.join('; ');
}

/** `admin: pve-admins; operator: pve-operators; reader: (nobody)` */
export function describeRoles(access: AccessSetting): string {
  return ROLES.map((r) => `${r}: ${access.roles[r].join(', ') || '(nobody)'}`).join('; ');
}
