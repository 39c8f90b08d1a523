import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallestRoleFor } from '../../src/proxmox/pve-roles.js';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { ALL_PRIVILEGES } from '../../src/simulator/permissions.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * A 403 names the smallest built-in PVE role that holds the missing privilege (never a broader one),
 * and both grant lines with when each applies (privilege-separated token vs --privsep 0). One case per
 * privilege family, through MCP, with the simulator denying by the token's ACL or, for endpoints it
 * does not guard, answering PVE's 403 through a fault.
 */
const AUDIT_ONLY = ['Sys.Audit', 'Datastore.Audit', 'Pool.Audit'];

describe('403 advice: least privilege, both grant lines', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        {
          name: 'pve9',
          sim: {
            tokens: [
              {
                user: 'mcp@pve',
                tokenId: 'ro',
                secret: DEMO_TOKEN_SECRET,
                privsep: true,
                acl: [{ path: '/', privs: AUDIT_ONLY }],
              },
            ],
          },
          config: { user: 'mcp@pve', tokenId: 'ro' },
        },
        {
          name: 'readers',
          sim: {
            tokens: [
              {
                user: 'mcp@pve',
                tokenId: 'vm',
                secret: DEMO_TOKEN_SECRET,
                privsep: true,
                acl: [{ path: '/', privs: ['VM.Audit', 'Datastore.Audit'] }],
              },
            ],
          },
          config: { user: 'mcp@pve', tokenId: 'vm' },
        },
        {
          name: 'rootsep',
          sim: {
            tokens: [{ user: 'root@pam', tokenId: 'sep', secret: DEMO_TOKEN_SECRET, privsep: true, acl: [] }],
          },
          config: { user: 'root@pam', tokenId: 'sep' },
        },
        // No API schema (its download is blocked), so calls to endpoints the simulator lacks go out
        // and meet the injected 403 instead of the pre-flight refusal.
        {
          name: 'faulty',
          sim: {
            tokens: [
              {
                user: 'mcp@pve',
                tokenId: 'all',
                secret: DEMO_TOKEN_SECRET,
                acl: [{ path: '/', privs: [...ALL_PRIVILEGES] }],
              },
            ],
          },
          config: { user: 'mcp@pve', tokenId: 'all' },
        },
      ],
    });
    h.sims.faulty!.setGarbage('/pve-docs');
  });
  afterAll(async () => h?.close());

  function expectAdvice(text: string, path: string, role: string, token: string, user: string) {
    expect(text).toContain(`The smallest built-in role with it is ${role}`);
    expect(text).toContain(`pveum acl modify ${path} --tokens '${token}' --roles ${role}`);
    expect(text).toContain(`pveum acl modify ${path} --users ${user} --roles ${role}`);
    expect(text).toMatch(/privilege separation \(the default\) needs both lines/);
    expect(text).toMatch(/--privsep 0 has its user's rights: the --users line alone/);
    expect(text).not.toMatch(/PVEVMAdmin|PVEAdmin\b|PVESysAdmin|PVEDatastoreUser/);
  }

  it('VM.Audit → PVEAuditor (not PVEVMAdmin, nor PVETemplateUser, which can clone)', async () => {
    const r = await h.call('proxmox_api_call', {
      cluster: 'pve9',
      path: '/nodes/pve1/qemu/100/status/current',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/lacks VM\.Audit on \/vms\/100/);
    expectAdvice(textOf(r), '/vms/100', 'PVEAuditor', 'mcp@pve!ro', 'mcp@pve');
  });

  it('VM.GuestAgent.Audit (PVE 9, any of it or Unrestricted) → PVEAuditor', async () => {
    const r = await h.call('proxmox_api_call', {
      cluster: 'readers',
      path: '/nodes/pve1/qemu/100/agent/network-get-interfaces',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /lacks any of VM\.GuestAgent\.Audit, VM\.GuestAgent\.Unrestricted on \/vms\/100/,
    );
    expectAdvice(textOf(r), '/vms/100', 'PVEAuditor', 'mcp@pve!vm', 'mcp@pve');
  });

  it('VM.PowerMgmt → PVEVMUser', async () => {
    const r = await h.call('guest_action', { cluster: 'readers', vmid: 100, action: 'reboot' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/lacks VM\.PowerMgmt on \/vms\/100/);
    expect(textOf(r)).toContain("pveum acl modify /vms/100 --tokens 'mcp@pve!vm' --roles PVEVMUser");
    expect(textOf(r)).toContain('pveum acl modify /vms/100 --users mcp@pve --roles PVEVMUser');
  });

  it('Sys.Audit → PVEAuditor', async () => {
    const r = await h.call('proxmox_api_call', { cluster: 'readers', path: '/nodes/pve1/status' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/lacks Sys\.Audit on \/nodes\/pve1/);
    expectAdvice(textOf(r), '/nodes/pve1', 'PVEAuditor', 'mcp@pve!vm', 'mcp@pve');
  });

  it('Datastore.Audit → PVEAuditor (PVEDatastoreUser could allocate space)', async () => {
    h.sims.faulty!.faults.add({
      kind: 'status',
      status: 403,
      reason: 'Permission check failed (/storage/local, Datastore.Audit)',
      match: 'GET /nodes/pve1/storage/local/status',
      times: 1,
    });
    const r = await h.call('proxmox_api_call', {
      cluster: 'faulty',
      path: '/nodes/pve1/storage/local/status',
    });
    expect(r.isError).toBe(true);
    expectAdvice(textOf(r), '/storage/local', 'PVEAuditor', 'mcp@pve!all', 'mcp@pve');
  });

  it('a privilege only Administrator has gets a one-privilege custom role, not Administrator', async () => {
    h.sims.faulty!.faults.add({
      kind: 'status',
      status: 403,
      reason: 'Permission check failed (/nodes/pve1, Sys.Modify)',
      match: 'PUT /nodes/pve1/dns',
      times: 1,
    });
    const r = await h.call('proxmox_api_call', {
      cluster: 'faulty',
      method: 'PUT',
      path: '/nodes/pve1/dns',
      data: { search: 'example.com' },
    });
    const text = textOf(r);
    expect(text).toContain('pveum role add MCPCustom --privs Sys.Modify');
    expect(text).toContain("pveum acl modify /nodes/pve1 --tokens 'mcp@pve!all' --roles MCPCustom");
    expect(text).toContain('pveum acl modify /nodes/pve1 --users mcp@pve --roles MCPCustom');
    expect(text).not.toMatch(/--roles (Administrator|PVEAdmin|PVESysAdmin)/);
  });

  it('a root@pam token gets only the token line: root@pam already holds every privilege', async () => {
    const r = await h.call('proxmox_api_call', { cluster: 'rootsep', path: '/nodes/pve1/status' });
    expect(textOf(r)).toContain("pveum acl modify /nodes/pve1 --tokens 'root@pam!sep' --roles PVEAuditor");
    expect(textOf(r)).not.toContain('--users');
    expect(textOf(r)).toMatch(/needs its own ACL \(the --tokens line\)/);
  });

  it('maps every family to its smallest role (PVE 9 table)', () => {
    expect(smallestRoleFor('VM.Audit')).toBe('PVEAuditor');
    expect(smallestRoleFor('VM.GuestAgent.Audit')).toBe('PVEAuditor');
    expect(smallestRoleFor('Sys.Audit')).toBe('PVEAuditor');
    expect(smallestRoleFor('Datastore.Audit')).toBe('PVEAuditor');
    expect(smallestRoleFor('SDN.Audit')).toBe('PVEAuditor');
    expect(smallestRoleFor('Pool.Audit')).toBe('PVEPoolUser');
    expect(smallestRoleFor('VM.PowerMgmt')).toBe('PVEVMUser');
    expect(smallestRoleFor('VM.Console')).toBe('PVEVMUser');
    expect(smallestRoleFor('VM.Clone')).toBe('PVETemplateUser');
    expect(smallestRoleFor('VM.Snapshot')).toBe('PVEVMAdmin');
    expect(smallestRoleFor('VM.Monitor')).toBe('PVEVMAdmin'); // PVE 8
    expect(smallestRoleFor('Datastore.AllocateSpace')).toBe('PVEDatastoreUser');
    expect(smallestRoleFor('Datastore.Allocate')).toBe('PVEDatastoreAdmin');
    expect(smallestRoleFor('Sys.Console')).toBe('PVESysAdmin');
    expect(smallestRoleFor('SDN.Use')).toBe('PVESDNUser');
    expect(smallestRoleFor('Mapping.Modify')).toBe('PVEMappingAdmin');
    expect(smallestRoleFor('Sys.Modify')).toBe('Administrator');
    expect(smallestRoleFor('Permissions.Modify')).toBe('Administrator');
  });
});
