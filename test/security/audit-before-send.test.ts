import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProxmoxClient } from '../../src/proxmox/client.js';
import { ProxmoxRefusedError } from '../../src/proxmox/errors.js';
import { createAudit, type AuditRecord } from '../../src/safety/audit.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { clusterConfigFor, startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Issue 12: "the audit record is written before the request leaves (with the outcome recorded after),
 * and if it cannot be written the request is not sent (fail closed)". The simulator's request log says
 * what was sent; the audit file says what was recorded, and when.
 */
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pmcp-audit-bs-'));
const lines = (file: string): AuditRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
const writes = (sim: Simulator) => sim.requests.filter((q) => q.method !== 'GET');

describe('the audit record exists before the request leaves', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('while PVE is still working on a write, the file already holds its "sent" record', async () => {
    const file = path.join(tmp(), 'audit.log');
    h = await startHarness({ auditLog: file, clusters: [{ name: 'demo', config: { timeoutMs: 1500 } }] });
    const sim = h.sims.demo!;
    sim.faults.add({ kind: 'hang', match: 'POST /nodes/pve2/qemu/102/status/start' });
    const call = h.call('guest_action', { vmid: 102, action: 'start' });
    while (writes(sim).length === 0) await new Promise((r) => setTimeout(r, 10));
    // The request has reached the node and has no answer yet.
    const during = lines(file);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({
      phase: 'sent',
      method: 'POST',
      path: '/nodes/pve2/qemu/102/status/start',
      tool: 'guest_action',
    });
    expect(during[0]!.outcome).toBeUndefined();
    const r = await call;
    expect(r.isError).toBe(true);
    const after = lines(file);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ phase: 'result', id: during[0]!.id, outcome: 'error' });
    expect(after[1]!.message).toMatch(/timed out after 1500 ms/);
  });

  for (const [name, setup] of [
    ['the disk is full (/dev/full: ENOSPC)', () => '/dev/full'],
    ['the path is a directory (EISDIR)', () => tmp()],
    ['the directory is missing (ENOENT)', () => path.join(tmp(), 'gone', 'audit.log')],
  ] as const) {
    it(`fails closed when ${name}: nothing is sent and the result says why`, async () => {
      const file = setup();
      h = await startHarness({ auditLog: file });
      const sim = h.sims.demo!;
      for (const [tool, args] of [
        ['guest_action', { vmid: 102, action: 'start' }],
        [
          'proxmox_api_call',
          { method: 'PUT', path: '/nodes/pve1/qemu/100/config', data: { description: 'x' } },
        ],
      ] as const) {
        const r = await h.call(tool, args);
        expect(r.isError, tool).toBe(true);
        expect(textOf(r)).toMatch(
          /the audit log \(audit_log: .+\) cannot be written \((ENOSPC|EISDIR|ENOENT)\).*Nothing was sent\. Fix the file or its directory/,
        );
      }
      expect(writes(sim)).toEqual([]);
      // stderr still carries the refusal (one record each), and the reason.
      const logs = h.logs.join('');
      expect(logs).toMatch(/the audit record could not be written; the request was not sent/);
      expect(logs.match(/"outcome":"refused"/g)).toHaveLength(2);
    });
  }

  it('fails closed when the audit directory is deleted after start-up', async () => {
    const dir = path.join(tmp(), 'logs');
    mkdirSync(dir);
    const file = path.join(dir, 'audit.log');
    h = await startHarness({ auditLog: file });
    const ok = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    rmSync(dir, { recursive: true });
    const r = await h.call('guest_action', { vmid: 102, action: 'stop' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/cannot be written \(ENOENT\)/);
    expect(writes(h.sims.demo!).map((q) => q.path)).toEqual(['/api2/json/nodes/pve2/qemu/102/status/start']);
  });
});

describe('records that cannot be built, and outcomes that are not Proxmox errors', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('a throw while building the "sent" record stops the request', async () => {
    sim = await startSimulator({ taskDurationMs: 50 });
    const logs: string[] = [];
    const logger = createLogger({ write: (l) => logs.push(l) });
    const audit = createAudit({
      logger,
      now: () => {
        throw new Error('clock broken');
      },
    });
    const client = new ProxmoxClient(clusterConfigFor('demo', sim), {
      logger,
      beforeSend: [audit.beforeSend],
      observers: [audit.observer],
    });
    const err = await client.request('POST', '/nodes/pve2/qemu/102/status/start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxmoxRefusedError);
    expect((err as Error).message).toMatch(
      /its audit record could not be made \(clock broken\)\. Nothing was sent/,
    );
    expect(writes(sim)).toEqual([]);
    // GETs are not audited and go out.
    await expect(client.request('GET', '/version')).resolves.toBeTruthy();
    await client.close();
  });

  it('a non-Proxmox error thrown while sending is recorded as an error with its message, not "ok"', async () => {
    sim = await startSimulator({ taskDurationMs: 50 });
    const file = path.join(tmp(), 'audit.log');
    const logger = createLogger({ write: () => {} });
    const audit = createAudit({ logger, file });
    const client = new ProxmoxClient(clusterConfigFor('demo', sim), {
      logger,
      beforeSend: [audit.beforeSend],
      observers: [audit.observer],
    });
    // Fault injection into this one instance: the sending step fails with a plain TypeError (a bug).
    (client as unknown as { send: () => Promise<never> }).send = () =>
      Promise.reject(new TypeError('encoder exploded'));
    await expect(client.request('POST', '/nodes/pve2/qemu/102/status/start')).rejects.toThrow(
      /encoder exploded/,
    );
    const recorded = lines(file);
    expect(recorded.map((r) => `${r.phase} ${r.outcome ?? '-'}`)).toEqual(['sent -', 'result error']);
    expect(recorded[1]!.message).toBe('encoder exploded');
    await client.close();
  });
});
