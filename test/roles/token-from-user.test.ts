import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { warnUnusableOverStdio } from '../../src/proxmox/personal-token.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { registerSecret } from '../helpers/recording.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from './people.js';

/**
 * Issue 16 §1, `token_from: "user"`: the cluster entry holds no token; each request uses the person's
 * own PVE API token from the X-Proxmox-Token header (so PVE's ACLs apply per person), refused clearly
 * when absent or malformed, and the secret never shows up in a result, a log line or the audit.
 */

const ALICE_SECRET = '7d1e0c55-aa11-4b2c-9d3e-a11ce0000001';
const BOB_SECRET = '0b0b0b0b-bb22-4c3d-8e4f-b0b000000002';
registerSecret(ALICE_SECRET, BOB_SECRET);

const alice = person('u-alice', { name: 'alice@example.com', groups: ['pve-admins'] });
const bob = person('u-bob', { name: 'bob@example.com', groups: ['pve-admins'] });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function personalCluster(auditLog?: string) {
  h = await startHarness({
    clusters: [
      {
        name: 'mine',
        config: { tokenFrom: 'user', user: '', tokenId: '', tokenSecret: '', access: TEAM_ACCESS },
        sim: {
          tokens: [
            { user: 'root@pam', tokenId: 'mcp', secret: DEMO_TOKEN_SECRET },
            { user: 'root@pam', tokenId: 'alice', secret: ALICE_SECRET },
            // Bob may look, not act: PVE's own ACL of his token.
            {
              user: 'bob@pve',
              tokenId: 'laptop',
              secret: BOB_SECRET,
              acl: [{ path: '/', privs: ['VM.Audit', 'Sys.Audit', 'Datastore.Audit'] }],
            },
          ],
        },
      },
    ],
    ...(auditLog ? { auditLog } : {}),
  });
  return { h, sim: h.sims.mine!, as: sendAs(h) };
}

const everything = (hh: Harness, auditLog?: string) =>
  [...hh.logs, auditLog ? readFileSync(auditLog, 'utf8') : ''].join('\n');

describe('token_from "user"', () => {
  it("sends the person's own token: the simulator sees their token id on every request of the call", async () => {
    const { sim, as } = await personalCluster();
    const r = await as.call(authInfoFor(alice, `root@pam!alice=${ALICE_SECRET}`), 'guest_action', {
      vmid: 100,
      action: 'stop',
      wait: 5,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const api = sim.requests.filter((q) => q.path.startsWith('/api2/'));
    expect(api.length).toBeGreaterThan(1);
    expect(new Set(api.map((q) => q.authorization.tokenId))).toEqual(new Set(['root@pam!alice']));
  });

  it("PVE's own ACLs apply per person: bob's token may read, not stop, and the advice is about his token", async () => {
    const { sim, as } = await personalCluster();
    const bobs = authInfoFor(bob, `bob@pve!laptop=${BOB_SECRET}`);
    const read = await as.call(bobs, 'get_guest', { vmid: 100 });
    expect(read.isError, textOf(read)).toBeFalsy();
    const stop = await as.call(bobs, 'proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/stop',
    });
    expect(stop.isError).toBe(true);
    expect(textOf(stop)).toMatch(
      /Permission denied \(403\).*each person's own API token \(token_from "user"\)/s,
    );
    expect(sim.requests.filter((q) => q.method === 'POST').map((q) => q.authorization.tokenId)).toEqual([
      'bob@pve!laptop',
    ]);
  });

  it("without the header: refused, saying the cluster takes each person's token and how the client sends it; nothing sent", async () => {
    const { sim, as } = await personalCluster();
    const r = await as.call(authInfoFor(alice), 'list_nodes');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(
      'cluster "mine" takes each person\'s own Proxmox API token (token_from: "user" in clusters.json), and this request came without one',
    );
    expect(textOf(r)).toContain('X-Proxmox-Token header, as user@realm!tokenid=secret');
    expect(textOf(r)).toMatch(/over stdio there is no header/);
    expect(sim.requests.filter((q) => q.path.startsWith('/api2/'))).toEqual([]);
  });

  it('a malformed header is refused saying what is wrong, without quoting it', async () => {
    const { sim, as } = await personalCluster();
    const r = await as.call(authInfoFor(alice, `root@pam=${ALICE_SECRET}`), 'list_nodes');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('the X-Proxmox-Token header is not one: there is no "!" between the user');
    expect(textOf(r)).not.toContain(ALICE_SECRET.slice(0, 8));
    expect(textOf(r)).not.toContain('root@pam=');
    expect(sim.requests.filter((q) => q.path.startsWith('/api2/'))).toEqual([]);
  });

  it('the secret never appears in results, logs or the audit, even when something upstream echoes it', async () => {
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-tfu-')), 'audit.jsonl');
    const { sim, as } = await personalCluster(auditLog);
    // A proxy that echoes the Authorization header into its error (it happens): the backstop must hold.
    sim.faults.add({
      kind: 'status',
      match: 'POST /nodes',
      status: 502,
      reason: `Bad Gateway (auth PVEAPIToken=root@pam!alice=${ALICE_SECRET})`,
    });
    const token = `root@pam!alice=${ALICE_SECRET}`;
    const r = await as.call(authInfoFor(alice, token), 'proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/start',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Bad Gateway (auth PVEAPIToken=***)');
    const seen = [JSON.stringify(r), everything(h!, auditLog)].join('\n');
    expect(seen).toContain('"person":{"sub":"u-alice","name":"alice@example.com"}');
    expect(seen).not.toContain(ALICE_SECRET);
    expect(seen).not.toContain(ALICE_SECRET.slice(0, 8));
    expect(seen).not.toContain(ALICE_SECRET.slice(-8));
  });

  it("the API schema loads without any token of the server's (the file is public; /version is not asked)", async () => {
    const { sim, as } = await personalCluster();
    const r = await as.call(authInfoFor(alice), 'proxmox_api_describe', {
      path: '/nodes/{node}/qemu/{vmid}/status/stop',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(sim.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /pve-docs/api-viewer/apidoc.js']);
  });

  it("the start-up warm-up loads the schema of such a cluster too, with no token of the server's", async () => {
    h = await startHarness({
      clusters: [{ name: 'mine', config: { tokenFrom: 'user', user: '', tokenId: '', tokenSecret: '' } }],
      warmUp: true,
    });
    const sim = h.sims.mine!;
    await expect
      .poll(() => sim.requests.map((q) => `${q.method} ${q.path}`), { timeout: 5000 })
      .toEqual(['GET /pve-docs/api-viewer/apidoc.js']);
    expect(h.logs.join('')).toMatch(/warm-up of cluster "mine" done/);
  });

  it('over stdio the cluster is unusable, and start-up says so', () => {
    const lines: string[] = [];
    const cluster = (name: string, tokenFrom?: 'user') =>
      ({ name, tokenFrom }) as unknown as Parameters<typeof warnUnusableOverStdio>[0][number];
    warnUnusableOverStdio([cluster('prod'), cluster('mine', 'user')], { warn: (m) => lines.push(m) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cluster "mine" takes each person's own API token \(token_from "user"\).*over stdio it is unusable/,
    );
    warnUnusableOverStdio([cluster('prod')], { warn: (m) => lines.push(m) });
    expect(lines).toHaveLength(1);
  });
});
