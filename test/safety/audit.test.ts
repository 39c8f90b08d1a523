import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecord, type AuditRecord } from '../../src/safety/audit.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pmcp-audit-'));

/** The audit records among the harness's stderr lines (text format: "proxmox-mcp info: audit {json}"). */
function auditLines(h: Harness): AuditRecord[] {
  return h.logs
    .filter((l) => l.startsWith('proxmox-mcp info: audit {'))
    .map((l) => JSON.parse(l.slice('proxmox-mcp info: audit '.length)) as AuditRecord);
}

function fileLines(file: string): AuditRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
}

describe('the audit log', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('logs every non-GET request as one JSON line on stderr and appends it to audit_log (0600)', async () => {
    const file = path.join(tmp(), 'audit.log');
    writeFileSync(file, '{"earlier":"line"}\n', { mode: 0o600 });
    h = await startHarness({
      auditLog: file,
      clusters: [
        {
          name: 'demo',
          config: { policy: resolvePolicy(undefined, { deny: ['DELETE /**'] }, 'demo', 'clusters.json') },
        },
      ],
    });
    const started = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(started.isError, textOf(started)).toBeFalsy();
    const upid = (started.structuredContent as { upid: string }).upid;
    await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'web server', tags: 'prod;web' },
    });
    const failed = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/999/status/start',
    });
    expect(failed.isError).toBe(true);
    const refused = await h.call('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve2/qemu/102' });
    expect(refused.isError).toBe(true);

    const lines = auditLines(h);
    expect(lines.map((l) => `${l.method} ${l.path} ${l.outcome}`)).toEqual([
      'POST /nodes/pve2/qemu/102/status/start ok',
      'PUT /nodes/pve1/qemu/100/config ok',
      'POST /nodes/pve1/qemu/999/status/start error',
      'DELETE /nodes/pve2/qemu/102 refused',
    ]);
    expect(lines[0]).toMatchObject({ cluster: 'demo', tool: 'guest_action', params: {}, status: 200, upid });
    expect(Date.parse(lines[0]!.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(typeof lines[0]!.duration_ms).toBe('number');
    expect(lines[1]!.params).toEqual({ description: 'web server', tags: 'prod;web' });
    expect(lines[2]).toMatchObject({ status: 500, tool: 'proxmox_api_call' });
    expect(lines[2]!.message).toMatch(
      /Configuration file 'nodes\/pve1\/qemu-server\/999\.conf' does not exist/,
    );
    expect(lines[3]!.message).toMatch(/denied by policy rule "DELETE \/\*\*"/);
    expect(lines[3]!.upid).toBeUndefined();

    const inFile = fileLines(file);
    expect(inFile[0]).toEqual({ earlier: 'line' });
    expect(inFile.slice(1)).toEqual(lines);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // GET requests (the lookups, the task polls) are not audited.
    expect(lines.every((l) => l.method !== 'GET')).toBe(true);
  });

  it('masks every parameter whose name looks secret, nested ones included', () => {
    const record = auditRecord(
      {
        cluster: 'c',
        method: 'POST',
        path: '/access/users',
        params: {
          userid: 'a@pve',
          password: 'x',
          Token_Secret: 'y',
          sshkeys: 'z',
          keep: { apiKey: 'k', n: 1 },
        },
        data: null,
        status: 200,
        durationMs: 3,
      },
      new Date(0),
    );
    expect(record).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      cluster: 'c',
      method: 'POST',
      path: '/access/users',
      params: {
        userid: 'a@pve',
        password: '***',
        Token_Secret: '***',
        sshkeys: '***',
        keep: { apiKey: '***', n: 1 },
      },
      outcome: 'ok',
      status: 200,
      duration_ms: 3,
    });
  });

  it('creates the file with mode 0600 at start-up', async () => {
    const file = path.join(tmp(), 'new.log');
    h = await startHarness({ auditLog: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('a file that cannot be written is reported on stderr and never fails the request', async () => {
    const file = path.join(tmp(), 'missing-dir', 'audit.log');
    h = await startHarness({ auditLog: file });
    expect(h.logs.join('')).toMatch(/the audit log cannot be written.*ENOENT/);
    const r = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(h.logs.join('')).toMatch(/cannot append to the audit log .*ENOENT/);
    expect(auditLines(h)).toHaveLength(1);
  });

  it('with LOG_FORMAT=json each audit record is one JSON log line of its own', async () => {
    h = await startHarness({ logFormat: 'json' });
    await h.call('guest_action', { vmid: 102, action: 'start' });
    const records = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'audit');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'info',
      cluster: 'demo',
      method: 'POST',
      path: '/nodes/pve2/qemu/102/status/start',
      outcome: 'ok',
    });
  });
});
