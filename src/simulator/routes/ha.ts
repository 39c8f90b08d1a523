import type { Fleet, Guest } from '../fleet.js';
import type { HandlerContext, RouteDef } from '../route-types.js';
import { directoryIndex } from './helpers.js';

/** GET /cluster/ha (index), /cluster/ha/resources and /cluster/ha/status/current. */

/** HA needs more than one node: there, the two lowest-numbered VMs are HA resources. */
function haGuests(fleet: Fleet): Guest[] {
  if (fleet.nodes.size < 2) return [];
  return [...fleet.guests.values()]
    .filter((g) => g.type === 'qemu')
    .sort((a, b) => a.vmid - b.vmid)
    .slice(0, 2);
}

const sid = (g: Guest) => `${g.type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`;

function haResources(ctx: HandlerContext): Array<Record<string, unknown>> {
  const type = ctx.params.str('type');
  return haGuests(ctx.state.fleet)
    .filter((g) => type === undefined || sid(g).startsWith(`${type}:`))
    .map((g) => ({
      sid: sid(g),
      type: g.type === 'qemu' ? 'vm' : 'ct',
      state: 'started',
      max_restart: 1,
      max_relocate: 1,
      failback: 1,
      digest: 'b0c5a3f0d2e4c6a8b0c5a3f0d2e4c6a8b0c5a3f0',
    }));
}

function haStatus(ctx: HandlerContext): Array<Record<string, unknown>> {
  const { fleet, clock } = ctx.state;
  const now = clock.nowSec();
  const guests = haGuests(fleet);
  const date = new Date(now * 1000).toUTCString();
  const entries: Array<Record<string, unknown>> = [
    { id: 'quorum', type: 'quorum', node: fleet.localNode, status: 'OK', quorate: 1 },
  ];
  if (guests.length === 0) return entries;
  entries.push({
    id: 'master',
    type: 'master',
    node: fleet.localNode,
    status: `${fleet.localNode} (active, ${date})`,
    timestamp: now,
  });
  for (const node of fleet.nodes.keys()) {
    const active = guests.some((g) => g.node === node);
    entries.push({
      id: `lrm:${node}`,
      type: 'lrm',
      node,
      status: `${node} (${active ? 'active' : 'idle'}, ${date})`,
      timestamp: now,
    });
  }
  for (const g of guests) {
    const state = g.status === 'running' ? 'started' : 'stopped';
    entries.push({
      id: `service:${sid(g)}`,
      type: 'service',
      sid: sid(g),
      node: g.node,
      crm_state: state,
      request_state: 'started',
      state,
      status: state,
      max_relocate: 1,
      max_restart: 1,
    });
  }
  return entries;
}

const sysAudit = { check: ['perm', '/', ['Sys.Audit']] } as const;

export const haRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/cluster/ha',
    name: 'index',
    description: 'Subdirectories.',
    permissions: sysAudit,
    parameters: { additionalProperties: 0 },
    returns: {
      items: { properties: { id: { type: 'string' } }, type: 'object' },
      links: [{ href: '{id}', rel: 'child' }],
      type: 'array',
    },
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/cluster/ha/resources',
    name: 'index',
    description: 'Guests under HA management.',
    permissions: sysAudit,
    parameters: {
      additionalProperties: 0,
      properties: {
        type: {
          enum: ['ct', 'vm'],
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: {
      items: { properties: { sid: { type: 'string' } }, type: 'object' },
      links: [{ href: '{sid}', rel: 'child' }],
      type: 'array',
    },
    handler: haResources,
  },
  {
    method: 'GET',
    path: '/cluster/ha/status',
    name: 'index',
    description: 'Subdirectories.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: {
      items: { properties: {}, type: 'object' },
      links: [{ href: '{name}', rel: 'child' }],
      type: 'array',
    },
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/cluster/ha/status/current',
    name: 'status',
    description: 'State of the HA manager, its nodes and services.',
    permissions: sysAudit,
    parameters: { additionalProperties: 0 },
    returns: {
      items: {
        properties: {
          crm_state: {
            optional: 1,
            type: 'string',
          },
          id: { type: 'string' },
          max_relocate: { optional: 1, type: 'integer' },
          max_restart: { optional: 1, type: 'integer' },
          node: { type: 'string' },
          quorate: {
            optional: 1,
            type: 'boolean',
          },
          request_state: {
            optional: 1,
            type: 'string',
          },
          sid: { optional: 1, type: 'string' },
          state: { optional: 1, type: 'string' },
          status: { type: 'string' },
          timestamp: {
            optional: 1,
            type: 'integer',
          },
          type: {
            enum: ['quorum', 'master', 'lrm', 'service', 'fencing'],
            type: 'string',
          },
        },
        type: 'object',
      },
      type: 'array',
    },
    handler: haStatus,
  },
];
