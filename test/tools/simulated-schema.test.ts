import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiIndex, isSimulatedSchema, simulatedSchemaNote } from '../../src/schema/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { syntheticTree } from '../schema/fixtures.js';

// Issue 13, defect 4: on the demo simulator, refusals and describe answers say the schema is the
// simulator's partial one, not PVE's (before: "No API path matches /access/groups on cluster "demo"
// (PVE 9.2.11 schema)", stated as a fact about PVE).

const NOTE =
  /This cluster is the demo simulator: its API schema is partial \((\d+) of the 675 methods of PVE 9\.2\)\. A real cluster answers from its own full schema\./;

describe('a simulated cluster says its schema is partial', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('in the refusal of a path it does not simulate, with how many methods it has', async () => {
    const r = await h.call('proxmox_api_call', { path: '/access/groups' });
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(
      /No API path matches \/access\/groups on cluster "demo" \(simulated 9\.2\.11 schema\)/,
    );
    const count = Number(NOTE.exec(text)?.[1]);
    expect(count).toBeGreaterThan(30);
    expect(count).toBeLessThan(675);
  });

  it('in refusals of a method or parameters too', async () => {
    const method = await h.call('proxmox_api_call', { path: '/cluster/resources', method: 'DELETE' });
    expect(textOf(method)).toMatch(NOTE);
    const param = await h.call('proxmox_api_call', { path: '/cluster/resources', data: { bogus: 1 } });
    expect(textOf(param)).toMatch(NOTE);
  });

  it('in every proxmox_api_describe answer', async () => {
    for (const args of [{ query: 'list backups in storage' }, { path: '/nodes/pve1/qemu' }, {}]) {
      const r = await h.call('proxmox_api_describe', args);
      expect(textOf(r), JSON.stringify(args)).toMatch(NOTE);
    }
  });
});

describe('the everyday endpoints through the tools (issue 13)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('"list backups in storage" finds the storage content endpoint, and the call answers with backups', async () => {
    const found = await h.call('proxmox_api_describe', { query: 'list backups in storage' });
    const hits = (found.structuredContent as { results: Array<{ template: string }> }).results;
    expect(hits.map((x) => x.template)).toContain('/nodes/{node}/storage/{storage}/content');
    const r = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/storage/nas/content',
      data: { content: 'backup' },
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/vzdump-qemu-100-/);
  });

  it.each(['/access/users', '/cluster/backup', '/cluster/ha/resources', '/cluster/ha/status/current'])(
    'GET %s answers on the demo',
    async (path) => {
      const r = await h.call('proxmox_api_call', { path });
      expect(r.isError, textOf(r)).toBeFalsy();
    },
  );
});

describe('a real schema', () => {
  it('carries no simulator note', () => {
    const index = new ApiIndex(syntheticTree, { version: '9.2.11' });
    expect(isSimulatedSchema(index)).toBe(false);
    expect(simulatedSchemaNote(index)).toBeUndefined();
  });
});
