import { paramError } from '../errors.js';
import type { RouteDef } from '../route-types.js';
import { clusterResourcesRoute } from './cluster-resources.js';
import { directoryIndex } from './helpers.js';
import { indexReturns } from './props.js';
import { taskListItem } from './task-list.js';
import { SIMULATOR_SCHEMA_MARKER } from '../../schema/simulated.js';

/** /cluster/* and /version. */
export const clusterRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/cluster',
    name: 'index',
    description: 'Subdirectories.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: indexReturns('name'),
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/cluster/status',
    name: 'get_status',
    description: 'Quorum and membership: one entry for the cluster, one per node.',
    protected: 1,
    permissions: { check: ['perm', '/', ['Sys.Audit']] },
    parameters: { additionalProperties: 0 },
    returns: {
      items: {
        properties: {
          id: { type: 'string' },
          ip: { optional: 1, type: 'string' },
          level: {
            optional: 1,
            type: 'string',
          },
          local: {
            optional: 1,
            type: 'boolean',
          },
          name: { type: 'string' },
          nodeid: {
            optional: 1,
            type: 'integer',
          },
          nodes: {
            optional: 1,
            type: 'integer',
          },
          online: {
            optional: 1,
            type: 'boolean',
          },
          quorate: {
            optional: 1,
            type: 'boolean',
          },
          type: {
            enum: ['cluster', 'node'],
            type: 'string',
          },
          version: {
            optional: 1,
            type: 'integer',
          },
        },
        type: 'object',
      },
      type: 'array',
    },
    handler: ({ state }) => {
      const nodes = [...state.fleet.nodes.values()];
      const online = nodes.filter((n) => n.online).length;
      const clustered = nodes.length > 1;
      // A standalone node (no corosync cluster) reports itself only, with nodeid 0.
      const head = clustered
        ? [
            {
              type: 'cluster',
              id: 'cluster',
              name: state.fleet.clusterName,
              nodes: nodes.length,
              quorate: online * 2 > nodes.length ? 1 : 0,
              version: nodes.length + 2,
            },
          ]
        : [];
      return [
        ...head,
        ...nodes.map((n) => ({
          type: 'node',
          id: `node/${n.name}`,
          name: n.name,
          nodeid: clustered ? n.nodeid : 0,
          ip: n.ip,
          online: n.online ? 1 : 0,
          local: n.name === state.fleet.localNode ? 1 : 0,
          level: '',
        })),
      ];
    },
  },
  clusterResourcesRoute,
  {
    method: 'GET',
    path: '/cluster/nextid',
    name: 'nextid',
    description: 'A VMID that is free now; given one, checks that it is free.',
    permissions: { user: 'all' },
    parameters: {
      additionalProperties: 0,
      properties: {
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          optional: 1,
          type: 'integer',
        },
      },
    },
    returns: { type: 'integer' },
    // Real PVE returns the id as a JSON string (it was a hash key), whatever the schema says.
    handler: ({ params, state }) => {
      const vmid = params.int('vmid');
      if (vmid === undefined) return String(state.fleet.nextFreeVmid());
      if (state.fleet.guests.has(vmid)) throw paramError({ vmid: `VM ${vmid} already exists` });
      return String(vmid);
    },
  },
  {
    method: 'GET',
    path: '/cluster/tasks',
    name: 'tasks',
    description: 'Recent tasks of all nodes.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: { items: { properties: { upid: { type: 'string' } }, type: 'object' }, type: 'array' },
    // Without Sys.Audit on / a caller sees only the tasks it started.
    handler: ({ state, caller }) => {
      const all = caller.privileges.has('/', 'Sys.Audit');
      return [...state.tasks.all()]
        .filter((t) => all || t.user === caller.authid)
        .sort((a, b) => b.starttime - a.starttime || b.pid - a.pid)
        .map((t) => taskListItem(t, false));
    },
  },
];

export const versionRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/version',
    name: 'version',
    // The marker tells our schema code this is the simulator's partial API (src/schema/simulated.ts).
    description: `Version and release of the answering node. ${SIMULATOR_SCHEMA_MARKER}`,
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: {
      properties: {
        console: {
          enum: ['applet', 'vv', 'html5', 'xtermjs'],
          optional: 1,
          type: 'string',
        },
        release: { type: 'string' },
        repoid: {
          pattern: '[0-9a-fA-F]{8,64}',
          type: 'string',
        },
        version: { type: 'string' },
      },
      type: 'object',
    },
    handler: ({ state }) => ({
      release: state.version.release,
      repoid: state.version.repoid,
      version: state.version.text,
    }),
  },
];
