import { fail } from '../errors.js';
import type { GuestType } from '../fleet.js';
import type { PveProperty, RouteDef } from '../route-types.js';
import { loadGuest } from './helpers.js';
import { indexReturns, nodeProp, snapnameProp, vmidProp } from './props.js';
import { create, listSnapshots, remove, rollback } from './snapshot-ops.js';

/** Snapshot routes for both guest types; the operations live in snapshot-ops.ts. */

const taskReturns: PveProperty = { type: 'string' };

function routesFor(type: GuestType): RouteDef[] {
  const base = `/nodes/{node}/${type}/{vmid}/snapshot`;
  const what = type === 'qemu' ? 'VM' : 'LXC';
  const vmParams = { node: nodeProp, vmid: vmidProp };
  const snapParams = { node: nodeProp, snapname: snapnameProp, vmid: vmidProp };
  return [
    {
      method: 'GET',
      path: base,
      name: type === 'qemu' ? 'snapshot_list' : 'list',
      description: 'Snapshots of the guest, and its current state.',
      proxyto: 'node',
      protected: 1,
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
      parameters: { additionalProperties: 0, properties: vmParams },
      returns: {
        items: {
          properties: {
            description: { type: 'string' },
            name: {
              type: 'string',
            },
            parent: { optional: 1, type: 'string' },
            snaptime: {
              optional: 1,
              renderer: 'timestamp',
              type: 'integer',
            },
            ...(type === 'qemu' ? { vmstate: { optional: 1, type: 'boolean' } } : {}),
          },
          type: 'object',
        },
        links: [{ href: '{name}', rel: 'child' }],
        type: 'array',
      },
      handler: (ctx) => listSnapshots(loadGuest(ctx, type)),
    },
    {
      method: 'POST',
      path: base,
      name: 'snapshot',
      description: type === 'qemu' ? 'Takes a snapshot of the VM.' : 'Takes a snapshot of the container.',
      proxyto: 'node',
      protected: 1,
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Snapshot']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          description: {
            description: 'note on the snapshot',
            optional: 1,
            type: 'string',
          },
          ...snapParams,
          ...(type === 'qemu'
            ? {
                vmstate: {
                  description: "also save a running VM's RAM",
                  optional: 1,
                  type: 'boolean',
                },
              }
            : {}),
        },
      },
      returns: taskReturns,
      handler: (ctx) => create(ctx, loadGuest(ctx, type)),
    },
    {
      method: 'GET',
      path: `${base}/{snapname}`,
      name: 'snapshot_cmd_idx',
      description: '',
      permissions: { user: 'all' },
      parameters: { additionalProperties: 0, properties: snapParams },
      returns: indexReturns('cmd'),
      handler: () => [{ cmd: 'rollback' }, { cmd: 'config' }],
    },
    {
      method: 'DELETE',
      path: `${base}/{snapname}`,
      name: 'delsnapshot',
      description: `Deletes a snapshot of the ${what}.`,
      proxyto: 'node',
      protected: 1,
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Snapshot']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          force: {
            description: 'remove it from the config even if deleting its data fails',
            optional: 1,
            type: 'boolean',
          },
          ...snapParams,
        },
      },
      returns: taskReturns,
      handler: (ctx) => remove(ctx, loadGuest(ctx, type)),
    },
    {
      method: 'POST',
      path: `${base}/{snapname}/rollback`,
      name: 'rollback',
      description: `Rolls the ${what} back to a snapshot.`,
      proxyto: 'node',
      protected: 1,
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Snapshot', 'VM.Snapshot.Rollback'], 'any', 1] },
      parameters: {
        additionalProperties: 0,
        properties: {
          ...snapParams,
          start: {
            description: 'start the guest after the rollback',
            default: 0,
            optional: 1,
            type: 'boolean',
          },
        },
      },
      returns: taskReturns,
      handler: (ctx) => rollback(ctx, loadGuest(ctx, type)),
    },
    {
      method: 'GET',
      path: `${base}/{snapname}/config`,
      name: 'get_snapshot_config',
      description: 'Guest config saved with the snapshot.',
      proxyto: 'node',
      permissions: {
        check: ['perm', '/vms/{vmid}', ['VM.Snapshot', 'VM.Snapshot.Rollback', 'VM.Audit'], 'any', 1],
      },
      parameters: { additionalProperties: 0, properties: snapParams },
      returns: { type: 'object' },
      handler: (ctx) => {
        const g = loadGuest(ctx, type);
        const name = ctx.params.str('snapname') ?? '';
        const snap = g.snapshots.find((s) => s.name === name);
        if (!snap) throw fail(`snapshot '${name}' does not exist`);
        return {
          ...snap.config,
          description: snap.description,
          snaptime: snap.snaptime,
          ...(snap.parent === undefined ? {} : { parent: snap.parent }),
          ...(g.type === 'qemu' && snap.vmstate ? { vmstate: 1 } : {}),
        };
      },
    },
  ];
}

export const snapshotRoutes: RouteDef[] = [...routesFor('qemu'), ...routesFor('lxc')];
