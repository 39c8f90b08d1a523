import { createHash } from 'node:crypto';
import type { StorageDef } from '../fleet.js';
import { splitList } from '../formats.js';
import type { RouteDef } from '../route-types.js';
import { storageUsage } from '../stats.js';
import { nodeProp } from './props.js';

/** /storage (cluster configuration) and /nodes/{node}/storage (status per node). */

const storagePermissions = {
  user: 'all',
} as const;
const auditPrivs = ['Datastore.Audit', 'Datastore.AllocateSpace'];

const FORMATS: Record<StorageDef['type'], { default: string; supported: string[] }> = {
  dir: { default: 'qcow2', supported: ['raw', 'qcow2', 'vmdk', 'subvol'] },
  nfs: { default: 'qcow2', supported: ['raw', 'qcow2', 'vmdk'] },
  lvmthin: { default: 'raw', supported: ['raw'] },
};

export const nodeStorageRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/storage',
    name: 'index',
    description: 'Storages the node can use, with their usage.',
    proxyto: 'node',
    protected: 1,
    permissions: storagePermissions,
    parameters: {
      additionalProperties: 0,
      properties: {
        content: {
          format: 'pve-storage-content-list',
          optional: 1,
          type: 'string',
        },
        enabled: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        format: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        node: nodeProp,
        storage: {
          format: 'pve-storage-id',
          optional: 1,
          type: 'string',
        },
        target: {
          format: 'pve-node',
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: {
      items: {
        properties: {
          active: { optional: 1, type: 'boolean' },
          avail: { optional: 1, type: 'integer' },
          content: { format: 'pve-storage-content-list', type: 'string' },
          enabled: { optional: 1, type: 'boolean' },
          formats: {
            optional: 1,
            properties: {
              default: { enum: ['qcow2', 'raw', 'subvol', 'vmdk'], type: 'string' },
              supported: {
                items: { enum: ['qcow2', 'raw', 'subvol', 'vmdk'], type: 'string' },
                type: 'array',
              },
            },
            type: 'object',
          },
          select_existing: { optional: 1, type: 'boolean' },
          shared: { optional: 1, type: 'boolean' },
          storage: { format: 'pve-storage-id', type: 'string' },
          total: { optional: 1, type: 'integer' },
          type: { type: 'string' },
          used: { optional: 1, type: 'integer' },
          used_fraction: { optional: 1, type: 'number' },
        },
        type: 'object',
      },
      links: [{ href: '{storage}', rel: 'child' }],
      type: 'array',
    },
    handler: ({ params, state, caller }) => {
      const node = state.fleet.nodes.get(params.str('node') ?? '');
      if (!node) return [];
      const content = splitList(params.str('content') ?? '');
      const target = params.str('target');
      return state.fleet.storages
        .filter((s) => caller.privileges.hasAny(`/storage/${s.id}`, auditPrivs))
        .filter((s) => params.str('storage') === undefined || s.id === params.str('storage'))
        .filter((s) => content.every((c) => s.content.split(',').includes(c)))
        .filter((s) => target === undefined || target === node.name || s.shared)
        .map((s) => {
          const { total, used } = storageUsage(s, node, state);
          return {
            storage: s.id,
            type: s.type,
            content: s.content,
            active: 1,
            enabled: 1,
            shared: s.shared ? 1 : 0,
            total,
            used,
            avail: total - used,
            used_fraction: total > 0 ? used / total : 0,
            ...(params.bool('format') ? { formats: FORMATS[s.type], select_existing: 0 } : {}),
          };
        });
    },
  },
];

export const storageRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/storage',
    name: 'index',
    description: 'Storage definitions of the datacenter.',
    permissions: storagePermissions,
    parameters: {
      additionalProperties: 0,
      properties: {
        type: {
          enum: [
            'btrfs',
            'cephfs',
            'cifs',
            'dir',
            'esxi',
            'iscsi',
            'iscsidirect',
            'lvm',
            'lvmthin',
            'nfs',
            'pbs',
            'rbd',
            'zfs',
            'zfspool',
          ],
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: {
      items: { properties: { storage: { type: 'string' } }, type: 'object' },
      links: [{ href: '{storage}', rel: 'child' }],
      type: 'array',
    },
    handler: ({ params, state, caller }) => {
      const digest = createHash('sha1').update(JSON.stringify(state.fleet.storages)).digest('hex');
      return state.fleet.storages
        .filter((s) => params.str('type') === undefined || s.type === params.str('type'))
        .filter((s) => caller.privileges.hasAny(`/storage/${s.id}`, auditPrivs))
        .map((s) => ({ storage: s.id, type: s.type, content: s.content, ...s.config, digest }));
    },
  },
];
