import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, runCli } from '../helpers/cli.js';
import { registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest, spawnSse, type SpawnedServer } from '../http/helpers.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { bearer, streamable } from './oauth-server.js';

/** The built `proxmox-mcp sse` configured for OAuth from its environment, as an operator runs it. */
let sim: Simulator;
let issuer: LocalIssuer;
let configFile: string;
let bareConfigFile: string;
const running: SpawnedServer[] = [];

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  issuer = await startLocalIssuer();
  const dir = mkdtempSync(path.join(tmpdir(), 'pmcp-auth-bin-'));
  const cluster = {
    url: sim.url,
    user: 'root@pam',
    token_id: 'mcp',
    token_secret: DEMO_TOKEN_SECRET,
    fingerprint: sim.fingerprint,
  };
  registerSecret(DEMO_TOKEN_SECRET);
  configFile = path.join(dir, 'clusters.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      access: { claims: ['groups'], roles: { admin: ['pve-admins'] } },
      clusters: { demo: cluster },
    }),
  );
  bareConfigFile = path.join(dir, 'bare.json');
  writeFileSync(bareConfigFile, JSON.stringify({ clusters: { demo: cluster } }));
});
afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  await issuer?.close();
  await sim?.close();
});

describe('proxmox-mcp sse with OAuth (built binary)', () => {
  it('announces the mode and issuer, serves a signed-in person, and never prints a token, good or bad', async () => {
    const s = await spawnSse(['--port', '0', '--config', configFile], {
      MCP_OAUTH_ISSUER: issuer.issuer,
      LOG_LEVEL: 'debug',
    });
    running.push(s);
    await expectEventually(() => /authorization server .* discovered/.test(s.stderr()));
    expect(s.stderr()).toMatch(
      /authentication: OAuth 2\.1 access tokens from http:\/\/127\.0\.0\.1:\d+\/realms\/test/,
    );
    expect(s.stderr()).toMatch(
      /listening on .* auth=oauth issuer=http:\/\/127\.0\.0\.1:\d+\/realms\/test resource=http/,
    );
    const aud = `${s.url}/mcp`;
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      await issuer.sign({ aud: 'https://elsewhere.example.com' }),
      await issuer.sign({ aud, exp: now - 600 }),
      await issuer.sign({ aud, iss: 'https://evil.example.com' }),
      await issuer.signWithUnpublishedKey({ aud }),
      await issuer.sign({ aud }, { typ: 'logout+jwt' }),
    ];
    for (const t of tokens) {
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(401);
    }
    const good = await issuer.sign({ aud, groups: ['pve-admins'], email: 'alice@example.com' });
    const { client, transport } = streamable(s.url, bearer(good));
    await client.connect(transport);
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    await client.close();
    s.child.kill('SIGTERM');
    await s.exit;
    const out = s.stderr();
    expect(out).toMatch(/refused \(401\): the token's audience/);
    for (const t of [...tokens, good]) {
      expect(out).not.toContain(t);
      expect(out).not.toContain(t.split('.')[2]);
    }
  });

  it('bearer and OAuth both set: exit 78 naming both, before anything else is read', async () => {
    const r = await runCli(['sse', '--port', '0', '--config', configFile], {
      env: { MCP_AUTH_TOKEN: 'a-static-bearer-token-0123456789', MCP_OAUTH_ISSUER: issuer.issuer },
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/MCP_AUTH_TOKEN.*MCP_OAUTH_ISSUER/);
    expect(r.stderr).not.toContain('a-static-bearer-token-0123456789');
  });

  it('OAuth with no "access" in clusters.json: exit 78 showing the snippet to add', async () => {
    const r = await runCli(['sse', '--port', '0', '--config', bareConfigFile], {
      env: { MCP_OAUTH_ISSUER: issuer.issuer },
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/"access": \{/);
  });
});

async function expectEventually(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
