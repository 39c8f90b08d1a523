import type { Permissions } from './types.js';
import { oneLine } from './text.js';

// Renders a method's `permissions` block for a model: what the caller needs, in PVE's own terms
// (ACL path + privileges), so a 403 can be explained before it happens. Semantics follow
// PVE::RPCEnvironment::check_api2_permissions (pve-access-control).

function renderPerm(args: unknown[]): string {
  const [path, privs, ...opts] = args;
  const list = Array.isArray(privs) ? privs.map(String) : [String(privs)];
  const options = new Map<string, unknown>();
  for (let i = 0; i + 1 < opts.length; i += 2) options.set(String(opts[i]), opts[i + 1]);
  const any = options.has('any');
  let out = `perm ${String(path)} ${list.join(any ? '|' : ',')}`;
  if (list.length > 1) out += any ? ' (any)' : ' (all)';
  const required = options.get('require_param');
  if (required !== undefined) out += ` (only checked when '${String(required)}' is given)`;
  return out;
}

export function renderCheck(check: unknown, nested = false): string {
  if (!Array.isArray(check) || typeof check[0] !== 'string') return JSON.stringify(check);
  const [op, ...args] = check as [string, ...unknown[]];
  switch (op) {
    case 'perm':
      return renderPerm(args);
    case 'or':
    case 'and': {
      const joined = args.map((a) => renderCheck(a, true)).join(op === 'or' ? ' OR ' : ' AND ');
      return nested ? `(${joined})` : joined;
    }
    case 'userid-param':
      return args[0] === 'self'
        ? 'the user itself (userid parameter)'
        : `${String(args[0])} on the realm of the userid parameter`;
    case 'userid-group': {
      const privs = Array.isArray(args[0]) ? args[0].map(String).join('|') : String(args[0]);
      const groups = args[1] === 'groups_param' ? ' and on the groups in the groups parameter' : '';
      return `${privs} on a group of the user${groups}`;
    }
    case 'perm-modify':
      return `permission to modify ACLs on ${String(args[0])}`;
    default:
      return JSON.stringify(check);
  }
}

/** e.g. "perm /vms/{vmid} VM.Snapshot|VM.Snapshot.Rollback (any)", "root@pam only". */
export function renderPermissions(permissions: Permissions | undefined): string {
  // No `permissions` key: check_api2_permissions lets only root@pam through (a root@pam token
  // is `root@pam!name`, not root@pam, and fails too).
  if (!permissions || typeof permissions !== 'object') return 'root@pam only';
  const parts: string[] = [];
  if (permissions.user === 'world') parts.push('no authentication needed');
  else if (permissions.user === 'all') parts.push('any authenticated user');
  if (permissions.check) parts.push(renderCheck(permissions.check));
  if (parts.length === 0) parts.push('root@pam only');
  const note = permissions.description ? oneLine(permissions.description, 160) : '';
  return note ? `${parts.join('; ')} — ${note}` : parts.join('; ');
}
