import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../helpers/cli.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';

/** `check` says how `sse` would authenticate, and whether the OAuth issuer can be used. */
let issuer: LocalIssuer;
beforeAll(async () => {
  assertBuilt();
  issuer = await startLocalIssuer();
});
afterAll(() => issuer?.close());

const check = (env: Record<string, string>) => runCli(['check', '--demo'], { env });

describe('proxmox-mcp check: HTTP authentication', () => {
  it('OAuth: names the issuer and where its metadata and keys were found', async () => {
    const r = await check({ MCP_OAUTH_ISSUER: issuer.issuer, MCP_OAUTH_SCOPES: 'mcp:tools' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `HTTP (sse) authentication: OAuth 2.1, issuer ${issuer.issuer}, scopes required: mcp:tools`,
    );
    expect(r.stdout).toMatch(
      /ok {4}metadata {5}http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server\/realms\/test \(keys: .*\/jwks\)/,
    );
  });

  it('OAuth with an issuer that does not answer: says so', async () => {
    issuer.down = true;
    try {
      const r = await check({ MCP_OAUTH_ISSUER: issuer.issuer });
      expect(r.stdout).toMatch(/FAIL {2}metadata {5}no authorization server metadata found for issuer/);
    } finally {
      issuer.down = false;
    }
  });

  it('a configuration sse would refuse is shown; nothing configured shows nothing', async () => {
    const r = await check({
      MCP_OAUTH_ISSUER: issuer.issuer,
      MCP_AUTH_TOKEN: 'a-static-bearer-token-0123456789',
    });
    expect(r.stdout).toMatch(
      /HTTP \(sse\) authentication: configuration error: MCP_AUTH_MODE: both MCP_AUTH_TOKEN/,
    );
    expect(r.stdout).not.toContain('a-static-bearer-token-0123456789');
    expect((await check({})).stdout).not.toContain('HTTP (sse) authentication');
    expect((await check({ MCP_AUTH_TOKEN: 'a-static-bearer-token-0123456789' })).stdout).toContain(
      'HTTP (sse) authentication: static bearer token (MCP_AUTH_TOKEN)',
    );
  });
});
