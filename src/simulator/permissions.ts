import { permError } from './errors.js';
import type { ParamValue, PermCheck, PvePermissions } from './schema-types.js';

/**
 * Privileges as PVE evaluates them (pve-access-control RPCEnvironment.pm), reduced to what the simulator
 * needs: an ACL is a list of path → privileges, ACLs propagate to sub-paths, and the most specific ACL path
 * wins (a deeper ACL replaces the inherited privileges, as PVE's roles() walk does). A guest in a pool also
 * gets the privileges granted on /pool/<pool>.
 */
export const ALL_PRIVILEGES: readonly string[] = [
  'Datastore.Allocate',
  'Datastore.AllocateSpace',
  'Datastore.AllocateTemplate',
  'Datastore.Audit',
  'Group.Allocate',
  'Mapping.Audit',
  'Mapping.Modify',
  'Mapping.Use',
  'Permissions.Modify',
  'Pool.Allocate',
  'Pool.Audit',
  'Realm.Allocate',
  'Realm.AllocateUser',
  'SDN.Allocate',
  'SDN.Audit',
  'SDN.Use',
  'Sys.AccessNetwork',
  'Sys.Audit',
  'Sys.Console',
  'Sys.Incoming',
  'Sys.Modify',
  'Sys.PowerMgmt',
  'Sys.Syslog',
  'User.Modify',
  'VM.Allocate',
  'VM.Audit',
  'VM.Backup',
  'VM.Clone',
  'VM.Config.CDROM',
  'VM.Config.CPU',
  'VM.Config.Cloudinit',
  'VM.Config.Disk',
  'VM.Config.HWType',
  'VM.Config.Memory',
  'VM.Config.Network',
  'VM.Config.Options',
  'VM.Console',
  'VM.GuestAgent.Audit',
  'VM.GuestAgent.FileRead',
  'VM.GuestAgent.FileSystemMgmt',
  'VM.GuestAgent.FileWrite',
  'VM.GuestAgent.Unrestricted',
  'VM.Migrate',
  'VM.PowerMgmt',
  'VM.Replicate',
  'VM.Snapshot',
  'VM.Snapshot.Rollback',
];

export type Acl = ReadonlyArray<{ path: string; privs: readonly string[] }>;

/** PVE::AccessControl::normalize_path: one leading slash, no empty segments, no trailing slash. */
export function normalizePath(path: string): string {
  return (
    '/' +
    path
      .split('/')
      .filter((s) => s.length > 0)
      .join('/')
  );
}

const EVERY_PRIVILEGE: ReadonlySet<string> = new Set(ALL_PRIVILEGES);

function covers(aclPath: string, path: string): boolean {
  return aclPath === '/' || path === aclPath || path.startsWith(`${aclPath}/`);
}

export class Privileges {
  private readonly acl: Acl | 'all';

  /** `poolOf('/vms/100')` names the pool a guest or storage belongs to, if any. */
  constructor(
    acl: Acl | 'all',
    private readonly poolOf: (path: string) => string | undefined,
  ) {
    this.acl = acl === 'all' ? 'all' : acl.map((e) => ({ path: normalizePath(e.path), privs: e.privs }));
  }

  /**
   * The privileges at a path, read-only: for 'all' one shared set, since a 10,000-guest
   * /cluster/resources asks once per guest.
   */
  at(rawPath: string): ReadonlySet<string> {
    if (this.acl === 'all') return EVERY_PRIVILEGE;
    const path = normalizePath(rawPath);
    let depth = -1;
    let privs = new Set<string>();
    for (const entry of this.acl) {
      if (!covers(entry.path, path)) continue;
      const d = entry.path === '/' ? 0 : entry.path.split('/').length;
      if (d > depth) {
        depth = d;
        privs = new Set(entry.privs);
      } else if (d === depth) {
        for (const p of entry.privs) privs.add(p);
      }
    }
    const pool = this.poolOf(path);
    if (pool !== undefined) for (const p of this.at(`/pool/${pool}`)) privs.add(p);
    return privs;
  }

  has(path: string, priv: string): boolean {
    return this.at(path).has(priv);
  }

  hasAny(path: string, privs: readonly string[]): boolean {
    const have = this.at(path);
    return privs.some((p) => have.has(p));
  }

  /** get_effective_permissions: the given paths plus every ACL path, minus paths without privileges. */
  effective(paths: readonly string[]): Record<string, Record<string, 1>> {
    const all = new Set(paths.map(normalizePath));
    if (this.acl !== 'all') for (const e of this.acl) all.add(e.path);
    const out: Record<string, Record<string, 1>> = {};
    for (const path of [...all].sort()) {
      const privs = [...this.at(path)].sort();
      if (privs.length > 0) out[path] = Object.fromEntries(privs.map((p) => [p, 1 as const]));
    }
    return out;
  }
}

/** template_replace: '{vmid}' → the request's vmid. */
function fillTemplate(template: string, params: Readonly<Record<string, ParamValue | undefined>>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => String(params[name] ?? ''));
}

/** Evaluates one check; throws 403 with PVE's message unless `noerr`, then returns false. */
function evaluate(
  check: PermCheck,
  privileges: Privileges,
  params: Readonly<Record<string, ParamValue | undefined>>,
  noerr: boolean,
): boolean {
  if (check[0] === 'perm') {
    const [, template, privs, ...options] = check;
    const opts = new Map<string, string | number>();
    for (let i = 0; i + 1 < options.length; i += 2) opts.set(String(options[i]), options[i + 1] ?? 1);
    const required = opts.get('require_param');
    if (required !== undefined && params[String(required)] === undefined) return false;
    const path = normalizePath(fillTemplate(template, params));
    if (opts.get('any')) {
      if (privileges.hasAny(path, privs)) return true;
      if (noerr) return false;
      throw permError(`${path}, ${privs.join('|')}`);
    }
    const have = privileges.at(path);
    const missing = privs.find((p) => !have.has(p));
    if (missing === undefined) return true;
    if (noerr) return false;
    throw permError(`${path}, ${missing}`);
  }
  const [op, ...subchecks] = check;
  if (op === 'and') return subchecks.every((c) => evaluate(c, privileges, params, noerr));
  if (subchecks.some((c) => evaluate(c, privileges, params, true))) return true;
  if (noerr) return false;
  throw permError();
}

/** check_api2_permissions for a route; every simulator caller is an API token, never root@pam itself. */
export function checkApiPermissions(
  permissions: PvePermissions | undefined,
  privileges: Privileges,
  params: Readonly<Record<string, ParamValue | undefined>>,
): void {
  // No permissions in the schema means root@pam only, which a token (user@realm!name) never is.
  if (!permissions) throw permError('user != root@pam');
  if (permissions.check) evaluate(permissions.check, privileges, params, false);
}
