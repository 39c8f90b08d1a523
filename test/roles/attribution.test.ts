import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from './people.js';

/**
 * Issue 16 §1: "the person is in every audit line and in the tool-side log". Two people act on one
 * cluster; the audit file says who did what (`person: {sub, name}`), refusals included, and the log
 * lines a call writes name the person too.
 */

const olga = person('u-olga', { name: 'olga@example.com', groups: ['pve-operators'] });
const rita = person('u-rita', { groups: ['pve-readers'] });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Line {
  phase: string;
  path: string;
  outcome?: string;
  person?: { sub: string; name?: string };
}

describe('attribution', () => {
  it("two people's actions are audited under their names; a call without a person has no person field", async () => {
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-roles-')), 'audit.jsonl');
    h = await startHarness({ clusters: [{ name: 'prod', config: { access: TEAM_ACCESS } }], auditLog });
    const as = sendAs(h);
    const stop = await as.call(authInfoFor(olga), 'guest_action', { vmid: 100, action: 'stop', wait: 5 });
    expect(stop.isError, textOf(stop)).toBeFalsy();
    const refused = await as.call(authInfoFor(rita), 'guest_action', { vmid: 102, action: 'start' });
    expect(refused.isError).toBe(true);
    const anonymous = await as.call(undefined, 'guest_action', { vmid: 100, action: 'start', wait: 5 });
    expect(anonymous.isError, textOf(anonymous)).toBeFalsy();

    const lines = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const summary = lines.map((l) => [l.phase, l.path, l.outcome ?? '', l.person ?? null]);
    expect(summary).toEqual([
      ['sent', '/nodes/pve1/qemu/100/status/stop', '', { sub: 'u-olga', name: 'olga@example.com' }],
      ['result', '/nodes/pve1/qemu/100/status/stop', 'ok', { sub: 'u-olga', name: 'olga@example.com' }],
      ['result', '/nodes/pve2/qemu/102/status/start', 'refused', { sub: 'u-rita' }],
      ['sent', '/nodes/pve1/qemu/100/status/start', '', null],
      ['result', '/nodes/pve1/qemu/100/status/start', 'ok', null],
    ]);
    // The audit lines on stderr carry the same.
    const logged = h.logs.filter((l) => l.includes('audit {'));
    expect(
      logged.filter((l) => l.includes('"person":{"sub":"u-olga","name":"olga@example.com"}')),
    ).toHaveLength(2);
    expect(logged.filter((l) => l.includes('"person":{"sub":"u-rita"}'))).toHaveLength(1);
  });

  it("the log lines a person's call writes name the person", async () => {
    h = await startHarness({
      clusters: [
        { name: 'prod', config: { access: TEAM_ACCESS } },
        { name: 'lab', config: { access: TEAM_ACCESS }, sim: { faults: [{ kind: 'status', status: 500 }] } },
      ],
      logFormat: 'json',
    });
    const as = sendAs(h);
    // A fan-out with one cluster failing logs a warning from inside the call (cluster-targets.ts).
    const from = h.logs.length;
    await as.call(authInfoFor(rita), 'list_nodes', { cluster: '*' });
    const lines = h.logs.slice(from).map((l) => JSON.parse(l) as { msg: string; person?: unknown });
    const warning = lines.find((l) => l.msg.includes('cluster "lab" failed'));
    expect(warning, JSON.stringify(lines)).toBeDefined();
    expect(warning!.person).toEqual({ sub: 'u-rita' });
  });
});
