/**
 * PVE's built-in roles and the privileges each holds, so that permission advice can name the
 * smallest role that grants a missing privilege instead of a broad one.
 *
 * Source: github.com/proxmox/pve-access-control, src/PVE/AccessControl.pm ($privgroups, $special_roles
 * and create_roles), master at commit 5ccd07d9302562b73374d331b63d25b04b86766c (PVE 9). PVE derives the
 * roles from privilege groups: PVE<Group>Admin = admin + user + audit privileges of the group,
 * PVE<Group>User = user + audit (only for groups that have user privileges), PVEAuditor = every audit
 * privilege, PVEAdmin = every admin + user + audit privilege except Mapping.Modify, Administrator = all,
 * PVETemplateUser = VM.Clone + VM.Audit. Written out here by hand from that code.
 *
 * PVE 8 (branch stable-bookworm, 0f258e710ec5a7dfd23d054a29cf0ba65fec2362) differs only in the VM
 * group: it has VM.Monitor (admin) and no VM.GuestAgent.* or VM.Replicate; VM.Monitor is listed below
 * so a PVE 8 denial of it still maps to PVEVMAdmin.
 */

const VM_AUDIT = ['VM.Audit', 'VM.GuestAgent.Audit'];
const VM_USER = [
  'VM.Config.CDROM',
  'VM.Config.Cloudinit',
  'VM.Console',
  'VM.Backup',
  'VM.GuestAgent.FileRead',
  'VM.GuestAgent.FileSystemMgmt',
  'VM.GuestAgent.FileWrite',
  'VM.PowerMgmt',
];
const VM_ADMIN = [
  'VM.Config.Disk',
  'VM.Config.CPU',
  'VM.Config.Memory',
  'VM.Config.Network',
  'VM.Config.HWType',
  'VM.Config.Options',
  'VM.Allocate',
  'VM.Clone',
  'VM.GuestAgent.Unrestricted',
  'VM.Migrate',
  'VM.Monitor', // PVE 8 only
  'VM.Replicate',
  'VM.Snapshot',
  'VM.Snapshot.Rollback',
];
const SYS_ROOT = ['Sys.PowerMgmt', 'Sys.Modify', 'Sys.Incoming', 'Sys.AccessNetwork'];
const SYS_ADMIN = ['Sys.Console', 'Sys.Syslog'];
const DS_ADMIN = ['Datastore.Allocate', 'Datastore.AllocateTemplate'];
const USER_ADMIN = ['User.Modify', 'Group.Allocate', 'Realm.AllocateUser'];

const AUDIT = [...VM_AUDIT, 'Sys.Audit', 'Datastore.Audit', 'SDN.Audit', 'Pool.Audit', 'Mapping.Audit'];

export const BUILTIN_ROLES: Readonly<Record<string, readonly string[]>> = {
  PVEAuditor: AUDIT,
  PVETemplateUser: ['VM.Clone', 'VM.Audit'],
  PVEVMUser: [...VM_USER, ...VM_AUDIT],
  PVEVMAdmin: [...VM_ADMIN, ...VM_USER, ...VM_AUDIT],
  PVESysAdmin: [...SYS_ADMIN, 'Sys.Audit'],
  PVEDatastoreUser: ['Datastore.AllocateSpace', 'Datastore.Audit'],
  PVEDatastoreAdmin: [...DS_ADMIN, 'Datastore.AllocateSpace', 'Datastore.Audit'],
  PVESDNUser: ['SDN.Use', 'SDN.Audit'],
  PVESDNAdmin: ['SDN.Allocate', 'SDN.Audit', 'SDN.Use'],
  PVEUserAdmin: USER_ADMIN,
  PVEPoolUser: ['Pool.Audit'],
  PVEPoolAdmin: ['Pool.Allocate', 'Pool.Audit'],
  PVEMappingUser: ['Mapping.Use', 'Mapping.Audit'],
  PVEMappingAdmin: ['Mapping.Modify', 'Mapping.Use', 'Mapping.Audit'],
  PVEAdmin: [
    ...VM_ADMIN,
    ...VM_USER,
    ...AUDIT,
    ...SYS_ADMIN,
    ...DS_ADMIN,
    'Datastore.AllocateSpace',
    'SDN.Allocate',
    'SDN.Use',
    ...USER_ADMIN,
    'Pool.Allocate',
    'Mapping.Use',
  ],
  Administrator: [
    ...VM_ADMIN,
    ...VM_USER,
    ...AUDIT,
    ...SYS_ROOT,
    ...SYS_ADMIN,
    ...DS_ADMIN,
    'Datastore.AllocateSpace',
    'SDN.Allocate',
    'SDN.Use',
    ...USER_ADMIN,
    'Realm.Allocate',
    'Pool.Allocate',
    'Mapping.Modify',
    'Mapping.Use',
    'Permissions.Modify',
  ],
};

/** Audit privileges only read; every other privilege lets the holder change something. */
const isReadOnly = (priv: string) => priv.endsWith('.Audit');

/**
 * The smallest built-in role holding `priv`: first the one granting the fewest privileges that can
 * change something (so a read privilege never maps to a role that can also write: VM.Audit gives
 * PVEAuditor, not PVETemplateUser, whose VM.Clone creates guests), then the fewest privileges in all.
 * Given several privileges, any one of which would do (PVE's "any" checks), the smallest role holding
 * one of them. Undefined for a privilege no built-in role has.
 */
export function smallestRoleFor(anyOf: string | readonly string[]): string | undefined {
  const wanted = typeof anyOf === 'string' ? [anyOf] : anyOf;
  let best: { role: string; writes: number; size: number } | undefined;
  for (const [role, privs] of Object.entries(BUILTIN_ROLES)) {
    if (!wanted.some((w) => privs.includes(w))) continue;
    const unique = new Set(privs);
    const writes = [...unique].filter((p) => !isReadOnly(p)).length;
    if (!best || writes < best.writes || (writes === best.writes && unique.size < best.size)) {
      best = { role, writes, size: unique.size };
    }
  }
  return best?.role;
}
