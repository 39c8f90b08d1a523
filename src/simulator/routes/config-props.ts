import type { Guest } from '../fleet.js';
import { parseBoolean, propertyStringKey } from '../formats.js';
import type { PveProperty } from '../route-types.js';

/**
 * The guest config options the simulator lets clients change, with PVE 9.2's types, limits and formats
 * and short descriptions in our own words where the name alone says little (PVE's wording is not ours
 * to copy). The real methods accept ~100 more; those answer 400 "property is not defined in schema" here.
 */

const digest: PveProperty = {
  description: 'from GET config: refused if changed since',
  maxLength: 40,
  optional: 1,
  type: 'string',
};
const deleteList: PveProperty = {
  description: 'options to remove, comma-separated',
  format: 'pve-configid-list',
  optional: 1,
  type: 'string',
};

export const agentFormat: Record<string, PveProperty> = {
  enabled: {
    default: 0,
    default_key: 1,
    type: 'boolean',
  },
  'freeze-fs': {
    default: 1,
    optional: 1,
    type: 'boolean',
  },
  'freeze-fs-on-backup': { alias: 'freeze-fs' },
  fstrim_cloned_disks: {
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  'guest-fsfreeze': { alias: 'freeze-fs' },
  type: {
    default: 'virtio',
    enum: ['virtio', 'isa'],
    optional: 1,
    type: 'string',
  },
};

export const qemuConfigProps: Record<string, PveProperty> = {
  agent: {
    description: 'QEMU guest agent: enabled=1 (needs the agent inside)',
    format: agentFormat,
    optional: 1,
    type: 'string',
  },
  balloon: {
    description: 'RAM in MiB the balloon may shrink to; 0 = off',
    minimum: 0,
    optional: 1,
    type: 'integer',
  },
  ciuser: {
    description: 'cloud-init: user to create',
    optional: 1,
    type: 'string',
  },
  cores: {
    description: 'cores per socket',
    default: 1,
    minimum: 1,
    optional: 1,
    type: 'integer',
  },
  delete: deleteList,
  description: {
    maxLength: 8192,
    optional: 1,
    type: 'string',
  },
  digest,
  'ipconfig[n]': {
    description: "cloud-init, for netN: 'ip=dhcp' or 'ip=CIDR,gw=…'",
    format: 'pve-qm-ipconfig',
    optional: 1,
    type: 'string',
  },
  memory: {
    description: 'RAM in MiB',
    format: {
      current: {
        default: 512,
        default_key: 1,
        minimum: 16,
        type: 'integer',
      },
    },
    optional: 1,
    type: 'string',
  },
  name: {
    format: 'dns-name',
    optional: 1,
    type: 'string',
  },
  onboot: {
    description: 'start when the node boots',
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  protection: {
    description: 'refuse deleting the VM or its disks',
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  skiplock: {
    description: 'root only: ignore a lock',
    optional: 1,
    type: 'boolean',
  },
  sockets: {
    default: 1,
    minimum: 1,
    optional: 1,
    type: 'integer',
  },
  sshkeys: {
    description: 'cloud-init: public keys, URL-encoded',
    format: 'urlencoded',
    optional: 1,
    type: 'string',
  },
  tags: {
    description: "separated by ';'",
    format: 'pve-tag-list',
    optional: 1,
    type: 'string',
  },
};

export const lxcConfigProps: Record<string, PveProperty> = {
  cores: {
    description: 'CPU cores',
    maximum: 8192,
    minimum: 1,
    optional: 1,
    type: 'integer',
  },
  delete: deleteList,
  description: {
    maxLength: 8192,
    optional: 1,
    type: 'string',
  },
  digest,
  hostname: {
    format: 'dns-name',
    maxLength: 255,
    optional: 1,
    type: 'string',
  },
  memory: {
    description: 'RAM in MiB',
    default: 512,
    minimum: 16,
    optional: 1,
    type: 'integer',
  },
  onboot: {
    description: 'start when the node boots',
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  protection: {
    description: 'refuse deleting the container or its disks',
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  swap: {
    description: 'swap in MiB',
    default: 512,
    minimum: 0,
    optional: 1,
    type: 'integer',
  },
  tags: {
    description: "separated by ';'",
    format: 'pve-tag-list',
    optional: 1,
    type: 'string',
  },
};

/** The privilege each changeable option needs beyond the route's "any VM.Config.*" (check_vm_modify_config_perm). */
export const optionPrivilege: Record<string, string> = {
  balloon: 'VM.Config.Memory',
  memory: 'VM.Config.Memory',
  swap: 'VM.Config.Memory',
  cores: 'VM.Config.CPU',
  sockets: 'VM.Config.CPU',
};

/** get_qga_key($conf, 'enabled'). */
export function agentEnabled(g: Guest): boolean {
  if (g.type !== 'qemu' || g.config.agent === undefined) return false;
  return parseBoolean(propertyStringKey(agentFormat, g.config.agent, 'enabled') ?? '0') === true;
}
