import { describe, expect, it } from 'vitest';
import { ApiIndex, validateParams, type ApiMethodInfo } from '../../src/schema/index.js';
import { configProps } from './fixtures.js';

// Messages are PVE::JSONSchema's (pve-common), see ../shared/pve/NOTES.md §2.2 and §6.
const config: ApiMethodInfo = { parameters: { additionalProperties: 0, properties: configProps } };
const path = { node: 'pve1', vmid: '100' };
const check = (params: Record<string, unknown>, encoding: 'form' | 'json' = 'form') =>
  validateParams(config, path, params, encoding);

describe('validateParams: PVE messages', () => {
  it('accepts a valid call and returns the params without path variables', () => {
    const r = check({ cores: 4, ostype: 'l26', net0: 'virtio,bridge=vmbr0,firewall=1' });
    expect(r).toEqual({
      ok: true,
      errors: {},
      params: { cores: 4, ostype: 'l26', net0: 'virtio,bridge=vmbr0,firewall=1' },
      coercions: [],
      unchecked: [],
    });
  });

  it('rejects unknown parameters', () => {
    expect(check({ bogus: 1 }).errors).toEqual({
      bogus: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('resolves collapsed indexed names within the index limits', () => {
    expect(check({ net31: 'virtio', scsi30: 'local-lvm:32', hostpci99: 'x' }).ok).toBe(true);
    const r = check({ net32: 'virtio', scsi31: 'local:1', 'net[n]': 'virtio', net01: 'virtio' });
    const undefinedMsg =
      'property is not defined in schema and the schema does not allow additional properties';
    expect(r.errors).toEqual({
      net32: undefinedMsg,
      scsi31: undefinedMsg,
      'net[n]': undefinedMsg,
      net01: undefinedMsg,
    });
  });

  it('reports missing required parameters; path variables count as present', () => {
    const info: ApiMethodInfo = {
      parameters: {
        additionalProperties: 0,
        properties: { ...configProps, snapname: { type: 'string' } },
      },
    };
    expect(validateParams(info, path, {}, 'form').errors).toEqual({
      snapname: 'property is missing and it is not optional',
    });
    expect(validateParams(info, {}, { snapname: 'a1' }, 'form').errors).toEqual({
      node: 'property is missing and it is not optional',
      vmid: 'property is missing and it is not optional',
    });
  });

  it('type checks with the exact wording', () => {
    expect(check({ cores: 'abc' }).errors).toEqual({ cores: "type check ('integer') failed - got 'abc'" });
    expect(check({ cores: 1.5 }).errors).toEqual({ cores: "type check ('integer') failed - got '1.5'" });
    expect(check({ cpulimit: '1.5.2' }).errors).toEqual({
      cpulimit: "type check ('number') failed - got '1.5.2'",
    });
    expect(check({ description: ['a'] }).errors).toEqual({
      description: "type check ('string') failed - got ARRAY",
    });
    expect(check({ description: { a: 1 } }).errors).toEqual({
      description: "type check ('string') failed - got HASH",
    });
    expect(check({ dhcp: { a: 1 } }).errors).toEqual({ dhcp: "type check ('array') failed" });
  });

  it('checks booleans: only 0/1 on the wire, JSON true/false in a JSON body', () => {
    const info: ApiMethodInfo = { parameters: { properties: { start: { type: 'boolean', optional: 1 } } } };
    expect(validateParams(info, {}, { start: 2 }, 'form').errors).toEqual({
      start: "type check ('boolean') failed - got '2'",
    });
    expect(validateParams(info, {}, { start: 'maybe' }, 'json').errors).toEqual({
      start: "type check ('boolean') failed - got 'maybe'",
    });
    expect(validateParams(info, {}, { start: true }, 'json')).toMatchObject({
      ok: true,
      params: { start: true },
    });
  });

  it('checks ranges, lengths, enums and patterns after the type', () => {
    expect(check({ cores: 0 }).errors).toEqual({ cores: 'value must have a minimum value of 1' });
    expect(check({ cpulimit: 200 }).errors).toEqual({ cpulimit: 'value must have a maximum value of 128' });
    expect(check({ description: 'x'.repeat(8193) }).errors).toEqual({
      description: 'value may only be 8192 characters long',
    });
    expect(check({ ostype: 'linux' }).errors).toEqual({
      ostype: "value 'linux' does not have a value in the enumeration 'l24, l26, win11, other'",
    });
    expect(check({ bootdisk: 'nvme0' }).errors).toEqual({
      bootdisk: 'value does not match the regex pattern',
    });
    expect(check({ bootdisk: 'scsi0' }).ok).toBe(true);
  });

  it('checks named formats, including path variables and -list formats', () => {
    expect(validateParams(config, { node: 'pve_1', vmid: '99' }, {}, 'form').errors).toEqual({
      node: 'invalid format - value does not look like a valid node name',
      vmid: 'invalid format - value does not look like a valid VM ID',
    });
    expect(check({ delete: 'net0,ide2;-bad' }).errors).toEqual({
      delete: "invalid format - invalid configuration ID '-bad'",
    });
    expect(check({ tags: 'prod;web' }).ok).toBe(true);
    expect(check({ tags: 'prod;web!' }).errors).toEqual({
      tags: 'invalid format - invalid characters in tag',
    });
    expect(check({ name: 'web-01.example' }).ok).toBe(true);
    expect(check({ dhcp: ['10.0.0.1', 'nope'] }).errors).toEqual({
      'dhcp[1]': 'invalid format - value does not look like a valid IP address',
    });
  });

  it('never blocks what it cannot judge, and says so', () => {
    const r = check({ hookscript: 'local:snippets/hook.pl' });
    expect(r.ok).toBe(true);
    expect(r.unchecked).toEqual(["hookscript: format 'pve-volume-id' not checked"]);
    const open: ApiMethodInfo = { parameters: { additionalProperties: 1, properties: {} } };
    expect(validateParams(open, {}, { anything: 'goes' }, 'json').ok).toBe(true);
    expect(validateParams({}, {}, { anything: 'goes' }, 'json').ok).toBe(true);
    const oneOf: ApiMethodInfo = {
      parameters: {
        additionalProperties: 0,
        properties: { x: { oneOf: [{ type: 'string' }], 'type-property': 't' } },
      },
    };
    expect(validateParams(oneOf, {}, {}, 'json').ok).toBe(true);
    expect(validateParams(oneOf, {}, { x: 1 }, 'json')).toMatchObject({
      ok: true,
      unchecked: ['x: oneOf variants not checked'],
    });
  });

  it("reports `requires` like PVE's check_object", () => {
    expect(check({ force: 1 }).errors).toEqual({
      delete: "missing property - 'force' requires this property",
    });
    expect(check({ force: 1, delete: 'net0' }).ok).toBe(true);
  });

  it('does not call a path variable missing from the schema an unknown parameter', () => {
    const info: ApiMethodInfo = {
      parameters: { additionalProperties: 0, properties: { id: { type: 'string' } } },
    };
    expect(validateParams(info, { id: 'a', url_seq: '3' }, {}, 'form').ok).toBe(true);
  });

  it('rejects a path variable repeated with another value', () => {
    expect(check({ node: 'pve1' })).toMatchObject({ ok: true, params: {} });
    expect(check({ node: 'pve2' }).errors).toEqual({
      node: 'duplicate parameter (already defined in URI) with conflicting values!',
    });
  });
});

describe('validateParams: property strings', () => {
  it('checks sub-keys with dotted keys and the "format error" wording', () => {
    expect(check({ net0: 'model=foo,bridge=vmbr0' }).errors).toEqual({
      net0: "invalid format - format error\nnet0.model: value 'foo' does not have a value in the enumeration 'e1000, virtio, vmxnet3'",
    });
    expect(check({ net0: 'virtio,tag=5000' }).errors).toEqual({
      net0: 'invalid format - format error\nnet0.tag: value must have a maximum value of 4094',
    });
    expect(check({ net0: 'virtio,firewall=maybe' }).errors).toEqual({
      net0: "invalid format - format error\nnet0.firewall: type check ('boolean') failed - got 'maybe'",
    });
  });

  it('handles default keys, aliases and lenient booleans like parse_property_string', () => {
    expect(check({ net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=yes' }).ok).toBe(true);
    expect(check({ net0: 'virtio=01:24:11:00:00:01' }).errors).toEqual({
      net0: 'invalid format - format error\nnet0.macaddr: invalid format - value does not look like a valid unicast MAC address',
    });
    expect(check({ net0: 'bridge=vmbr0' }).errors).toEqual({
      net0: 'invalid format - format error\nnet0.model: property is missing and it is not optional',
    });
    expect(check({ net0: 'virtio,e1000' }).errors.net0).toBe(
      'invalid format - duplicate key in comma-separated list property: model',
    );
    expect(check({ net0: 'virtio,speed=10' }).errors.net0).toBe(
      'invalid format - invalid key in comma-separated list property: speed',
    );
    expect(check({ net0: 'virtio,bridge=' }).errors.net0).toBe(
      'invalid format - missing key in comma-separated list property',
    );
  });
});

describe('validateParams: safe coercions', () => {
  it('turns boolean words into 0/1 and reports it', () => {
    const info: ApiMethodInfo = { parameters: { properties: { full: { type: 'boolean', optional: 1 } } } };
    const cases: Array<[unknown, number]> = [
      [true, 1],
      [false, 0],
      ['true', 1],
      ['False', 0],
      ['yes', 1],
      ['NO', 0],
      ['on', 1],
      ['off', 0],
    ];
    for (const [given, expected] of cases) {
      const r = validateParams(info, {}, { full: given }, 'form');
      expect(r).toMatchObject({ ok: true, params: { full: expected } });
      expect(r.coercions).toHaveLength(1);
    }
    expect(validateParams(info, {}, { full: true }, 'form').coercions).toEqual(['full: true → 1']);
  });

  it('converts numeric strings for numbers and numbers for strings', () => {
    const r = check({ cores: '4', cpulimit: '0.5', description: 42 });
    expect(r.params).toEqual({ cores: 4, cpulimit: 0.5, description: '42' });
    expect(r.coercions).toEqual(["cores: '4' → 4", "cpulimit: '0.5' → 0.5", "description: 42 → '42'"]);
  });

  it('joins arrays for -list formats, builds property strings from objects, wraps array scalars', () => {
    const r = check({
      delete: ['net1', 'ide2'],
      net1: { model: 'virtio', bridge: 'vmbr0', firewall: true },
      dhcp: '10.0.0.5',
    });
    expect(r.ok).toBe(true);
    expect(r.params).toEqual({
      delete: 'net1,ide2',
      net1: 'model=virtio,bridge=vmbr0,firewall=1',
      dhcp: ['10.0.0.5'],
    });
    expect(r.coercions).toHaveLength(3);
  });

  it('leaves unsafe values alone and drops nulls', () => {
    const r = check({ cores: '4 cores', description: null, net1: { model: 'a,b' } });
    expect(r.params).toEqual({ cores: '4 cores', net1: { model: 'a,b' } });
    expect(r.coercions).toEqual(['description: null → omitted']);
    expect(r.errors.cores).toBe("type check ('integer') failed - got '4 cores'");
  });
});

describe('validateParams with an ApiIndex match', () => {
  it('validates the path variables bound by match()', () => {
    const index = new ApiIndex([
      {
        path: '/nodes/{node}/qemu/{vmid}/config',
        info: { POST: config },
      },
    ]);
    const m = index.match('/nodes/pve1/qemu/abc/config')!;
    expect(validateParams(index.method(m.template, 'POST')!, m.pathParams, {}, 'form').errors).toEqual({
      vmid: "type check ('integer') failed - got 'abc'",
    });
  });
});
