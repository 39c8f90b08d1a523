import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProxmoxClient } from '../../src/proxmox/client.js';
import { createAudit } from '../../src/safety/audit.js';
import { clusterConfigFor, startHarness, textOf, type Harness } from '../helpers/harness.js';

// Issue 18, item 4: no failure is only turned into text. Each is logged, and audited with its real
// outcome. (A non-Proxmox error thrown while sending: test/security/audit-before-send.test.ts.)

const WRONG_SECRET = '0badc0de-0000-4000-8000-000000000000';

describe('a cluster failing inside a cluster: "*" call', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [{ name: 'good' }, { name: 'bad', config: { tokenSecret: WRONG_SECRET } }],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is logged at warn with the cluster and the error, secrets scrubbed, besides its line in the answer', async () => {
    const mark = h.logs.length;
    const r = await h.call('list_nodes', { cluster: '*' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/Failed clusters:\n- bad: /);
    const logged = h.logs.slice(mark).filter((l) => /cluster "bad" failed in a cluster: "\*" call/.test(l));
    expect(logged, h.logs.slice(mark).join('')).toHaveLength(1);
    expect(logged[0]).toMatch(/warn/i);
    expect(logged[0]).toMatch(/401|auth/i);
    expect(h.logs.join('')).not.toContain(WRONG_SECRET);
  });
});

describe('a check before sending that throws something other than a refusal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stops the request, is logged as an error and audited with outcome "error"', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pmcp-lost-')), 'audit.log');
    const logs: string[] = [];
    const logger = createLogger({ write: (l) => logs.push(l) });
    const audit = createAudit({ logger, file });
    const client = new ProxmoxClient(clusterConfigFor('demo', h.sims.demo!), {
      logger,
      guards: [
        () => {
          throw new TypeError('guard bug');
        },
      ],
      beforeSend: [audit.beforeSend],
      observers: [audit.observer],
    });
    try {
      await expect(client.request('POST', '/nodes/pve2/qemu/102/status/start')).rejects.toThrow(/guard bug/);
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // No "sent" record: it never left. One result line saying what happened.
      expect(records).toEqual([
        expect.objectContaining({
          phase: 'result',
          method: 'POST',
          path: '/nodes/pve2/qemu/102/status/start',
          outcome: 'error',
          message: 'guard bug',
        }),
      ]);
      const logged = logs.filter((l) => /a check before sending failed unexpectedly/.test(l));
      expect(logged, logs.join('')).toHaveLength(1);
      expect(logged[0]).toMatch(/error/i);
      expect(logged[0]).toContain('guard bug');
      expect(logged[0]).toContain('was not sent');
    } finally {
      await client.close();
    }
  });
});
