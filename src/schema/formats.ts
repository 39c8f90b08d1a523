import { isIPv6 } from 'node:net';

// Named `format` validators, re-implemented from PVE's Perl (`PVE::JSONSchema::register_format`
// in pve-common, plus pve-access-control for users/realms/pools). Each returns the exact text the
// Perl validator dies with (without its trailing newline), or undefined when the value is fine.
// Formats not listed here are not judged at all: see checkNamedFormat.

type Validator = (value: string) => string | undefined;

const IPV4_OCTET = '(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])';
const IPV4 = new RegExp(`^(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET}$`);
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?';
const DNS_NAME = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const EMAIL_USER = '[\\w+\\-~]+(\\.[\\w+\\-~]+)*';
const EMAIL = new RegExp(`^${EMAIL_USER}@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*$`);
const REALM = '[A-Za-z][A-Za-z0-9.\\-_]+';

const isIPv4 = (v: string): boolean => IPV4.test(v);
// node:net accepts zone ids (`fe80::1%eth0`); PVE's $IPV6RE does not.
const isIP6 = (v: string): boolean => !v.includes('%') && isIPv6(v);
const isDnsName = (v: string): boolean => DNS_NAME.test(v);

function cidr(value: string, version: 4 | 6): boolean {
  const m = /^(.*)\/(\d+)$/.exec(value);
  if (!m) return false;
  const bits = Number(m[2]);
  return version === 4 ? isIPv4(m[1]!) && bits > 7 && bits <= 32 : isIP6(m[1]!) && bits > 7 && bits <= 128;
}

const IPV4_MASKS = new Set(
  Array.from({ length: 33 }, (_, bits) => {
    const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  }),
);

const regexFormat =
  (re: RegExp, message: (v: string) => string): Validator =>
  (v) =>
    re.test(v) ? undefined : message(v);

function startupOrder(value: string): boolean {
  if (!value) return false;
  return value.split(',').every((p) => /^\s*$/.test(p) || /^(order=)?\d+$|^up=\d+$|^down=\d+$/.test(p));
}

function vlanIdOrRange(value: string): string | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (!m) return `invalid VLAN configuration '${value}'`;
  for (const tag of [m[1], m[2]]) {
    if (tag !== undefined && (Number(tag) < 2 || Number(tag) > 4094)) return `invalid VLAN tag '${tag}'`;
  }
  if (m[2] !== undefined && Number(m[1]) >= Number(m[2])) {
    return `VLAN range must go from lower to higher tag '${value}'`;
  }
  return undefined;
}

const VALIDATORS: Record<string, Validator> = {
  string: () => undefined,
  'pve-node': regexFormat(
    /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    () => 'value does not look like a valid node name',
  ),
  'pve-vmid': regexFormat(/^[1-9][0-9]{2,8}$/, () => 'value does not look like a valid VM ID'),
  'pve-configid': regexFormat(/^[a-z][a-z0-9_-]+$/i, (v) => `invalid configuration ID '${v}'`),
  'pve-storage-id': regexFormat(
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i,
    (v) => `storage ID '${v}' contains illegal characters`,
  ),
  'acme-plugin-id': regexFormat(
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i,
    (v) => `ACME plugin ID '${v}' contains illegal characters`,
  ),
  'pve-bridge-id': regexFormat(/^[-_.\w]+$/, (v) => `invalid bridge ID '${v}'`),
  'pve-iface': regexFormat(
    /^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i,
    (v) => `invalid network interface name '${v}'`,
  ),
  'pve-tag': regexFormat(/^[a-z0-9_][a-z0-9_\-+.]*$/i, () => 'invalid characters in tag'),
  'pve-poolid': regexFormat(
    /^[A-Za-z0-9.\-_]+(?:\/[A-Za-z0-9.\-_]+)*$/,
    (v) => `pool name '${v}' contains invalid characters`,
  ),
  'pve-groupid': regexFormat(/^[A-Za-z0-9.\-_]+$/, (v) => `group name '${v}' contains invalid characters`),
  'pve-roleid': regexFormat(/^[A-Za-z0-9.\-_]+$/, (v) => `role name '${v}' contains invalid characters`),
  'pve-realm': regexFormat(new RegExp(`^${REALM}$`), () => 'value does not look like a valid realm'),
  'pve-userid': (v) => {
    const len = [...v].length;
    if (len < 3) return `user name '${v}' is too short`;
    if (len > 64) return `user name '${v}' is too long (${len} > 64)`;
    return new RegExp(`^[^\\s:/]+@${REALM}$`).test(v)
      ? undefined
      : `value '${v}' does not look like a valid user name`;
  },
  'mac-addr': regexFormat(
    /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i,
    () => 'value does not look like a valid unicast MAC address',
  ),
  ipv4: (v) => (isIPv4(v) ? undefined : 'value does not look like a valid IPv4 address'),
  ipv6: (v) => (isIP6(v) ? undefined : 'value does not look like a valid IPv6 address'),
  ip: (v) => (isIPv4(v) || isIP6(v) ? undefined : 'value does not look like a valid IP address'),
  ipv4mask: (v) => (IPV4_MASKS.has(v) ? undefined : 'value does not look like a valid IP netmask'),
  CIDRv4: (v) => (cidr(v, 4) ? undefined : 'value does not look like a valid IPv4 CIDR network'),
  CIDRv6: (v) => (cidr(v, 6) ? undefined : 'value does not look like a valid IPv6 CIDR network'),
  CIDR: (v) => (cidr(v, 4) || cidr(v, 6) ? undefined : 'value does not look like a valid CIDR network'),
  'dns-name': (v) => (isDnsName(v) ? undefined : 'value does not look like a valid DNS name'),
  address: (v) =>
    isIPv4(v) || isIP6(v) || isDnsName(v) ? undefined : `value does not look like a valid address: ${v}`,
  email: regexFormat(EMAIL, () => 'value does not look like a valid email address'),
  'email-or-username': (v) =>
    EMAIL.test(v) || new RegExp(`^${EMAIL_USER}$`).test(v)
      ? undefined
      : 'value does not look like a valid email address or user name',
  'disk-size': regexFormat(/^\d+(\.\d+)?[KMGT]?$/, (v) => `value does not look like a valid disk size: ${v}`),
  urlencoded: regexFormat(/^[-%a-zA-Z0-9_.!~*'()]*$/, (v) => `invalid urlencoded string: ${v}`),
  'pve-startup-order': (v) => (startupOrder(v) ? undefined : 'unable to parse startup options'),
  'pve-vlan-id-or-range': vlanIdOrRange,
  'pve-task-status-type': regexFormat(/^(ok|error|warning|unknown)$/i, (v) => `invalid status '${v}'`),
  'ldap-simple-attr': regexFormat(
    /^[a-zA-Z0-9]+$/,
    (v) => `value '${v}' does not look like a simple ldap attribute name`,
  ),
};

/** Perl `PVE::Tools::split_list`: `,` `;` and whitespace separate, or NUL when present. */
export function splitList(value: string): string[] {
  if (value.includes('\0')) return value.split('\0');
  return value
    .replace(/[,;]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '');
}

export function isKnownFormat(format: string): boolean {
  const base = /^(.*?)(?:-(list|opt))?$/.exec(format)![1]!;
  return base in VALIDATORS;
}

/**
 * check_format for a named format, with PVE's `-list` (split_list, each item) and `-opt` (only
 * when non-empty) suffixes. Returns the error detail, or undefined when valid or not judged.
 */
export function checkNamedFormat(format: string, value: string): string | undefined {
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format)!;
  const validate = VALIDATORS[m[1]!];
  if (!validate) return undefined;
  if (m[2] === 'list') {
    for (const item of splitList(value)) {
      const err = validate(item);
      if (err) return err;
    }
    return undefined;
  }
  if (m[2] === 'opt' && (value === '' || value === '0')) return undefined;
  return validate(value);
}
