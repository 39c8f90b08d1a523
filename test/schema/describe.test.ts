import { beforeAll, describe, expect, it } from 'vitest';
import {
  ApiIndex,
  describeEndpoint,
  renderDescribe,
  renderPermissions,
  returnsTask,
  type ApiMethodInfo,
  type DescribeResult,
} from '../../src/schema/index.js';
import type { ReturnSchema } from '../../src/schema/types.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason, syntheticTree } from './fixtures.js';

function found(result: ReturnType<typeof describeEndpoint>): DescribeResult {
  if (!result.found) throw new Error(`not found: ${result.path}`);
  return result;
}

describe('describeEndpoint (synthetic schema)', () => {
  const index = new ApiIndex(syntheticTree);

  it('describes rollback: parameters without path variables, permission, task', () => {
    const d = found(describeEndpoint(index, '/nodes/pve1/qemu/100/snapshot/before/rollback'));
    expect(d.template).toBe('/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback');
    expect(d.pathParams).toEqual({ node: 'pve1', vmid: '100', snapname: 'before' });
    expect(d.methods).toEqual([
      {
        method: 'POST',
        name: 'rollback',
        summary: 'Return the VM to a snapshot.',
        parameters: [{ name: 'start', type: 'boolean', required: false, description: '', default: 0 }],
        permissions: 'perm /vms/{vmid} VM.Snapshot|VM.Snapshot.Rollback (any)',
        returnsTask: true,
        returns: 'task UPID (string); poll /nodes/{node}/tasks/{upid}/status',
        proxyto: 'node',
        allowtoken: true,
      },
    ]);
  });

  it('documents property strings, indexed names and their ranges, required-first order', () => {
    const d = found(describeEndpoint(index, '/nodes/{node}/qemu/{vmid}/config', 'post'));
    const net = d.methods[0]!.parameters.find((p) => p.name === 'net[n]');
    expect(net).toMatchObject({
      format: 'property-string',
      keys: ['model (default key)', 'macaddr', 'bridge', 'firewall', 'tag'],
      indexRange: [0, 31],
      required: false,
    });
    expect(d.methods[0]!.parameters.find((p) => p.name === 'hostpci[n]')?.indexRange).toBeUndefined();
    expect(d.methods[0]!.parameters.find((p) => p.name === 'cores')).toMatchObject({ min: 1, default: 1 });
    expect(d.unbound).toEqual(['node', 'vmid']);
  });

  it('reports a missing method, children of method-less paths, and misses with suggestions', () => {
    const d = found(describeEndpoint(index, '/nodes/pve1/qemu/100/status/start', 'GET'));
    expect(d).toMatchObject({ methods: [], missingMethod: 'GET', availableMethods: ['POST'] });
    const node = found(describeEndpoint(index, '/nodes/pve1'));
    expect(node.methods).toEqual([]);
    expect(node.children).toContain('/nodes/{node}/qemu');
    const miss = describeEndpoint(index, '/nodes/pve1/qemu/100/snapshots');
    expect(miss).toMatchObject({ found: false });
    expect(!miss.found && miss.suggestions[0]).toBe('/nodes/{node}/qemu/{vmid}/snapshot');
  });

  it('renders compact text', () => {
    const text = renderDescribe(describeEndpoint(index, '/nodes/pve1/qemu/100/snapshot/s1/rollback'));
    expect(text).toBe(
      [
        'path /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback  (node=pve1, vmid=100, snapname=s1)',
        '',
        'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback  [rollback]',
        '  Return the VM to a snapshot.',
        '  permission: perm /vms/{vmid} VM.Snapshot|VM.Snapshot.Rollback (any)',
        '  returns: task UPID (string); poll /nodes/{node}/tasks/{upid}/status',
        '  parameters:',
        '    start: boolean, default 0',
      ].join('\n'),
    );
    expect(renderDescribe(describeEndpoint(index, '/nodes/pve1/qemu/100/snapshotz'))).toMatch(
      /^No API path matches '\/nodes\/pve1\/qemu\/100\/snapshotz'\.\nDid you mean:\n {2}\/nodes\/\{node\}\/qemu\/\{vmid\}\/snapshot\n/,
    );
    const config = renderDescribe(describeEndpoint(index, '/nodes/pve1/qemu/100/config'), {
      maxParams: 3,
      maxEnum: 3,
    });
    expect(config).toContain('… 11 more:');
    expect(renderDescribe(describeEndpoint(index, '/nodes/pve1/qemu/100/config'))).toContain(
      'net[n] (n=0..31): string, property string: model (default key), macaddr, bridge, firewall, tag — A network interface.',
    );
  });

  it('renders permissions in PVE terms', () => {
    expect(renderPermissions(undefined)).toBe('root@pam only');
    expect(renderPermissions({ user: 'all' })).toBe('any authenticated user');
    expect(renderPermissions({ user: 'world' })).toBe('no authentication needed');
    expect(renderPermissions({ check: ['perm', '/', ['Sys.Audit', 'Sys.Modify']] })).toBe(
      'perm / Sys.Audit,Sys.Modify (all)',
    );
    expect(
      renderPermissions({
        check: [
          'and',
          ['perm', '/vms/{vmid}', ['VM.Clone']],
          [
            'or',
            ['perm', '/vms/{newid}', ['VM.Allocate']],
            ['perm', '/pool/{pool}', ['VM.Allocate'], 'require_param', 'pool'],
          ],
        ],
      }),
    ).toBe(
      "perm /vms/{vmid} VM.Clone AND (perm /vms/{newid} VM.Allocate OR perm /pool/{pool} VM.Allocate (only checked when 'pool' is given))",
    );
    expect(
      renderPermissions({ check: ['or', ['userid-param', 'self'], ['userid-group', ['User.Modify']]] }),
    ).toBe('the user itself (userid parameter) OR User.Modify on a group of the user');
    expect(renderPermissions({ user: 'all', description: 'Only lists VMs you can audit.\n\nMore.' })).toBe(
      'any authenticated user — Only lists VMs you can audit.',
    );
  });

  it('detects task-returning methods from the schema', () => {
    const info = (returns: ReturnSchema, name = 'x'): ApiMethodInfo => ({ name, returns });
    expect(returnsTask('POST', info({ type: 'string' }))).toBe(true);
    expect(returnsTask('DELETE', info({ type: 'string', description: 'the task ID.' }))).toBe(true);
    expect(returnsTask('GET', info({ type: 'string' }))).toBe(false);
    expect(returnsTask('POST', info({ type: 'null' }))).toBe(false);
    expect(returnsTask('POST', info({ type: 'string', description: 'Redirection URL.' }))).toBe(false);
    expect(returnsTask('POST', info({ type: 'string', format: 'mac-addr' }))).toBe(false);
    expect(returnsTask('POST', info({ type: 'string' }, 'monitor'))).toBe(false);
  });
});

describe.skipIf(!hasShared)(`describeEndpoint on real PVE schemas ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    describe(`PVE ${label}`, () => {
      let index: ApiIndex;
      beforeAll(() => {
        index = realIndex(file);
      });
      const method = (path: string, m: string) => found(describeEndpoint(index, path, m)).methods[0]!;

      it('rollback: parameters and permission', () => {
        const rollback = method('/nodes/pve1/qemu/100/snapshot/s1/rollback', 'POST');
        expect(rollback.parameters.map((p) => p.name)).toEqual(['start']);
        expect(rollback.parameters[0]).toMatchObject({ type: 'boolean', required: false, default: 0 });
        expect(rollback.permissions).toBe('perm /vms/{vmid} VM.Snapshot|VM.Snapshot.Rollback (any)');
        expect(rollback).toMatchObject({ name: 'rollback', returnsTask: true, proxyto: 'node' });
      });

      it('tasks: start/stop/snapshot/clone/destroy return a task, GET /nodes and PUT config do not', () => {
        expect(method('/nodes/pve1/qemu/100/status/start', 'POST').returnsTask).toBe(true);
        expect(method('/nodes/pve1/lxc/100/status/stop', 'POST').returnsTask).toBe(true);
        expect(method('/nodes/pve1/qemu/100/snapshot', 'POST').returnsTask).toBe(true);
        expect(method('/nodes/pve1/qemu/100/clone', 'POST').returnsTask).toBe(true);
        expect(method('/nodes/pve1/qemu/100', 'DELETE').returnsTask).toBe(true);
        expect(method('/nodes', 'GET').returnsTask).toBe(false);
        expect(method('/nodes/pve1/qemu/100/config', 'PUT').returnsTask).toBe(false);
        expect(method('/nodes/pve1/qemu/100/monitor', 'POST').returnsTask).toBe(false);
        expect(method('/nodes', 'GET').permissions).toBe('any authenticated user');
        expect(method('/nodes/pve1/qemu/100/status/start', 'POST').permissions).toBe(
          'perm /vms/{vmid} VM.PowerMgmt',
        );
      });

      it('permissions: missing means root@pam only; tokens refused where allowtoken is 0', () => {
        expect(method('/nodes/pve1/execute', 'POST').permissions).toBe('root@pam only');
        expect(method('/access/ticket', 'POST')).toMatchObject({ allowtoken: false });
      });

      it('every method describes and renders, with one-line parameter descriptions', () => {
        for (const template of new Set(index.endpoints.map((e) => e.template))) {
          const d = found(describeEndpoint(index, template));
          for (const m of d.methods) {
            for (const p of m.parameters) {
              expect(p.description.length).toBeLessThanOrEqual(120);
              expect(p.description).not.toContain('\n');
            }
          }
          expect(renderDescribe(d).length).toBeGreaterThan(0);
        }
      });

      it('the task rule matches the list in NOTES §3.5', () => {
        const tasks = index.endpoints
          .filter((e) => returnsTask(e.method, e.info))
          .map((e) => `${e.method} ${e.template}`);
        for (const core of [
          'POST /nodes/{node}/qemu',
          'POST /nodes/{node}/lxc',
          'POST /nodes/{node}/vzdump',
          'POST /nodes/{node}/qemu/{vmid}/migrate',
          'DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}',
          'POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback',
          'PUT /nodes/{node}/qemu/{vmid}/resize',
          'POST /nodes/{node}/storage/{storage}/download-url',
          'POST /access/domains/{realm}/sync',
          'POST /nodes/{node}/qemu/{vmid}/config',
        ]) {
          expect(tasks).toContain(core);
        }
        for (const notTask of [
          'POST /access/openid/auth-url',
          'POST /nodes/{node}/wakeonlan',
          'POST /nodes/{node}/storage/{storage}/content',
        ]) {
          expect(tasks).not.toContain(notTask);
        }
        expect(tasks.every((t) => !t.startsWith('GET '))).toBe(true);
      });
    });
  }
});
