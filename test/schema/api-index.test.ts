import { describe, expect, it } from 'vitest';
import { ApiIndex, splitPath } from '../../src/schema/index.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason, syntheticTree } from './fixtures.js';

describe('ApiIndex (synthetic schema)', () => {
  const index = new ApiIndex(syntheticTree, { version: '9.2.11' });

  it('indexes every method of every tree node', () => {
    expect(index.pathCount).toBe(18);
    expect(index.methodCount).toBe(22);
    expect(index.version).toBe('9.2.11');
    expect(index.endpoints).toContainEqual(
      expect.objectContaining({ template: '/nodes/{node}/qemu/{vmid}/snapshot', method: 'POST' }),
    );
    // Tree nodes without methods are still navigable.
    expect(index.has('/nodes/{node}')).toBe(true);
    expect(index.methodsOf('/nodes/{node}')).toEqual([]);
  });

  it('matches a concrete path, binding the path variables', () => {
    expect(index.match('/nodes/pve1/qemu/100/snapshot')).toEqual({
      template: '/nodes/{node}/qemu/{vmid}/snapshot',
      pathParams: { node: 'pve1', vmid: '100' },
      unbound: [],
    });
  });

  it('prefers literal segments over variables', () => {
    // `/nodes/{node}/qemu` has a literal `qemu` and `{vmid}` children; `config` is literal too.
    expect(index.match('/nodes/pve1/qemu/100/config')?.template).toBe('/nodes/{node}/qemu/{vmid}/config');
    expect(index.match('/nodes/pve1/qemu/100')?.template).toBe('/nodes/{node}/qemu/{vmid}');
  });

  it('accepts templates, mixes, /api2/json prefixes, trailing slashes and percent-encoding', () => {
    expect(index.match('/nodes/{node}/qemu/{vmid}/snapshot')).toEqual({
      template: '/nodes/{node}/qemu/{vmid}/snapshot',
      pathParams: {},
      unbound: ['node', 'vmid'],
    });
    expect(index.match('api2/json/nodes/pve1/qemu/{vmid}/status/start/')?.pathParams).toEqual({
      node: 'pve1',
    });
    expect(
      index.match('/nodes/pve1/tasks/UPID%3Apve1%3A0001%3Aroot%40pam%21mcp%3A/status')?.pathParams,
    ).toEqual({
      node: 'pve1',
      upid: 'UPID:pve1:0001:root@pam!mcp:',
    });
    expect(index.match('/nodes/pve1/tasks/%E0%A4%A/status')?.pathParams.upid).toBe('%E0%A4%A');
  });

  it('returns undefined for unknown paths and suggests close ones', () => {
    expect(index.match('/nodes/pve1/qemu/100/snapshots')).toBeUndefined();
    expect(index.match('/')).toBeUndefined();
    expect(index.closestPaths('/nodes/pve1/qemu/100/snapshots', 3)[0]).toBe(
      '/nodes/{node}/qemu/{vmid}/snapshot',
    );
    expect(index.closestPaths('/nodes/pve1/100/status/start', 1)).toEqual([
      '/nodes/{node}/qemu/{vmid}/status/start',
    ]);
    expect(index.closestPaths('/cluster/resource', 1)).toEqual(['/cluster/resources']);
  });

  it('lists methods and children', () => {
    expect(index.methodsOf('/nodes/{node}/qemu/{vmid}/snapshot')).toEqual(['GET', 'POST']);
    expect(index.method('/nodes/{node}/qemu/{vmid}/snapshot', 'post')?.name).toBe('snapshot');
    expect(index.childrenOf('/nodes/{node}')).toEqual([
      '/nodes/{node}/qemu',
      '/nodes/{node}/lxc',
      '/nodes/{node}/tasks/{upid}/status',
    ]);
    // `/snapshot/{snapname}` has no node of its own: its child is reached through it.
    expect(index.childrenOf('/nodes/{node}/qemu/{vmid}/snapshot')).toEqual([
      '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback',
    ]);
    expect(index.childrenOf('/nope')).toEqual([]);
  });

  it('splits paths tolerantly', () => {
    expect(splitPath('//api2/json//nodes/pve1/?x=1')).toEqual(['nodes', 'pve1']);
  });
});

describe.skipIf(!hasShared)(`ApiIndex on real PVE schemas ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    it(`PVE ${label}: every endpoint template matches itself and a concrete instance`, () => {
      const index = realIndex(file);
      for (const { template } of index.endpoints) {
        expect(index.match(template)?.template).toBe(template);
        const concrete = template.replace(/\{([^}]+)\}/g, (_m, name: string) => `x-${name}-1`);
        const hit = index.match(concrete);
        // A concrete value could equal a literal sibling; the generated ones never do.
        expect(hit?.template).toBe(template);
      }
    });
  }

  it('PVE 9.2: resolves the examples from the issue', () => {
    const index = realIndex('apidoc.json');
    expect(index.match('/nodes/pve1/qemu/100/snapshot')).toEqual({
      template: '/nodes/{node}/qemu/{vmid}/snapshot',
      pathParams: { node: 'pve1', vmid: '100' },
      unbound: [],
    });
    expect(index.match('/nodes/pve1/qemu/100/status/current')?.template).toBe(
      '/nodes/{node}/qemu/{vmid}/status/current',
    );
    expect(index.match('/nodes/pve1/storage/local/content/local%3Aiso%2Fdebian.iso')?.pathParams.volume).toBe(
      'local:iso/debian.iso',
    );
    expect(index.closestPaths('/nodes/pve1/qemu/100/snapshots', 3)[0]).toBe(
      '/nodes/{node}/qemu/{vmid}/snapshot',
    );
    expect(index.childrenOf('/nodes/{node}/qemu/{vmid}/status')).toContain(
      '/nodes/{node}/qemu/{vmid}/status/start',
    );
  });
});
