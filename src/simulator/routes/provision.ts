import { fail, paramError } from '../errors.js';
import {
  markStarted,
  parseSize,
  volumes,
  type ConfigValue,
  type Guest,
  type GuestProfile,
} from '../fleet.js';
import { backupsOf } from '../job-state.js';
import type { HandlerContext, RouteDef } from '../route-types.js';
import { agentEnabled } from './config-props.js';
import { checkLock, loadGuest, startTask } from './helpers.js';
import { need } from './job-ops.js';
import { JOB_ROUTE_SPECS as S } from './job-specs.js';
import { archiveFile } from './volumes.js';

/**
 * Making guests: clone (qemu-server clone_vm), restore from a vzdump archive and create a container from a
 * template (create_vm), grow a disk (resize_vm) and move a VM to another node (migrate_vm). As in PVE the
 * new guest's config exists (locked) as soon as the request is accepted; the task finishes the job.
 */

/** A new guest runs lightly until something says otherwise. */
const FRESH_PROFILE: GuestProfile = {
  cpuLoad: 0.03,
  memFraction: 0.22,
  diskUsed: 0,
  netRate: 2_000,
  ioRate: 8_000,
};

function ensureFree(ctx: HandlerContext, vmid: number): void {
  const existing = ctx.state.fleet.guests.get(vmid);
  if (existing)
    throw fail(`unable to create VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`);
}

function ensureNode(ctx: HandlerContext, name: string): void {
  if (!ctx.state.fleet.nodes.has(name)) throw paramError({ target: `no such cluster node '${name}'` });
}

function newGuest(
  vmid: number,
  type: Guest['type'],
  node: string,
  config: Record<string, ConfigValue>,
  pool?: string,
): Guest {
  return {
    vmid,
    type,
    node,
    status: 'stopped',
    paused: false,
    checkpointed: false,
    config,
    snapshots: [],
    pool,
    startedAt: 0,
    pid: 0,
    agentResponds: type === 'qemu' && agentEnabled({ type, config } as Guest),
    profile: FRESH_PROFILE,
  };
}

/** The disk of a clone: linked clones point at the template's base volume, full ones get their own. */
function cloneVolume(text: string, newid: number, full: boolean, storage: string | undefined): string {
  const comma = text.indexOf(',');
  const volid = comma < 0 ? text : text.slice(0, comma);
  const rest = comma < 0 ? '' : text.slice(comma);
  const [store = '', name = ''] = volid.split(':');
  const disk = /disk-(\d+)/.exec(name)?.[1] ?? '0';
  if (/cloudinit/.test(name)) return `${store}:vm-${newid}-cloudinit${rest}`;
  if (!full) return `${store}:${name}/vm-${newid}-disk-${disk}${rest}`;
  return `${storage ?? store}:vm-${newid}-disk-${disk}${rest}`;
}

function clone(ctx: HandlerContext): string {
  const src = loadGuest(ctx, 'qemu');
  const newid = ctx.params.int('newid') ?? 0;
  ensureFree(ctx, newid);
  const isTemplate = src.config.template === 1;
  const full = ctx.params.has('full') ? ctx.params.bool('full') : !isTemplate;
  if (!full && !isTemplate) throw fail('linked clone feature is not supported for drive');
  if (!full && ctx.params.has('storage')) throw paramError({ storage: 'only allowed for full clones' });
  const target = ctx.params.str('target') ?? src.node;
  ensureNode(ctx, target);
  if (!isTemplate) checkLock(src);
  const storage = ctx.params.str('storage');
  if (storage !== undefined && !ctx.state.fleet.storages.some((s) => s.id === storage))
    throw fail(`storage '${storage}' does not exist`);

  const config: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(src.config)) {
    if (['template', 'lock', 'parent', 'vmgenid', 'smbios1', 'meta'].includes(key)) continue;
    const isVolume = volumes({ [key]: value }).length > 0 || /cloudinit/.test(String(value));
    config[key] = isVolume ? cloneVolume(String(value), newid, full, storage) : value;
  }
  config.name = ctx.params.str('name') ?? `Copy-of-VM-${String(src.config.name ?? src.vmid)}`;
  if (ctx.params.has('description')) config.description = ctx.params.str('description') ?? '';
  config.lock = 'clone';
  const g = newGuest(newid, 'qemu', target, config, ctx.params.str('pool'));
  g.agentResponds = true; // the template's image has qemu-guest-agent installed
  ctx.state.fleet.guests.set(newid, g);
  return startTask(ctx, {
    type: 'qmclone',
    id: String(src.vmid),
    lines: [
      `create ${full ? 'full' : 'linked'} clone of drive scsi0 (${String(src.config.scsi0 ?? '').split(',')[0] ?? ''})`,
    ],
    onSuccess: () => {
      delete g.config.lock;
    },
    onFailure: () => {
      ctx.state.fleet.guests.delete(newid);
    },
  });
}

function resize(ctx: HandlerContext): string {
  const g = loadGuest(ctx, 'qemu');
  checkLock(g);
  const disk = ctx.params.str('disk') ?? '';
  const text = g.config[disk];
  if (text === undefined) throw fail(`disk '${disk}' does not exist`);
  const current = parseSize(/(?:^|,)size=([^,]+)/.exec(String(text))?.[1]);
  const sizeParam = ctx.params.str('size') ?? '';
  const requested = parseSize(sizeParam.replace(/^\+/, ''));
  const next = sizeParam.startsWith('+') ? current + requested : requested;
  if (next < current) throw fail('shrinking disks is not supported');
  const gib = next / 2 ** 30;
  const size = Number.isInteger(gib) ? `${gib}G` : `${Math.round(next / 2 ** 20)}M`;
  g.config[disk] = String(text).replace(/(^|,)size=[^,]+/, `$1size=${size}`);
  return startTask(ctx, {
    type: 'resize',
    id: String(g.vmid),
    lines: [`  Size of logical volume pve/vm-${g.vmid}-disk-0 changed to ${size}.`],
  });
}

function restoreVm(ctx: HandlerContext): string {
  const vmid = ctx.params.int('vmid') ?? 0;
  const archive = ctx.params.str('archive');
  // create_vm's own checks: a new guest needs VM.Allocate, the disks Datastore.AllocateSpace.
  need(ctx, `/vms/${vmid}`, 'VM.Allocate');
  need(ctx, `/storage/${ctx.params.str('storage') ?? 'local-lvm'}`, 'Datastore.AllocateSpace');
  if (archive === undefined) throw fail('creating a VM without a backup archive is not simulated');
  if (!ctx.params.bool('force')) ensureFree(ctx, vmid);
  const file = archive.slice(archive.indexOf(':') + 1);
  const record = backupsOf(ctx.state.fleet).find((b) => `${b.storage}:backup/${archiveFile(b)}` === archive);
  const seeded = /vzdump-qemu-(\d+)-/.exec(file);
  const source = record?.config ?? ctx.state.fleet.guests.get(Number(seeded?.[1] ?? 0))?.config;
  if (!source) throw fail(`volume '${archive}' does not exist`);
  const storage = ctx.params.str('storage') ?? 'local-lvm';
  const config: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(source)) {
    if (['lock', 'parent', 'template'].includes(key)) continue;
    config[key] =
      volumes({ [key]: value }).length > 0 ? cloneVolume(String(value), vmid, true, storage) : value;
  }
  if (ctx.params.has('name')) config.name = ctx.params.str('name') ?? '';
  config.lock = 'create';
  const node = ctx.params.str('node') ?? '';
  const g = newGuest(vmid, 'qemu', node, config, ctx.params.str('pool'));
  ctx.state.fleet.guests.set(vmid, g);
  return startTask(ctx, {
    type: 'qmrestore',
    id: String(vmid),
    lines: [`restore vma archive: zstd -q -d -c ${file}`, `new volume ID is '${storage}:vm-${vmid}-disk-0'`],
    onSuccess: () => {
      delete g.config.lock;
      if (ctx.params.bool('start')) markStarted(g, ctx.state.clock.nowSec());
    },
    onFailure: () => ctx.state.fleet.guests.delete(vmid),
  });
}

function createContainer(ctx: HandlerContext): string {
  const vmid = ctx.params.int('vmid') ?? 0;
  need(ctx, `/vms/${vmid}`, 'VM.Allocate');
  ensureFree(ctx, vmid);
  const ostemplate = ctx.params.str('ostemplate') ?? '';
  if (!/^[a-z][a-z0-9_-]*:vztmpl\/.+\.tar\.(?:gz|xz|zst)$/.test(ostemplate))
    throw paramError({ ostemplate: `invalid template '${ostemplate}'` });
  const storage = ctx.params.str('storage') ?? 'local';
  const rootfsParam = ctx.params.str('rootfs');
  const sizeGb = /^(?:volume=)?[^:,]+:(\d+)/.exec(rootfsParam ?? '')?.[1] ?? '8';
  const rootStore = /^(?:volume=)?([^:,]+):/.exec(rootfsParam ?? '')?.[1] ?? storage;
  const config: Record<string, ConfigValue> = {
    arch: 'amd64',
    cores: ctx.params.int('cores') ?? 1,
    hostname: ctx.params.str('hostname') ?? `CT${vmid}`,
    memory: ctx.params.int('memory') ?? 512,
    ostype: /ubuntu/.test(ostemplate) ? 'ubuntu' : 'debian',
    rootfs: `${rootStore}:vm-${vmid}-disk-0,size=${sizeGb}G`,
    swap: ctx.params.int('swap') ?? 512,
    lock: 'create',
  };
  if (ctx.params.bool('unprivileged')) config.unprivileged = 1;
  for (const [key, value] of ctx.params.entries()) {
    if (/^net\d+$/.test(key) || key === 'nameserver' || key === 'tags' || key === 'description')
      config[key] = String(value);
  }
  const node = ctx.params.str('node') ?? '';
  const g = newGuest(vmid, 'lxc', node, config, ctx.params.str('pool'));
  ctx.state.fleet.guests.set(vmid, g);
  return startTask(ctx, {
    type: 'vzcreate',
    id: String(vmid),
    lines: [
      `  Logical volume "vm-${vmid}-disk-0" created.`,
      `extracting archive '/var/lib/vz/template/cache/${ostemplate.split('/').pop() ?? ''}'`,
      'Total bytes read: 521523200 (498MiB, 151MiB/s)',
      'Detected container architecture: amd64',
    ],
    onSuccess: () => {
      delete g.config.lock;
      if (ctx.params.bool('start')) markStarted(g, ctx.state.clock.nowSec());
    },
    onFailure: () => ctx.state.fleet.guests.delete(vmid),
  });
}

function migrate(ctx: HandlerContext): string {
  const g = loadGuest(ctx, 'qemu');
  const target = ctx.params.str('target') ?? '';
  if (target === g.node) throw fail(`target is local node.`);
  ensureNode(ctx, target);
  checkLock(g);
  if (g.status === 'running' && !ctx.params.bool('online'))
    throw fail(`can't migrate running VM without --online`);
  const local = volumes(g.config).filter((v) => {
    const store = ctx.state.fleet.storages.find((s) => s.id === v.volid.split(':')[0]);
    return store !== undefined && !store.shared;
  });
  if (local.length > 0 && !ctx.params.bool('with-local-disks'))
    throw fail(
      `can't migrate VM which uses local storage (${local[0]?.volid ?? ''}) without --with-local-disks`,
    );
  const from = g.node;
  g.config.lock = 'migrate';
  return startTask(ctx, {
    type: 'qmigrate',
    id: String(g.vmid),
    lines: [
      `starting migration of VM ${g.vmid} to node '${target}'`,
      ...local.map((v) => `found local disk '${v.volid}' (attached)`),
      g.status === 'running' ? 'starting VM on remote node' : 'copying local disk images',
      `migration finished successfully (from ${from})`,
    ],
    onSuccess: () => {
      delete g.config.lock;
      g.node = target;
    },
    onFailure: () => {
      delete g.config.lock;
    },
  });
}

export const provisionRoutes: RouteDef[] = [
  { ...S['POST /nodes/{node}/qemu'], handler: restoreVm },
  { ...S['POST /nodes/{node}/qemu/{vmid}/clone'], handler: clone },
  { ...S['PUT /nodes/{node}/qemu/{vmid}/resize'], handler: resize },
  { ...S['POST /nodes/{node}/qemu/{vmid}/migrate'], handler: migrate },
  { ...S['POST /nodes/{node}/lxc'], handler: createContainer },
];
