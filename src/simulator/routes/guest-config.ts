import { fail, paramError, permError } from '../errors.js';
import type { ConfigValue, Guest, GuestType } from '../fleet.js';
import { splitList } from '../formats.js';
import { COLD_OPTIONS, extrasOf } from '../job-state.js';
import { configDigest } from '../guest-status.js';
import type { HandlerContext, RouteDef } from '../route-types.js';
import { lxcConfigProps, optionPrivilege, qemuConfigProps } from './config-props.js';
import { checkLock, loadGuest, rootOnly, startTask } from './helpers.js';
import { nodeProp, vmidProp } from './props.js';

/** Config updates: PUT (synchronous) for both guest types, POST (a qmconfig task) for VMs. */

const NOT_OPTIONS = new Set(['node', 'vmid', 'digest', 'delete', 'skiplock', 'background_delay']);

/**
 * The checks update_vm_api makes before changing anything; returns the change to apply. Values keep the
 * types PVE's config parser gives them (booleans and integers as numbers).
 */
function prepareUpdate(ctx: HandlerContext, g: Guest): () => void {
  rootOnly(ctx, ['skiplock']);
  const digest = ctx.params.str('digest');
  if (digest !== undefined && digest !== configDigest(g)) {
    throw fail('detected modified configuration - file changed by other user? Try again.');
  }
  const deletes = splitList(ctx.params.str('delete') ?? '');
  const changes: Record<string, ConfigValue> = {};
  for (const [key, value] of ctx.params.entries()) {
    if (!NOT_OPTIONS.has(key)) changes[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  if (deletes.length === 0 && Object.keys(changes).length === 0) throw fail('no options specified');
  for (const key of deletes) {
    if (key in changes)
      throw paramError({ delete: `you can't use '-${key}' and -delete ${key}' at the same time` });
  }
  for (const key of [...Object.keys(changes), ...deletes]) {
    const priv = optionPrivilege[key] ?? 'VM.Config.Options';
    if (!ctx.caller.privileges.has(`/vms/${g.vmid}`, priv)) throw permError(`/vms/${g.vmid}, ${priv}`);
  }
  checkLock(g);
  return () => {
    for (const key of deletes) delete g.config[key];
    // A running VM keeps what it cannot hotplug pending until its next start (GET …/pending shows it).
    const cold = g.type === 'qemu' && g.status === 'running';
    for (const [key, value] of Object.entries(changes)) {
      if (cold && COLD_OPTIONS.has(key)) extrasOf(g).pending[key] = value;
      else g.config[key] = value;
    }
  };
}

const vmParams = { node: nodeProp, vmid: vmidProp };
const configPerms = (type: GuestType): RouteDef['permissions'] =>
  type === 'qemu'
    ? {
        check: [
          'perm',
          '/vms/{vmid}',
          [
            'VM.Config.Disk',
            'VM.Config.CDROM',
            'VM.Config.CPU',
            'VM.Config.Memory',
            'VM.Config.Network',
            'VM.Config.HWType',
            'VM.Config.Options',
            'VM.Config.Cloudinit',
          ],
          'any',
          1,
        ],
      }
    : {
        check: [
          'perm',
          '/vms/{vmid}',
          ['VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options'],
          'any',
          1,
        ],
      };

export const guestConfigRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/config',
    name: 'update_vm_async',
    description: 'Changes VM config in a task (answers with its UPID).',
    proxyto: 'node',
    protected: 1,
    permissions: configPerms('qemu'),
    parameters: {
      additionalProperties: 0,
      properties: {
        ...qemuConfigProps,
        ...vmParams,
        background_delay: {
          maximum: 30,
          minimum: 1,
          optional: 1,
          type: 'integer',
        },
      },
    },
    returns: { optional: 1, type: 'string' },
    handler: (ctx) => {
      const g = loadGuest(ctx, 'qemu');
      const apply = prepareUpdate(ctx, g);
      const delayMs = (ctx.params.int('background_delay') ?? 0) * 1000;
      const finishesInTime = delayMs > 0 && delayMs >= ctx.state.tasks.defaultDuration;
      // A task that would finish within background_delay: PVE waits and answers null.
      const upid = startTask(ctx, {
        type: 'qmconfig',
        id: String(g.vmid),
        onSuccess: apply,
        durationMs: finishesInTime ? 0 : undefined,
      });
      return finishesInTime ? null : upid;
    },
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/config',
    name: 'update_vm',
    description: 'Changes VM config and waits for it; POST suits changes that allocate disks or hot-plug.',
    proxyto: 'node',
    protected: 1,
    permissions: configPerms('qemu'),
    parameters: { additionalProperties: 0, properties: { ...qemuConfigProps, ...vmParams } },
    returns: { type: 'null' },
    handler: (ctx) => {
      prepareUpdate(ctx, loadGuest(ctx, 'qemu'))();
      return null;
    },
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/lxc/{vmid}/config',
    name: 'update_vm',
    description: 'Changes container config.',
    proxyto: 'node',
    protected: 1,
    permissions: configPerms('lxc'),
    parameters: { additionalProperties: 0, properties: { ...lxcConfigProps, ...vmParams } },
    returns: { type: 'null' },
    handler: (ctx) => {
      prepareUpdate(ctx, loadGuest(ctx, 'lxc'))();
      return null;
    },
  },
];
