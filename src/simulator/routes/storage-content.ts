import { fail, permError } from '../errors.js';
import type { RouteDef } from '../route-types.js';
import { nodeProp, vmidProp } from './props.js';
import { storageVolumes } from './volumes.js';

/** GET /nodes/{node}/storage/{storage}/content (list, backups included) and …/content/{volume}. */

const storageProp = {
  description: 'The storage identifier.',
  format: 'pve-storage-id',
  format_description: 'storage ID',
  type: 'string',
  typetext: '<storage ID>',
} as const;

const auditPrivs = ['Datastore.Audit', 'Datastore.AllocateSpace'];

export const storageContentRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/content',
    name: 'index',
    description: 'List storage content.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/storage/{storage}', auditPrivs, 'any', 1] },
    parameters: {
      additionalProperties: 0,
      properties: {
        content: {
          description: 'Only list content of this type.',
          format: 'pve-storage-content',
          optional: 1,
          type: 'string',
          typetext: '<string>',
        },
        node: nodeProp,
        storage: storageProp,
        vmid: { ...vmidProp, description: 'Only list images for this VM', optional: 1 },
      },
    },
    returns: {
      items: {
        properties: {
          ctime: {
            description: 'Creation time (seconds since the UNIX Epoch).',
            minimum: 0,
            optional: 1,
            type: 'integer',
          },
          format: {
            description: "Format identifier ('raw', 'qcow2', 'subvol', 'iso', 'tgz' ...)",
            type: 'string',
          },
          notes: { description: 'Optional notes (first line).', optional: 1, type: 'string' },
          protected: { description: 'Protection status (backups only).', optional: 1, type: 'boolean' },
          size: { description: 'Volume size in bytes.', optional: 1, renderer: 'bytes', type: 'integer' },
          vmid: { description: 'Associated Owner VMID.', optional: 1, type: 'integer' },
          volid: { description: 'Volume identifier.', type: 'string' },
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
    description: 'Get volume attributes.',
    proxyto: 'node',
    protected: 1,
    permissions: { description: 'You need read access for the volume.', user: 'all' },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: nodeProp,
        storage: { ...storageProp, optional: 1 },
        volume: { description: 'Volume identifier', type: 'string', typetext: '<string>' },
      },
    },
    returns: {
      properties: {
        format: {
          description: "Format identifier ('raw', 'qcow2', 'subvol', 'iso', 'tgz' ...)",
          type: 'string',
        },
        notes: { description: 'Optional notes.', optional: 1, type: 'string' },
        path: { description: 'The Path', type: 'string' },
        protected: { description: 'Protection status (backups only).', optional: 1, type: 'boolean' },
        size: { description: 'Volume size in bytes.', renderer: 'bytes', type: 'integer' },
        used: { description: 'Used space.', renderer: 'bytes', type: 'integer' },
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
