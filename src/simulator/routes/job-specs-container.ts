import { upidReturns } from './props.js';
import { bool, fmt, guestParams, int, num, oneOf, opt, str, type RouteSpec } from './spec-builders.js';

/** Creating (or restoring) a container, with the property strings of its NICs and root disk. */

const ifaceName = str({ pattern: '[-_.\\w\\d]+' });

/** The container's `net[n]` property string (pve-container's netconf format). */
const lxcNet = {
  bridge: opt(ifaceName),
  firewall: opt(bool()),
  gw: opt(fmt('ipv4')),
  gw6: opt(fmt('ipv6')),
  'host-managed': opt(bool()),
  hwaddr: opt(fmt('mac-addr')),
  ip: opt(fmt('pve-ipv4-config')),
  ip6: opt(fmt('pve-ipv6-config')),
  link_down: opt(bool()),
  mtu: opt(int(64, 65535)),
  name: ifaceName,
  rate: opt(num()),
  tag: opt(int(1, 4094)),
  trunks: opt(str({ pattern: '(?^:\\d+(?:;\\d+)*)' })),
  type: opt(oneOf(['veth'])),
};

const mountOption = '(?^:(discard|lazytime|noatime|nodev|noexec|nosuid))';
/** The container's `rootfs` property string. */
const lxcRootfs = {
  acl: opt(bool()),
  idmap: opt(
    str({
      pattern: '(?^:^(?:passthrough|[ug]:[0-9]+:[0-9]+:[1-9][0-9]*(?:;[ug]:[0-9]+:[0-9]+:[1-9][0-9]*)*)$)',
    }),
  ),
  mountoptions: opt(str({ pattern: `(?^:${mountOption}(;${mountOption})*)` })),
  quota: opt(bool()),
  replicate: opt(bool({ default: 1 })),
  ro: opt(bool()),
  shared: opt(bool({ default: 0 })),
  size: opt(fmt('disk-size')),
  volume: fmt('pve-lxc-mp-string', { default_key: 1 }),
};

export const CONTAINER_ROUTE_SPECS = {
  'POST /nodes/{node}/lxc': {
    method: 'POST',
    path: '/nodes/{node}/lxc',
    name: 'create_vm',
    description: 'Creates a container, or restores one from an archive.',
    proxyto: 'node',
    protected: 1,
    permissions: { user: 'all' },
    parameters: guestParams({
      ostemplate: str({
        maxLength: 255,
        description: 'template volid, or a backup to restore',
      }),
      hostname: opt(fmt('dns-name', { maxLength: 255 })),
      'net[n]': opt(str({ format: lxcNet }), "NIC: 'name=eth0,bridge=vmbr0,ip=dhcp' or ip=CIDR,gw=…"),
      storage: opt(fmt('pve-storage-id', { default: 'local' }), 'default storage for new volumes'),
      rootfs: opt(str({ format: lxcRootfs }), "root disk as '<storage>:<GiB>', e.g. local-lvm:8"),
      memory: opt(int(16, undefined, { default: 512 }), 'RAM in MiB'),
      cores: opt(int(1, 8192)),
      password: opt(str({ minLength: 5 }), "root's password"),
      'ssh-public-keys': opt(str(), 'keys root accepts, one a line'),
      start: opt(bool({ default: 0 }), 'start once created'),
      unprivileged: opt(bool({ default: 0 }), 'container root is not host root (safer)'),
      pool: opt(fmt('pve-poolid')),
      nameserver: opt(fmt('lxc-ip-with-ll-iface-list'), 'DNS server address(es)'),
      swap: opt(int(0, undefined, { default: 512 }), 'swap in MiB'),
      tags: opt(fmt('pve-tag-list'), "separated by ';'"),
      description: opt(str({ maxLength: 8192 })),
    }),
    returns: upidReturns,
  },
} satisfies Record<string, RouteSpec>;
