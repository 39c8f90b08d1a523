import type { HandlerContext, RouteDef } from '../route-types.js';

/**
 * GET /access/users. The simulator knows users only through tokens, so the list is root@pam (which
 * every PVE has) and the caller's own user; PVE always includes the caller, and shows the others only
 * with User.Modify or Sys.Audit on /access/groups.
 */
function users(ctx: HandlerContext): Array<Record<string, unknown>> {
  const { caller, params } = ctx;
  const seesOthers = caller.privileges.hasAny('/access/groups', ['User.Modify', 'Sys.Audit']);
  const ids = [...new Set(['root@pam', caller.user])].filter((u) => u === caller.user || seesOthers);
  const enabled = params.has('enabled') ? params.bool('enabled') : undefined;
  return ids
    .map((userid) => ({
      userid,
      enable: 1,
      expire: 0,
      'realm-type': userid.slice(userid.indexOf('@') + 1),
      ...(userid === 'root@pam' ? { email: 'root@localhost', firstname: 'root' } : {}),
      ...(params.bool('full') && userid === caller.user
        ? { groups: '', tokens: [{ tokenid: caller.tokenName, expire: 0, comment: 'proxmox-mcp' }] }
        : {}),
    }))
    .filter((u) => enabled === undefined || enabled === (u.enable === 1));
}

export const userRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/access/users',
    name: 'index',
    description: 'Users of the datacenter.',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        enabled: {
          optional: 1,
          type: 'boolean',
        },
        full: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
      },
    },
    returns: {
      items: {
        properties: {
          email: { format: 'email-opt', maxLength: 254, optional: 1, type: 'string' },
          enable: { default: 1, optional: 1, type: 'boolean' },
          expire: {
            minimum: 0,
            optional: 1,
            type: 'integer',
          },
          firstname: { maxLength: 1024, optional: 1, type: 'string' },
          groups: { format: 'pve-groupid-list', optional: 1, type: 'string' },
          'realm-type': {
            format: 'pve-realm',
            optional: 1,
            type: 'string',
          },
          tokens: {
            items: {
              properties: {
                comment: { optional: 1, type: 'string' },
                expire: { minimum: 0, optional: 1, type: 'integer' },
                tokenid: { type: 'string' },
              },
              type: 'object',
            },
            optional: 1,
            type: 'array',
          },
          userid: {
            format: 'pve-userid',
            maxLength: 64,
            type: 'string',
          },
        },
        type: 'object',
      },
      links: [{ href: '{userid}', rel: 'child' }],
      type: 'array',
    },
    handler: users,
  },
];
