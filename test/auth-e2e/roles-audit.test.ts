import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { runCli } from '../helpers/cli.js';
import { connectWithOAuth, TestOAuthClient } from '../helpers/oauth-client.js';
import { registerSecret } from '../helpers/recording.js';
import { startOAuthStack, type OAuthStack } from './stack.js';

/**
 * Issue 16 §1, per-person rights end to end: people sign in at a real authorization server, their
 * `groups` claim gives them a role per cluster (clusters.json `access`), the role decides what reaches
 * Proxmox, and the audit file says who did what. A cluster with `token_from: "user"` uses each
 * person's own PVE token from the X-Proxmox-Token header instead of a configured one.
 */

const CAROL_PVE_SECRET = '5c0b1d7e-carol-personal-token-0001';
let stack: OAuthStack;
const clients: Client[] = [];
const accessTokens: string[] = [];

beforeAll(async () => {
  stack = await startOAuthStack({
    config: (sim) => ({
      clusters: {
        demo: {
          url: sim.url,
          user: 'root@pam',
          token_id: 'mcp',
          token_secret: DEMO_TOKEN_SECRET,
          fingerprint: sim.fingerprint,
        },
        // Same simulator, but each person brings their own PVE API token.
        mine: { url: sim.url, token_from: 'user', fingerprint: sim.fingerprint },
      },
    }),
  });
  // PVE's own permissions for carol: see and power guests, nothing else.
  stack.sim.addToken({
    user: 'carol@pve',
    tokenId: 'laptop',
    secret: CAROL_PVE_SECRET,
    privsep: false,
    acl: [{ path: '/', privs: ['VM.Audit', 'VM.PowerMgmt', 'Sys.Audit'] }],
  });
  registerSecret(CAROL_PVE_SECRET);
}, 30_000);
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await stack?.close();
});

async function signIn(user: string, headers?: Record<string, string>): Promise<Client> {
  const oauth = new TestOAuthClient(stack.as, { user });
  const { client } = await connectWithOAuth(stack.base, oauth, headers ? { headers } : {});
  registerSecret(oauth.tokens()!.access_token);
  accessTokens.push(oauth.tokens()!.access_token);
  clients.push(client);
  return client;
}

const text = (r: unknown) =>
  (r as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('roles from the groups claim', () => {
  it('a reader (bob) can read, and cannot start a VM: the refusal names the role and nothing reaches Proxmox', async () => {
    const bob = await signIn('bob');
    const nodes = await bob.callTool({ name: 'list_nodes', arguments: { cluster: 'demo' } });
    expect(nodes.isError).toBeFalsy();
    const before = stack.writes().length;
    const start = await bob.callTool({
      name: 'guest_action',
      arguments: { cluster: 'demo', vmid: 102, action: 'start' },
    });
    expect(start.isError).toBe(true);
    expect(text(start)).toMatch(/reader/);
    expect(stack.writes().slice(before)).toEqual([]);
  });

  it('someone in no mapped group (dave) gets no access, and is told who they are and what was looked for', async () => {
    const dave = await signIn('dave');
    const res = await dave.callTool({ name: 'list_nodes', arguments: { cluster: 'demo' } });
    expect(res.isError).toBe(true);
    expect(text(res)).toMatch(/dave/);
    expect(text(res)).toMatch(/pve-readers|groups/);
  });

  it('an operator (carol) cannot change a VM configuration: refused naming the role, never sent', async () => {
    const carol = await signIn('carol');
    const before = stack.writes().length;
    const res = await carol.callTool({
      name: 'proxmox_api_call',
      arguments: {
        cluster: 'demo',
        method: 'PUT',
        path: '/nodes/pve2/qemu/102/config',
        data: { memory: 4096 },
      },
    });
    expect(res.isError).toBe(true);
    expect(text(res)).toMatch(/operator/);
    expect(stack.writes().slice(before)).toEqual([]);
  });

  it("two people's actions are audited under their own names (alice admin, carol operator)", async () => {
    const alice = await signIn('alice');
    const carol = await signIn('carol');
    const a = await alice.callTool({
      name: 'guest_action',
      arguments: { cluster: 'demo', vmid: 102, action: 'start' },
    });
    expect(a.isError, text(a)).toBeFalsy();
    const c = await carol.callTool({
      name: 'guest_action',
      arguments: { cluster: 'demo', vmid: 105, action: 'reboot' },
    });
    expect(c.isError, text(c)).toBeFalsy();
    expect(stack.writes()).toEqual(
      expect.arrayContaining([
        'POST /nodes/pve2/qemu/102/status/start',
        'POST /nodes/pve3/qemu/105/status/reboot',
      ]),
    );
    // The lines of what was sent (bob's refused try at VM 102 has its own line, under his name).
    const byPath = (p: string) => stack.audit().filter((r) => r.path === p && r.outcome !== 'refused');
    const startedBy = (p: string) =>
      byPath(p).map((r) => r.person as { sub?: string; name?: string } | undefined);
    expect(startedBy('/nodes/pve2/qemu/102/status/start')).toEqual(
      expect.arrayContaining([expect.objectContaining({ sub: 'alice-0001', name: 'alice@example.com' })]),
    );
    expect(startedBy('/nodes/pve3/qemu/105/status/reboot')).toEqual(
      expect.arrayContaining([expect.objectContaining({ sub: 'carol-0003', name: 'carol@example.com' })]),
    );
    // Every line of each action names its person, "sent" and "result" alike, and only that person.
    for (const r of byPath('/nodes/pve2/qemu/102/status/start'))
      expect(r.person).toMatchObject({ sub: 'alice-0001' });
    for (const r of byPath('/nodes/pve3/qemu/105/status/reboot'))
      expect(r.person).toMatchObject({ sub: 'carol-0003' });
  });

  it("the people's OAuth tokens never reach Proxmox: every request carried the cluster's own API token", () => {
    expect(stack.sim.requests.length).toBeGreaterThan(0);
    const api = stack.sim.requests.filter((q) => q.path.startsWith('/api2/'));
    expect(new Set(api.map((q) => q.authorization.tokenId))).toEqual(new Set(['root@pam!mcp']));
    const upstream = JSON.stringify(stack.sim.requests.map((q) => [q.headers, q.query, q.body]));
    for (const t of accessTokens) expect(upstream).not.toContain(t);
  });

  it("the refused attempt is audited under the reader's name too", () => {
    const refused = stack.audit().filter((r) => r.outcome === 'refused');
    expect(refused.map((r) => (r.person as { sub?: string } | undefined)?.sub)).toContain('bob-0002');
  });
});

describe('token_from "user": each person brings their own PVE token', () => {
  it('without X-Proxmox-Token the call is refused, saying how the client sends it', async () => {
    const carol = await signIn('carol');
    const res = await carol.callTool({ name: 'list_nodes', arguments: { cluster: 'mine' } });
    expect(res.isError).toBe(true);
    expect(text(res)).toMatch(/X-Proxmox-Token/i);
  });

  it("with it, Proxmox sees the person's own token (its ACLs apply), and the secret is in no audit line", async () => {
    const carol = await signIn('carol', { 'X-Proxmox-Token': `carol@pve!laptop=${CAROL_PVE_SECRET}` });
    const before = stack.sim.requests.length;
    const res = await carol.callTool({ name: 'list_nodes', arguments: { cluster: 'mine' } });
    expect(res.isError, text(res)).toBeFalsy();
    const seen = stack.sim.requests.slice(before).map((q) => q.authorization.tokenId);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['carol@pve!laptop']));
    const start = await carol.callTool({
      name: 'guest_action',
      arguments: { cluster: 'mine', vmid: 100, action: 'suspend' },
    });
    expect(start.isError, text(start)).toBeFalsy();
    const audit = JSON.stringify(stack.audit());
    expect(audit).toContain('carol-0003');
    expect(audit).not.toContain(CAROL_PVE_SECRET);
    expect(stack.server.stderr()).not.toContain(CAROL_PVE_SECRET);
  });

  it("PVE's own permissions decide: carol's role allows snapshots, her PVE token does not, and PVE refuses", async () => {
    const carol = await signIn('carol', { 'X-Proxmox-Token': `carol@pve!laptop=${CAROL_PVE_SECRET}` });
    const before = stack.sim.requests.length;
    const res = await carol.callTool({
      name: 'proxmox_api_call',
      arguments: {
        cluster: 'mine',
        method: 'POST',
        path: '/nodes/pve1/qemu/100/snapshot',
        data: { snapname: 'carol1' },
      },
    });
    expect(res.isError).toBe(true);
    expect(text(res)).toMatch(/VM\.Snapshot|permission/i);
    const sent = stack.sim.requests.slice(before).filter((q) => q.method === 'POST');
    expect(sent.map((q) => [q.path, q.status, q.authorization.tokenId])).toEqual([
      ['/api2/json/nodes/pve1/qemu/100/snapshot', 403, 'carol@pve!laptop'],
    ]);
  });
});

describe('start-up', () => {
  it('OAuth with no `access` anywhere is refused at start-up (exit 78), showing the block to add', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pmcp-noaccess-'));
    try {
      const file = path.join(dir, 'clusters.json');
      writeFileSync(
        file,
        JSON.stringify({
          clusters: {
            demo: {
              url: stack.sim.url,
              user: 'root@pam',
              token_id: 'mcp',
              token_secret: DEMO_TOKEN_SECRET,
              fingerprint: stack.sim.fingerprint,
            },
          },
        }),
      );
      const r = await runCli(['sse', '--port', '0', '--config', file], {
        env: { MCP_OAUTH_ISSUER: stack.as.issuer },
        timeoutMs: 15_000,
      });
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('"access"');
      expect(r.stderr).toContain('"operator": ["pve-operators"]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
