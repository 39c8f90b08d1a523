import { fail } from '../errors.js';
import type { GuestType } from '../fleet.js';
import type { RouteDef } from '../route-types.js';
import { destroyLines } from '../task-scripts.js';
import { guestLabel, loadGuest, lockError, rootOnly, startTask } from './helpers.js';
import { LXC_ACTIONS, QEMU_ACTIONS, flag, type PowerAction } from './power-actions.js';
import { nodeProp, skiplockProp, upidReturns, vmidProp } from './props.js';

/** The power action routes (see power-actions.ts) and destroy. */

function powerRoute(type: GuestType, a: PowerAction): RouteDef {
  return {
    method: 'POST',
    path: `/nodes/{node}/${type}/{vmid}/status/${a.action}`,
    name: a.name,
    description: a.description,
    proxyto: 'node',
    protected: 1,
    permissions: {
      check: ['perm', '/vms/{vmid}', ['VM.PowerMgmt']],
    },
    parameters: { additionalProperties: 0, properties: { ...a.props, node: nodeProp, vmid: vmidProp } },
    returns: upidReturns,
    handler: (ctx) => {
      rootOnly(ctx, a.rootOnly ?? []);
      const g = loadGuest(ctx, type);
      a.precheck?.(g, ctx);
      const outcome = a.worker(g, ctx);
      const fleet = ctx.state.fleet;
      return startTask(ctx, {
        type: a.taskType(ctx),
        id: String(g.vmid),
        lines: outcome.lines,
        error: outcome.error,
        onSuccess: () => {
          // The guest may have been destroyed meanwhile; then there is nothing left to change.
          if (fleet.guests.get(g.vmid) === g) outcome.apply?.();
        },
      });
    },
  };
}

// What the demo's describe answers say about destroy's options (our words, not PVE's).
const purgeAbout = 'also drop it from backup jobs, replication and HA';
const unreferencedAbout = "also delete this VMID's disks the config does not list";

function destroyRoute(type: GuestType): RouteDef {
  const label = guestLabel(type);
  return {
    method: 'DELETE',
    path: `/nodes/{node}/${type}/{vmid}`,
    name: 'destroy_vm',
    description:
      type === 'qemu'
        ? 'Deletes the VM with its disks, ACL entries and firewall rules.'
        : 'Deletes the container with its volumes.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Allocate']] },
    parameters: {
      additionalProperties: 0,
      properties:
        type === 'qemu'
          ? {
              'destroy-unreferenced-disks': { ...flag(), description: unreferencedAbout },
              node: nodeProp,
              purge: { ...flag(false), description: purgeAbout },
              skiplock: skiplockProp,
              vmid: vmidProp,
            }
          : {
              'destroy-unreferenced-disks': { ...flag(false), description: unreferencedAbout },
              force: { ...flag(), description: 'stop it first if it is running' },
              node: nodeProp,
              purge: { ...flag(), description: purgeAbout },
              vmid: vmidProp,
            },
    },
    returns: upidReturns,
    handler: (ctx) => {
      rootOnly(ctx, ['skiplock']);
      const g = loadGuest(ctx, type);
      if (g.config.protection === 1) throw fail(`can't remove ${label} ${g.vmid} - protection mode enabled`);
      if (lockError(g)) throw fail(lockError(g) ?? '');
      if (g.status === 'running' && !(type === 'lxc' && ctx.params.bool('force'))) {
        throw fail(
          type === 'qemu'
            ? `VM ${g.vmid} is running - destroy failed`
            : `unable to destroy CT ${g.vmid} - container is running`,
        );
      }
      const fleet = ctx.state.fleet;
      return startTask(ctx, {
        type: type === 'qemu' ? 'qmdestroy' : 'vzdestroy',
        id: String(g.vmid),
        lines: destroyLines(g, ctx.params.bool('purge')),
        onSuccess: () => {
          if (fleet.guests.get(g.vmid) === g) fleet.guests.delete(g.vmid);
        },
      });
    },
  };
}

export const guestPowerRoutes: RouteDef[] = [
  ...QEMU_ACTIONS.map((a) => powerRoute('qemu', a)),
  destroyRoute('qemu'),
  ...LXC_ACTIONS.map((a) => powerRoute('lxc', a)),
  destroyRoute('lxc'),
];
