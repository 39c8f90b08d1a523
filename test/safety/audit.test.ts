import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultRecord, sentRecord, type AuditRecord } from '../../src/safety/audit.js';
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

    const all = auditLines(h);
    // Each sent request: a "sent" record before it left, then its "result" with the same id.
    expect(all.map((l) => `${l.phase} ${l.method} ${l.path} ${l.outcome ?? '-'}`)).toEqual([
      'sent POST /nodes/pve2/qemu/102/status/start -',
      'result POST /nodes/pve2/qemu/102/status/start ok',
      'sent PUT /nodes/pve1/qemu/100/config -',
      'result PUT /nodes/pve1/qemu/100/config ok',
      'sent POST /nodes/pve1/qemu/999/status/start -',
      'result POST /nodes/pve1/qemu/999/status/start error',
      'result DELETE /nodes/pve2/qemu/102 refused',
    ]);
    for (const i of [0, 2, 4]) {
      expect(all[i]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
      expect(all[i + 1]!.id).toBe(all[i]!.id);
      expect(all[i]!.params).toEqual(all[i + 1]!.params);
    }
    expect(new Set([all[0]!.id, all[2]!.id, all[4]!.id]).size).toBe(3);
    expect(all[6]!.id).toBeUndefined(); // refused: never sent, one record
    const lines = all.filter((l) => l.phase === 'result');
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
    expect(inFile.slice(1)).toEqual(all);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // GET requests (the lookups, the task polls) are not audited.
    expect(lines.every((l) => l.method !== 'GET')).toBe(true);
  });

  it('masks every parameter whose name looks secret, and never walks a nested value', () => {
    const record = resultRecord(
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
      phase: 'result',
      cluster: 'c',
      method: 'POST',
      path: '/access/users',
      params: {
        userid: 'a@pve',
        password: '***',
        Token_Secret: '***',
        sshkeys: '***',
        keep: '[not flat: object]',
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

  it('a file that cannot be written is reported at start-up, and then no write is sent (fail closed)', async () => {
    const file = path.join(tmp(), 'missing-dir', 'audit.log');
    h = await startHarness({ auditLog: file });
    expect(h.logs.join('')).toMatch(
      /the audit log cannot be written; requests that change anything are refused.*ENOENT/,
    );
    const r = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /audit log \(audit_log: .*missing-dir\/audit\.log\) cannot be written \(ENOENT\).*Nothing was sent/,
    );
    expect(h.sims.demo!.requests.filter((q) => q.method === 'POST')).toEqual([]);
    // Reads are not audited, so they still work.
    expect((await h.call('list_nodes')).isError).toBeFalsy();
    expect(auditLines(h).map((l) => `${l.phase} ${l.outcome}`)).toEqual(['result refused']);
  });

  it('the "sent" record of a request carries its id, tool and masked parameters', () => {
    expect(
      sentRecord(
        {
          id: 'abc-1',
          cluster: 'c',
          method: 'POST',
          path: '/access/tfa/a@pve',
          params: { totp: 'otpauth://x', type: 'totp' },
          toolName: 't',
        },
        new Date(0),
      ),
    ).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      id: 'abc-1',
      phase: 'sent',
      cluster: 'c',
      tool: 't',
      method: 'POST',
      path: '/access/tfa/a@pve',
      params: { totp: '***', type: 'totp' },
    });
  });

  it('with LOG_FORMAT=json each audit record is one JSON log line of its own', async () => {
    h = await startHarness({ logFormat: 'json' });
    await h.call('guest_action', { vmid: 102, action: 'start' });
    const records = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'audit');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ phase: 'sent', method: 'POST' });
    expect(records[1]).toMatchObject({
      phase: 'result',
      level: 'info',
      cluster: 'demo',
      method: 'POST',
      path: '/nodes/pve2/qemu/102/status/start',
      outcome: 'ok',
    });
  });
});
