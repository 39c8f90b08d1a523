import { describe, expect, it } from 'vitest';
import { checkNamedFormat, isKnownFormat, splitList } from '../../src/schema/formats.js';
import { compilePerlPattern, matchesPerlPattern } from '../../src/schema/perl-regex.js';
import { parsePropertyString, toPropertyString } from '../../src/schema/property-string.js';
import type { PropertySchema } from '../../src/schema/types.js';

describe('named formats (messages from PVE::JSONSchema and pve-access-control)', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['pve-node', 'pve1', undefined],
    ['pve-node', 'pve_1', 'value does not look like a valid node name'],
    ['pve-node', '-pve', 'value does not look like a valid node name'],
    ['pve-vmid', '100', undefined],
    ['pve-vmid', '1000000000', 'value does not look like a valid VM ID'],
    ['pve-configid', 'net0', undefined],
    ['pve-configid', 'a', "invalid configuration ID 'a'"],
    ['pve-storage-id', 'local-lvm', undefined],
    ['pve-storage-id', 'local-', "storage ID 'local-' contains illegal characters"],
    ['pve-poolid', 'prod/web', undefined],
    ['pve-poolid', 'a b', "pool name 'a b' contains invalid characters"],
    ['pve-userid', 'root@pam', undefined],
    ['pve-userid', 'ro', "user name 'ro' is too short"],
    ['pve-userid', 'root', "value 'root' does not look like a valid user name"],
    ['pve-realm', 'pam', undefined],
    ['mac-addr', 'BC:24:11:00:00:01', undefined],
    ['mac-addr', '01:24:11:00:00:01', 'value does not look like a valid unicast MAC address'],
    ['ipv4', '192.168.1.10', undefined],
    ['ipv4', '192.168.1.256', 'value does not look like a valid IPv4 address'],
    ['ipv6', 'fe80::1', undefined],
    ['ipv6', 'fe80::1%eth0', 'value does not look like a valid IPv6 address'],
    ['ip', '::ffff:10.0.0.1', undefined],
    ['CIDR', '10.0.0.0/8', undefined],
    ['CIDR', '10.0.0.0/7', 'value does not look like a valid CIDR network'],
    ['CIDRv6', 'fd00::/64', undefined],
    ['ipv4mask', '255.255.255.0', undefined],
    ['ipv4mask', '255.0.255.0', 'value does not look like a valid IP netmask'],
    ['email', 'admin@example.com', undefined],
    ['email', 'admin at example', 'value does not look like a valid email address'],
    ['dns-name', 'pve.example.com', undefined],
    ['address', 'pve.example.com', undefined],
    ['address', 'bad host', 'value does not look like a valid address: bad host'],
    ['pve-iface', 'vmbr0', undefined],
    ['pve-iface', '0eth', "invalid network interface name '0eth'"],
    ['pve-startup-order', 'order=1,up=30', undefined],
    ['pve-startup-order', 'first', 'unable to parse startup options'],
    ['pve-vlan-id-or-range', '10-20', undefined],
    ['pve-vlan-id-or-range', '20-10', "VLAN range must go from lower to higher tag '20-10'"],
    ['disk-size', '32G', undefined],
    ['disk-size', '32GB', 'value does not look like a valid disk size: 32GB'],
  ];
  it.each(cases)('%s %j', (format, value, expected) => {
    expect(checkNamedFormat(format, value)).toBe(expected);
  });

  it('handles -list (split_list) and -opt suffixes', () => {
    expect(splitList(' a, b;c  d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('a b\0c d')).toEqual(['a b', 'c d']);
    expect(checkNamedFormat('pve-vmid-list', '100,101 102')).toBeUndefined();
    expect(checkNamedFormat('pve-vmid-list', '100,42')).toBe('value does not look like a valid VM ID');
    expect(checkNamedFormat('pve-vmid-list', '')).toBeUndefined(); // PVE allows empty lists
    expect(checkNamedFormat('email-opt', '')).toBeUndefined();
    expect(checkNamedFormat('email-opt', 'x')).toBe('value does not look like a valid email address');
  });

  it('does not judge unknown formats', () => {
    expect(isKnownFormat('pve-calendar-event')).toBe(false);
    expect(checkNamedFormat('pve-calendar-event', 'not a calendar')).toBeUndefined();
    expect(isKnownFormat('pve-node-list')).toBe(true);
  });
});

describe('Perl patterns', () => {
  it('anchors like m/^$pattern$/ (alternation binds to the anchors)', () => {
    expect(matchesPerlPattern('\\d+', '12')).toBe(true);
    expect(matchesPerlPattern('\\d+', '12a')).toBe(false);
    const p = '(?:(?:(?:acl|properties|entry);)*(?:acl|properties|entry))|none';
    expect(matchesPerlPattern(p, 'acl;entry')).toBe(true);
    expect(matchesPerlPattern(p, 'none')).toBe(true);
    expect(matchesPerlPattern(p, 'bogus')).toBe(false);
  });

  it('rewrites stringified qr// groups, inheriting (?^i:…) as a global i flag', () => {
    expect(compilePerlPattern('(?^u:[a-z]+)')?.source).toBe('^(?:[a-z]+)$');
    expect(matchesPerlPattern('(?^i:[a-z]+)', 'ABC')).toBe(true);
    expect(matchesPerlPattern('(?i)abc', 'ABC')).toBe(true);
    expect(matchesPerlPattern('(?^:[^\\x00-\\x08]+)', 'ok')).toBe(true);
    expect(matchesPerlPattern('a\\x{263A}b', 'a\u263Ab')).toBe(true);
    expect(matchesPerlPattern('\\Aab\\z', 'ab')).toBe(true);
    expect(matchesPerlPattern('[\\w\\+\\-\\~]+', 'a+b-c~')).toBe(true);
    expect(matchesPerlPattern('[]a]+', ']a')).toBe(true);
  });

  it('skips what JS cannot express instead of guessing', () => {
    for (const p of [
      '[[:alpha:]]+',
      'a\\Gb',
      '\\p{L}+',
      'a++',
      '(?{ code })',
      'a(?i)b',
      '(?#comment)a',
      '(?s:.)',
    ]) {
      expect(matchesPerlPattern(p, 'x')).toBeUndefined();
    }
  });
});

describe('property strings', () => {
  const format: Record<string, PropertySchema> = {
    model: { type: 'string', default_key: 1 },
    virtio: { alias: 'macaddr', keyAlias: 'model' },
    macaddr: { type: 'string', optional: 1 },
    firewall: { type: 'boolean', optional: 1 },
  };
  it('parses default keys, aliases and booleans', () => {
    expect(parsePropertyString(format, 'virtio=AA:BB,firewall=on, ,')).toEqual({
      ok: true,
      values: { model: 'virtio', macaddr: 'AA:BB', firewall: '1' },
    });
    expect(parsePropertyString(format, 'e1000')).toEqual({ ok: true, values: { model: 'e1000' } });
    expect(parsePropertyString(format, 'model=a,model=b')).toEqual({
      ok: false,
      error: 'duplicate key in comma-separated list property: model',
    });
    expect(parsePropertyString({ a: { type: 'string' } }, 'x')).toEqual({
      ok: false,
      error: 'value without key, but schema does not define a default key',
    });
  });

  it('builds property strings from objects only when unambiguous', () => {
    expect(toPropertyString({ model: 'virtio', firewall: false, tag: 5, skip: undefined })).toBe(
      'model=virtio,firewall=0,tag=5',
    );
    expect(toPropertyString({ a: 'x,y' })).toBeUndefined();
    expect(toPropertyString({ a: { b: 1 } })).toBeUndefined();
    expect(toPropertyString({})).toBeUndefined();
  });
});
