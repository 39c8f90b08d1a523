import { fail, permError } from '../errors.js';
import type { RouteDef } from '../route-types.js';
import { nodeProp, vmidProp } from './props.js';
import { storageVolumes } from './volumes.js';

/** GET /nodes/{node}/storage/{storage}/content (list, backups included) and …/content/{volume}. */

const storageProp = {
  format: 'pve-storage-id',
  type: 'string',
} as const;

const auditPrivs = ['Datastore.Audit', 'Datastore.AllocateSpace'];

export const storageContentRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/content',
    name: 'index',
    description: 'Volumes on a storage: backups, disk images, ISOs, templates.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/storage/{storage}', auditPrivs, 'any', 1] },
    parameters: {
      additionalProperties: 0,
      properties: {
        content: {
          description: 'only this kind: backup, images, iso, vztmpl, rootdir',
          format: 'pve-storage-content',
          optional: 1,
          type: 'string',
        },
        node: nodeProp,
        storage: storageProp,
        vmid: { ...vmidProp, optional: 1, description: "only this guest's volumes" },
      },
    },
    returns: {
      items: {
        properties: {
          ctime: {
            minimum: 0,
            optional: 1,
            type: 'integer',
          },
          format: {
            type: 'string',
          },
          notes: { optional: 1, type: 'string' },
          protected: { optional: 1, type: 'boolean' },
          size: { optional: 1, renderer: 'bytes', type: 'integer' },
          vmid: { optional: 1, type: 'integer' },
          volid: { type: 'string' },
        },
        type: 'object',
      },
      links: [{ href: '{volid}', rel: 'child' }],
      type: 'array',
    },
    handler: ({ params, state }) => {
      const node = params.str('node') ?? '';
      const storage = state.fleet.storages.find((s) => s.id === params.str('storage'));
      if (!storage) throw fail(`storage '${params.str('storage') ?? ''}' does not exist`);
      const content = params.str('content');
      const vmid = params.int('vmid');
      return storageVolumes(state.fleet, storage, node, state.clock.nowSec())
        .filter((v) => content === undefined || v.content === content)
        .filter((v) => vmid === undefined || v.vmid === vmid)
        .map(({ path: _path, protected: prot, ...v }) => ({
          ...v,
          ...(prot === undefined ? {} : { protected: prot ? 1 : 0 }),
        }));
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/content/{volume}',
    name: 'info',
    description: 'Size, format and notes of one volume.',
    proxyto: 'node',
    protected: 1,
    permissions: { user: 'all' },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: nodeProp,
        storage: { ...storageProp, optional: 1 },
        volume: { type: 'string' },
      },
    },
    returns: {
      properties: {
        format: {
          type: 'string',
        },
        notes: { optional: 1, type: 'string' },
        path: { type: 'string' },
        protected: { optional: 1, type: 'boolean' },
        size: { renderer: 'bytes', type: 'integer' },
        used: { renderer: 'bytes', type: 'integer' },
      },
      type: 'object',
    },
    handler: ({ params, state, caller }) => {
      const node = params.str('node') ?? '';
      const volume = params.str('volume') ?? '';
      // A full volume id ("nas:backup/…") names its storage; a relative one needs the path's.
      const [storeId, rest] = volume.includes(':')
        ? [volume.slice(0, volume.indexOf(':')), volume.slice(volume.indexOf(':') + 1)]
        : [params.str('storage') ?? '', volume];
      const storage = state.fleet.storages.find((s) => s.id === storeId);
      if (!storage) throw fail(`storage '${storeId}' does not exist`);
      if (!caller.privileges.hasAny(`/storage/${storage.id}`, auditPrivs)) throw permError();
      const volid = `${storage.id}:${rest}`;
      const v = storageVolumes(state.fleet, storage, node, state.clock.nowSec()).find(
        (x) => x.volid === volid,
      );
      if (!v) throw fail(`volume '${volid}' does not exist`);
      return {
        format: v.format,
        path: v.path,
        size: v.size,
        used: v.content === 'backup' ? v.size : Math.round(v.size * 0.4),
        ...(v.notes === undefined ? {} : { notes: v.notes }),
        ...(v.protected === undefined ? {} : { protected: v.protected ? 1 : 0 }),
      };
    },
  },
];
