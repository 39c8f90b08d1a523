import { beforeAll, describe, expect, it } from 'vitest';
import { ApiIndex, searchEndpoints } from '../../src/schema/index.js';
import { stem } from '../../src/schema/search.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason, syntheticTree } from './fixtures.js';

const top = (index: ApiIndex, query: string, n = 1): string[] =>
  searchEndpoints(index, query, n).map((h) => `${h.method} ${h.template}`);

const ROLLBACK = 'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback';

describe('searchEndpoints (synthetic schema)', () => {
  const index = new ApiIndex(syntheticTree);

  it('stems plurals without mangling words like status', () => {
    expect(['snapshots', 'rules', 'status', 'policies', 'vms', 'access'].map(stem)).toEqual([
      'snapshot',
      'rule',
      'status',
      'policy',
      'vms',
      'access',
    ]);
  });

  it('finds rollback, and prefers VMs unless containers are named', () => {
    expect(top(index, 'rollback snapshot')).toEqual([ROLLBACK]);
    expect(top(index, 'roll back vm to snapshot')).toEqual([ROLLBACK]);
    expect(top(index, 'revert container snapshot')).toEqual([
      'POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback',
    ]);
  });

  it('maps vm→qemu, verbs to methods, and returns summaries', () => {
    expect(top(index, 'vm firewall rules', 2)).toEqual([
      'GET /nodes/{node}/qemu/{vmid}/firewall/rules',
      'POST /nodes/{node}/qemu/{vmid}/firewall/rules',
    ]);
    expect(top(index, 'add a rule to the vm firewall')).toEqual([
      'POST /nodes/{node}/qemu/{vmid}/firewall/rules',
    ]);
    expect(top(index, 'power on vm')).toEqual(['POST /nodes/{node}/qemu/{vmid}/status/start']);
    expect(searchEndpoints(index, 'cluster resources', 1)).toEqual([
      { method: 'GET', template: '/cluster/resources', summary: 'Every resource of the cluster.' },
    ]);
  });

  it('returns nothing for empty or unrelated queries and honours the limit', () => {
    expect(searchEndpoints(index, 'the of and')).toEqual([]);
    expect(searchEndpoints(index, 'kubernetes')).toEqual([]);
    expect(searchEndpoints(index, 'snapshot', 3)).toHaveLength(3);
  });
});

describe.skipIf(!hasShared)(`searchEndpoints on real PVE schemas ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    describe(`PVE ${label}`, () => {
      let index: ApiIndex;
      beforeAll(() => {
        index = realIndex(file);
      });

      it('puts snapshot rollback first', () => {
        expect(top(index, 'rollback snapshot')).toEqual([ROLLBACK]);
        expect(top(index, 'roll back vm to snapshot')).toEqual([ROLLBACK]);
      });

      it('puts the qemu firewall rules endpoints on top for "vm firewall rules"', () => {
        const hits = top(index, 'vm firewall rules', 5);
        expect(hits.slice(0, 2).sort()).toEqual([
          'GET /nodes/{node}/qemu/{vmid}/firewall/rules',
          'POST /nodes/{node}/qemu/{vmid}/firewall/rules',
        ]);
        expect(hits.every((h) => h.includes('/qemu/{vmid}/firewall/rules'))).toBe(true);
      });

      it('answers other everyday questions', () => {
        expect(top(index, 'start vm')).toEqual(['POST /nodes/{node}/qemu/{vmid}/status/start']);
        expect(top(index, 'stop container')).toEqual(['POST /nodes/{node}/lxc/{vmid}/status/stop']);
        expect(top(index, 'delete container')).toEqual(['DELETE /nodes/{node}/lxc/{vmid}']);
        expect(top(index, 'create snapshot')).toEqual(['POST /nodes/{node}/qemu/{vmid}/snapshot']);
        expect(top(index, 'list nodes')).toEqual(['GET /nodes']);
        expect(top(index, 'task status')).toEqual(['GET /nodes/{node}/tasks/{upid}/status']);
        expect(top(index, 'next free vmid')).toEqual(['GET /cluster/nextid']);
        expect(top(index, 'upload iso')).toEqual(['POST /nodes/{node}/storage/{storage}/upload']);
        expect(top(index, 'resize disk')).toEqual(['PUT /nodes/{node}/qemu/{vmid}/resize']);
        expect(top(index, 'backup vm')).toEqual(['POST /nodes/{node}/vzdump']);
        expect(top(index, 'migrate vm to another node', 3)).toContain(
          'POST /nodes/{node}/qemu/{vmid}/migrate',
        );
      });
    });
  }
});
