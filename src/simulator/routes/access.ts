import { fail, permError } from '../errors.js';
import type { PoolDef } from '../fleet.js';
import { normalizePath } from '../permissions.js';
import { storageResource, vmResource } from '../resources.js';
import type { HandlerContext, PveProperty, RouteDef } from '../route-types.js';
import { directoryIndex } from './helpers.js';
import { indexReturns } from './props.js';

/** /access (the caller's effective permissions) and /pools. */

/** get_effective_permissions looks at these paths besides every ACL path. */
const DEFAULT_PATHS = ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms'];

const typeFilter: PveProperty = { enum: ['qemu', 'lxc', 'storage'], optional: 1, type: 'string' };
const members: PveProperty = {
  items: {
    additionalProperties: 1,
    properties: {
      id: { type: 'string' },
      node: { type: 'string' },
      storage: { optional: 1, type: 'string' },
      type: { enum: ['qemu', 'lxc', 'openvz', 'storage'], type: 'string' },
      vmid: { optional: 1, type: 'integer' },
    },
    type: 'object',
  },
  type: 'array',
};

/** Pool members shaped like /cluster/resources entries; storages appear once per node. */
function poolMembers(ctx: HandlerContext, pool: PoolDef): Array<Record<string, string | number>> {
  const type = ctx.params.str('type');
  const { fleet } = ctx.state;
  const out: Array<Record<string, string | number>> = [];
  for (const g of [...fleet.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
    if (g.pool !== pool.id || (type !== undefined && type !== g.type)) continue;
    const { pool: _pool, ...entry } = vmResource(g, ctx.state);
    out.push(entry);
  }
  if (type === undefined || type === 'storage') {
    for (const s of fleet.storages.filter((st) => pool.storage.has(st.id))) {
      for (const n of fleet.nodes.values()) out.push(storageResource(s, n, ctx.state));
    }
  }
  return out;
}

function findPool(ctx: HandlerContext, id: string): PoolDef {
  const pool = ctx.state.fleet.pools.get(id);
  if (!pool) throw fail(`pool '${id}' does not exist`);
  return pool;
}

export const accessRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/access',
    name: 'index',
    description: 'Subdirectories.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: indexReturns('subdir', true),
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/access/permissions',
    name: 'permissions',
    description: 'Effective privileges of a user or API token, per ACL path.',
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        path: {
          optional: 1,
          type: 'string',
        },
        userid: {
          optional: 1,
          pattern:
            '(?^:^(?^:[^\\s:/]+)\\@(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+)(?:!(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+))?$)',
          type: 'string',
        },
      },
    },
    returns: { type: 'object' },
    // The simulator only knows the calling token's privileges, so another userid needs Sys.Audit and
    // is then answered with the caller's own view.
    handler: ({ params, caller, state }) => {
      const userid = params.str('userid');
      if (
        userid !== undefined &&
        userid !== caller.authid &&
        !caller.privileges.has('/access', 'Sys.Audit')
      ) {
        throw permError('/access, Sys.Audit');
      }
      const path = params.str('path');
      if (path === undefined) {
        // Pool members' paths are looked at too (as get_effective_permissions does).
        const pools = [...state.fleet.pools.values()].flatMap((p) => [
          `/pool/${p.id}`,
          ...[...p.storage].map((s) => `/storage/${s}`),
        ]);
        const vms = [...state.fleet.guests.values()]
          .filter((g) => g.pool !== undefined)
          .map((g) => `/vms/${g.vmid}`);
        return caller.privileges.effective([...DEFAULT_PATHS, ...pools, ...vms]);
      }
      const privs = [...caller.privileges.at(path)].sort();
      return privs.length === 0
        ? {}
        : { [normalizePath(path)]: Object.fromEntries(privs.map((p) => [p, 1])) };
    },
  },
  {
    method: 'GET',
    path: '/pools',
    name: 'index',
    description: 'Resource pools: every visible one, or one with its members.',
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        poolid: { format: 'pve-poolid', optional: 1, type: 'string' },
        type: { ...typeFilter, requires: 'poolid' },
      },
    },
    returns: {
      items: {
        properties: {
          comment: { optional: 1, type: 'string' },
          members: { ...members, optional: 1 },
          poolid: { type: 'string' },
        },
        type: 'object',
      },
      links: [{ href: '{poolid}', rel: 'child' }],
      type: 'array',
    },
    handler: (ctx) => {
      const id = ctx.params.str('poolid');
      const priv = ctx.caller.privileges;
      if (id !== undefined) {
        if (!priv.has(`/pool/${id}`, 'Pool.Audit')) throw permError(`/pool/${id}, Pool.Audit`);
        const pool = findPool(ctx, id);
        return [
          {
            poolid: pool.id,
            ...(pool.comment === undefined ? {} : { comment: pool.comment }),
            members: poolMembers(ctx, pool),
          },
        ];
      }
      return [...ctx.state.fleet.pools.values()]
        .filter((p) => priv.has(`/pool/${p.id}`, 'Pool.Audit'))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((p) => ({ poolid: p.id, ...(p.comment === undefined ? {} : { comment: p.comment }) }));
    },
  },
  {
    method: 'GET',
    path: '/pools/{poolid}',
    name: 'read_pool',
    description: "One pool's members (older form of GET /pools?poolid=).",
    permissions: { check: ['perm', '/pool/{poolid}', ['Pool.Audit']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        poolid: { format: 'pve-poolid', type: 'string' },
        type: typeFilter,
      },
    },
    returns: {
      additionalProperties: 0,
      properties: { comment: { optional: 1, type: 'string' }, members },
      type: 'object',
    },
    handler: (ctx) => {
      const pool = findPool(ctx, ctx.params.str('poolid') ?? '');
      return {
        ...(pool.comment === undefined ? {} : { comment: pool.comment }),
        members: poolMembers(ctx, pool),
      };
    },
  },
];
