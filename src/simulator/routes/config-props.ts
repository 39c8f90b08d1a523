import type { Guest } from '../fleet.js';
import { parseBoolean, propertyStringKey } from '../formats.js';
import type { PveProperty } from '../route-types.js';

/**
 * The guest config options the simulator lets clients change, verbatim from apidoc.json (PVE 9.2). The
 * real methods accept ~100 more; those answer 400 "property is not defined in schema" here.
 */

const digest: PveProperty = {
  description:
    'Prevent changes if current configuration file has different SHA1 digest. This can be used to prevent concurrent modifications.',
  maxLength: 40,
  optional: 1,
  type: 'string',
  typetext: '<string>',
};
const deleteList: PveProperty = {
  description: 'A list of settings you want to delete.',
  format: 'pve-configid-list',
  optional: 1,
  type: 'string',
  typetext: '<string>',
};

export const agentFormat: Record<string, PveProperty> = {
  enabled: {
    default: 0,
    default_key: 1,
    description: 'Enable/disable communication with a QEMU Guest Agent (QGA) running in the VM.',
    type: 'boolean',
  },
  'freeze-fs': {
    default: 1,
    description:
      'Freeze guest filesystems through QGA for consistent disk state on operations such as snapshots, backups, replications and clones.',
    optional: 1,
    type: 'boolean',
  },
  'freeze-fs-on-backup': { alias: 'freeze-fs' },
  fstrim_cloned_disks: {
    default: 0,
    description: 'Run fstrim after moving a disk or migrating the VM.',
    optional: 1,
    type: 'boolean',
  },
  'guest-fsfreeze': { alias: 'freeze-fs' },
  type: {
    default: 'virtio',
    description: 'Select the agent type',
    enum: ['virtio', 'isa'],
    optional: 1,
    type: 'string',
  },
};

export const qemuConfigProps: Record<string, PveProperty> = {
  agent: {
    description: 'Enable/disable communication with the QEMU Guest Agent and its properties.',
    format: agentFormat,
    optional: 1,
    type: 'string',
    typetext: '[enabled=]<1|0> [,freeze-fs=<1|0>] [,fstrim_cloned_disks=<1|0>] [,type=<virtio|isa>]',
  },
  balloon: {
    description:
      'Amount of target RAM for the VM in MiB. The balloon driver is enabled by default, unless it is explicitly disabled by setting the value to zero.',
    minimum: 0,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (0 - N)',
  },
  ciuser: {
    description:
      "cloud-init: User name to change ssh keys and password for instead of the image's configured default user.",
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  cores: {
    default: 1,
    description: 'The number of cores per socket.',
    minimum: 1,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (1 - N)',
  },
  delete: deleteList,
  description: {
    description:
      "Description for the VM. Shown in the web-interface VM's summary. This is saved as comment inside the configuration file.",
    maxLength: 8192,
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  digest,
  'ipconfig[n]': {
    description:
      "cloud-init: Specify IP addresses and gateways for the corresponding interface.\n\nIP addresses use CIDR notation, gateways are optional but need an IP of the same type specified.\n\nThe special string 'dhcp' can be used for IP addresses to use DHCP, in which case no explicit\ngateway should be provided.\nFor IPv6 the special string 'auto' can be used to use stateless autoconfiguration. This requires\ncloud-init 19.4 or newer.\n\nIf cloud-init is enabled and neither an IPv4 nor an IPv6 address is specified, it defaults to using\ndhcp on IPv4.\n",
    format: 'pve-qm-ipconfig',
    optional: 1,
    type: 'string',
    typetext: '[gw=<GatewayIPv4>] [,gw6=<GatewayIPv6>] [,ip=<IPv4Format/CIDR>] [,ip6=<IPv6Format/CIDR>]',
  },
  memory: {
    description: 'Memory properties.',
    format: {
      current: {
        default: 512,
        default_key: 1,
        description:
          'Current amount of online RAM for the VM in MiB. This is the maximum available memory when you use the balloon device.',
        minimum: 16,
        type: 'integer',
      },
    },
    optional: 1,
    type: 'string',
    typetext: '[current=]<integer>',
  },
  name: {
    description: 'Set a name for the VM. Only used on the configuration web interface.',
    format: 'dns-name',
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  onboot: {
    default: 0,
    description: 'Specifies whether a VM will be started during system bootup.',
    optional: 1,
    type: 'boolean',
    typetext: '<boolean>',
  },
  protection: {
    default: 0,
    description:
      'Sets the protection flag of the VM. This will disable the remove VM and remove disk operations.',
    optional: 1,
    type: 'boolean',
    typetext: '<boolean>',
  },
  skiplock: {
    description: 'Ignore locks - only root is allowed to use this option.',
    optional: 1,
    type: 'boolean',
    typetext: '<boolean>',
  },
  sockets: {
    default: 1,
    description: 'The number of CPU sockets.',
    minimum: 1,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (1 - N)',
  },
  sshkeys: {
    description: 'cloud-init: Setup public SSH keys (one key per line, OpenSSH format).',
    format: 'urlencoded',
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  tags: {
    description: 'Tags of the VM. This is only meta information.',
    format: 'pve-tag-list',
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
};

export const lxcConfigProps: Record<string, PveProperty> = {
  cores: {
    description:
      'The number of cores assigned to the container. A container can use all available cores by default.',
    maximum: 8192,
    minimum: 1,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (1 - 8192)',
  },
  delete: deleteList,
  description: {
    description:
      "Description for the Container. Shown in the web-interface CT's summary. This is saved as comment inside the configuration file.",
    maxLength: 8192,
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  digest,
  hostname: {
    description: 'Set a host name for the container.',
    format: 'dns-name',
    maxLength: 255,
    optional: 1,
    type: 'string',
    typetext: '<string>',
  },
  memory: {
    default: 512,
    description: 'Amount of RAM for the container in MB.',
    minimum: 16,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (16 - N)',
  },
  onboot: {
    default: 0,
    description: 'Specifies whether a container will be started during system bootup.',
    optional: 1,
    type: 'boolean',
    typetext: '<boolean>',
  },
  protection: {
    default: 0,
    description:
      "Sets the protection flag of the container. This will prevent the CT or CT's disk remove/update operation.",
    optional: 1,
    type: 'boolean',
    typetext: '<boolean>',
  },
  swap: {
    default: 512,
    description: 'Amount of SWAP for the container in MB.',
    minimum: 0,
    optional: 1,
    type: 'integer',
    typetext: '<integer> (0 - N)',
  },
  tags: {
    description: 'Tags of the Container. This is only meta information.',
    format: 'pve-tag-list',
    optional: 1,
    type: 'string',
    typetext: '<string>',
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
