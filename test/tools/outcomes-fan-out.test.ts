import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * cluster "*": when every cluster failed the result is an error that leads with the failures; when some
 * failed the text says so before the data; "not visible to this token" only when the calls succeeded.
 */
describe('fan-out outcomes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        { name: 'a' },
        { name: 'b' },
        {
          name: 'blind',
          sim: {
            tokens: [
              {
                user: 'mcp@pve',
                tokenId: 'vm',
                secret: DEMO_TOKEN_SECRET,
                privsep: true,
                acl: [{ path: '/', privs: ['VM.Audit'] }],
              },
            ],
          },
          config: { user: 'mcp@pve', tokenId: 'vm' },
        },
      ],
    });
  });
  afterEach(() => {
    for (const sim of Object.values(h.sims)) sim.faults.clear();
  });
  afterAll(async () => h?.close());

  function failEverywhere() {
    for (const sim of Object.values(h.sims)) sim.faults.add({ kind: 'status', status: 500, match: '/' });
  }

  it('list_nodes on "*" with every cluster failing is an error leading with the failures', async () => {
    failEverywhere();
    const r = await h.call('list_nodes', { cluster: '*' });
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/^All 3 clusters failed; nothing was read:\n- a: .*500/);
    expect(text).not.toMatch(/No nodes visible/);
  });

  it('get_cluster_resources on "*" with every cluster failing is an error, without the privileges hint', async () => {
    failEverywhere();
    const r = await h.call('get_cluster_resources', { cluster: '*', type: 'vm' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^All 3 clusters failed/);
    expect(textOf(r)).not.toMatch(/under-privileged/);
  });

  it('some failing: the text says so before the data', async () => {
    h.sims.b!.faults.add({ kind: 'status', status: 500, match: '/' });
    for (const tool of ['list_nodes', 'get_cluster_resources']) {
      const r = await h.call(tool, { cluster: '*' });
      expect(r.isError, tool).toBeFalsy();
      expect(textOf(r), tool).toMatch(
        /^1 of 3 clusters failed \(b\): the results below are from the others only/,
      );
    }
  });

  it('list_nodes says when CPU and memory are hidden for lack of Sys.Audit', async () => {
    const r = await h.call('list_nodes', { cluster: 'blind' });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toMatch(
      /CPU and memory of every node are not visible to this token: it lacks Sys\.Audit/,
    );
    const full = await h.call('list_nodes', { cluster: 'a' });
    expect(textOf(full)).not.toMatch(/not visible/);
  });
});
