import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { validateParams } from '../../src/simulator/validate.js';
import { SimClient, json } from './helpers.js';

let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 20 });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

/** The 400 errors map of a request that must fail validation. */
async function errorsOf(method: string, path: string, body?: string): Promise<Record<string, string>> {
  const res = await c.api(method, path, body === undefined ? {} : { body });
  expect([res.status, res.reason]).toEqual([400, 'Parameter verification failed.']);
  const payload = json(res);
  expect(payload.data).toBeNull();
  expect(payload.message).toBe('Parameter verification failed.\n');
  return payload.errors as Record<string, string>;
}

describe('parameter validation (PVE::JSONSchema messages)', () => {
  it('accepts only 0/1 for booleans in query and form', async () => {
    expect(await errorsOf('GET', '/nodes/pve1/qemu?full=true')).toEqual({
      full: "type check ('boolean') failed - got 'true'",
    });
    expect(await errorsOf('PUT', '/nodes/pve1/qemu/100/config', 'onboot=yes')).toEqual({
      onboot: "type check ('boolean') failed - got 'yes'",
    });
    expect(await c.data('GET', '/nodes/pve1/qemu?full=1')).toBeInstanceOf(Array);
  });

  it('checks integers', async () => {
    expect(await errorsOf('GET', '/nodes/pve1/tasks?limit=abc')).toEqual({
      limit: "type check ('integer') failed - got 'abc'",
    });
    expect(await errorsOf('GET', '/nodes/pve1/qemu/abc/config')).toEqual({
      vmid: "type check ('integer') failed - got 'abc'",
    });
  });

  it('checks minimum and maximum, after the format', async () => {
    expect(await errorsOf('GET', '/nodes/pve1/tasks?limit=-1')).toEqual({
      limit: 'value must have a minimum value of 0',
    });
    // A VM id's range is also its format (pve_verify_vmid: 3 to 9 digits), which PVE checks first.
    for (const vmid of ['99', '1000000000']) {
      expect(await errorsOf('GET', `/cluster/nextid?vmid=${vmid}`)).toEqual({
        vmid: 'invalid format - value does not look like a valid VM ID\n',
      });
    }
  });

  it('checks enumerations', async () => {
    expect(await errorsOf('GET', '/cluster/resources?type=pool')).toEqual({
      type: "value 'pool' does not have a value in the enumeration 'vm, storage, node, sdn'",
    });
  });

  it('reports missing required and unknown parameters together', async () => {
    expect(await errorsOf('POST', '/nodes/pve1/qemu/100/snapshot', 'bogus=1')).toEqual({
      snapname: 'property is missing and it is not optional',
      bogus: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('checks lengths and named formats', async () => {
    expect(await errorsOf('POST', '/nodes/pve1/qemu/100/snapshot', `snapname=${'a'.repeat(41)}`)).toEqual({
      snapname: 'value may only be 40 characters long',
    });
    expect(await errorsOf('POST', '/nodes/pve1/qemu/100/snapshot', 'snapname=1bad')).toEqual({
      snapname: "invalid format - invalid configuration ID '1bad'\n",
    });
    expect(await errorsOf('GET', '/nodes/pve1/storage?target=bad_node')).toEqual({
      target: 'invalid format - value does not look like a valid node name\n',
    });
  });

  it('checks property strings key by key', async () => {
    expect(await errorsOf('PUT', '/nodes/pve1/qemu/100/config', 'agent=enabled%3Dmaybe')).toEqual({
      agent: "invalid format - format error\nagent.enabled: type check ('boolean') failed - got 'maybe'\n",
    });
    expect(await errorsOf('PUT', '/nodes/pve1/qemu/100/config', 'agent=speed%3D1')).toEqual({
      agent: 'invalid format - invalid key in comma-separated list property: speed\n',
    });
    expect(await errorsOf('PUT', '/nodes/pve1/qemu/100/config', 'memory=8')).toEqual({
      memory: 'invalid format - format error\nmemory.current: value must have a minimum value of 16\n',
    });
    // parse_boolean accepts yes/on/true inside property strings.
    expect(
      await c.data('PUT', '/nodes/pve1/qemu/100/config', {
        body: 'agent=enabled%3Dyes,fstrim_cloned_disks%3Don',
      }),
    ).toBeNull();
  });

  it('enforces "requires"', async () => {
    expect(await errorsOf('GET', '/pools?type=qemu')).toEqual({
      poolid: "missing property - 'type' requires this property",
    });
  });

  it('joins arrays for *-list formats and refuses them elsewhere', async () => {
    expect(await errorsOf('GET', '/nodes/pve1/tasks?typefilter=a&typefilter=b')).toEqual({
      typefilter: "type check ('string') failed - got ARRAY",
    });
    const list = await c.data('GET', '/nodes/pve1/storage?content=images&content=rootdir');
    expect(list).toEqual([expect.objectContaining({ storage: 'local-lvm' })]);
  });

  it('accepts JSON booleans and numbers in JSON bodies but not JSON booleans for strings', async () => {
    expect(
      await c.data('PUT', '/nodes/pve1/lxc/200/config', {
        body: JSON.stringify({ onboot: false, memory: 1024 }),
        contentType: 'application/json',
      }),
    ).toBeNull();
    const res = await c.api('PUT', '/nodes/pve1/lxc/200/config', {
      body: JSON.stringify({ description: true }),
      contentType: 'application/json',
    });
    expect(json(res).errors).toEqual({ description: "type check ('string') failed - got JSON::PP::Boolean" });
  });

  it('validates after permissions and the proxy step, like pveproxy', async () => {
    const res = await c.api('GET', '/nodes/nosuchnode/qemu?full=true');
    expect(res.status).toBe(500);
    expect(res.reason).toBe(
      "hostname lookup 'nosuchnode' failed - failed to get address info for: nosuchnode: Name or service not known",
    );
  });
});

describe('validateParams (unit)', () => {
  const schema = {
    additionalProperties: 0 as const,
    properties: {
      'net[n]': { type: 'string' as const, optional: 1 as const },
      count: { type: 'integer' as const, optional: 1 as const },
    },
  };

  it('matches indexed properties against their collapsed [n] form', () => {
    expect(validateParams(schema, { net0: 'virtio', net12: 'e1000', count: '5' })).toEqual({
      net0: 'virtio',
      net12: 'e1000',
      count: 5,
    });
    expect(() => validateParams(schema, { netx: 'a' })).toThrow('Parameter verification failed.');
  });

  it('treats JSON null as absent', () => {
    expect(validateParams(schema, { count: null })).toEqual({});
  });
});
