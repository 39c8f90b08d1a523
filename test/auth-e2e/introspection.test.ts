import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_SERVER_CLIENT } from '../helpers/oauth-provider.js';
import { registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest } from '../http/helpers.js';
import { startOAuthStack, type OAuthStack } from './stack.js';

/**
 * Opaque access tokens (Authentik, Zitadel and others can issue them; here the authorization server
 * switches its resource tokens to opaque): the server checks them at the issuer's RFC 7662
 * introspection endpoint with its own client credentials, applying the same audience rule as to JWTs.
 */

let stack: OAuthStack;

beforeAll(async () => {
  stack = await startOAuthStack({
    env: {
      MCP_OAUTH_CLIENT_ID: RESOURCE_SERVER_CLIENT.client_id,
      MCP_OAUTH_CLIENT_SECRET: RESOURCE_SERVER_CLIENT.client_secret,
    },
  });
  stack.as.setAccessTokenFormat('opaque');
  registerSecret(RESOURCE_SERVER_CLIENT.client_secret);
}, 30_000);
afterAll(() => stack?.close());

async function initializeWith(token: string) {
  registerSecret(token);
  return rawRequest(stack.base, '/mcp', {
    method: 'POST',
    body: initializeBody,
    headers: { authorization: `Bearer ${token}` },
  });
}

describe('opaque tokens through introspection', () => {
  it('accepts an opaque token issued for this resource', async () => {
    const t = await stack.as.issueToken({ user: 'alice', resource: `${stack.base}/mcp` });
    expect(t.access_token.split('.')).toHaveLength(1);
    expect((await initializeWith(t.access_token)).status).toBe(200);
  });

  it('refuses an opaque token for another resource', async () => {
    const t = await stack.as.issueToken({ user: 'alice', resource: 'https://other-service.example.com/api' });
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/error="invalid_token"/);
    expect(String(res.headers['www-authenticate'])).toMatch(/error_description="[^"]*audience/);
  });

  it('refuses a revoked token (the issuer no longer vouches for it)', async () => {
    const t = await stack.as.issueToken({ user: 'bob', resource: `${stack.base}/mcp` });
    await stack.as.revoke(t.access_token);
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/error="invalid_token"/);
    expect(String(res.headers['www-authenticate'])).toMatch(/error_description="[^"]*not active/);
  });
});
