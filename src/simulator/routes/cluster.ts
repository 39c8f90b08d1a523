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
    description: 'Cluster index.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: indexReturns('name'),
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/cluster/status',
    name: 'get_status',
    description: 'Get cluster status information.',
    protected: 1,
    permissions: { check: ['perm', '/', ['Sys.Audit']] },
    parameters: { additionalProperties: 0 },
    returns: {
      items: {
        properties: {
          id: { type: 'string' },
          ip: { description: '[node] IP of the resolved nodename.', optional: 1, type: 'string' },
          level: {
            description:
              '[node] Proxmox VE Subscription level, indicates if eligible for enterprise support as well as access to the stable Proxmox VE Enterprise Repository.',
            optional: 1,
            type: 'string',
          },
          local: {
            description: '[node] Indicates if this is the responding node.',
            optional: 1,
            type: 'boolean',
          },
          name: { type: 'string' },
          nodeid: {
            description: '[node] ID of the node from the corosync configuration.',
            optional: 1,
            type: 'integer',
          },
          nodes: {
            description: '[cluster] Nodes count, including offline nodes.',
            optional: 1,
            type: 'integer',
          },
          online: {
            description: '[node] Indicates if the node is online or offline.',
            optional: 1,
            type: 'boolean',
          },
          quorate: {
            description: '[cluster] Indicates if there is a majority of nodes online to make decisions',
            optional: 1,
            type: 'boolean',
          },
          type: {
            description:
              'Indicates the type, either cluster or node. The type defines the object properties e.g. quorate available for type cluster.',
            enum: ['cluster', 'node'],
            type: 'string',
          },
          version: {
            description: '[cluster] Current version of the corosync configuration file.',
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
    description: 'Get next free VMID. Pass a VMID to assert that its free (at time of check).',
    permissions: { user: 'all' },
    parameters: {
      additionalProperties: 0,
      properties: {
        vmid: {
          description: 'The (unique) ID of the VM.',
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          optional: 1,
          type: 'integer',
          typetext: '<integer> (100 - 999999999)',
        },
      },
    },
    returns: { description: 'The next free VMID.', type: 'integer' },
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
    description: 'List recent tasks (cluster wide).',
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
    description: `API version details, including some parts of the global datacenter config. ${SIMULATOR_SCHEMA_MARKER}`,
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: {
      properties: {
        console: {
          description: 'The default console viewer to use.',
          enum: ['applet', 'vv', 'html5', 'xtermjs'],
          optional: 1,
          type: 'string',
        },
        release: { description: 'The current Proxmox VE point release in `x.y` format.', type: 'string' },
        repoid: {
          description: 'The short git revision from which this version was build.',
          pattern: '[0-9a-fA-F]{8,64}',
          type: 'string',
        },
        version: { description: 'The full pve-manager package version of this node.', type: 'string' },
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
