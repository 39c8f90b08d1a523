import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest } from '../http/helpers.js';
import { startOAuthStack, type OAuthStack } from './stack.js';

/**
 * The authorization server rotates its signing key (Keycloak: a new active key in the realm's key
 * providers). The resource server must pick the new key up from the JWKS by itself, without a restart,
 * and stop accepting tokens of a key the issuer no longer publishes. How soon it may refetch is the
 * server's own rate limit against unknown-`kid` floods, so this polls instead of assuming a delay.
 */

let stack: OAuthStack;

beforeAll(async () => {
  // A short refetch bound, so the test does not wait out the default 30 s.
  stack = await startOAuthStack({ env: { MCP_OAUTH_KEYS_REFETCH: '2' } });
}, 30_000);
afterAll(() => stack?.close());

async function status(token: string): Promise<number> {
  registerSecret(token);
  const res = await rawRequest(stack.base, '/mcp', {
    method: 'POST',
    body: initializeBody,
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status;
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const token = async (user = 'alice') =>
  (await stack.as.issueToken({ user, resource: `${stack.base}/mcp` })).access_token;

describe('signing key rotation at the authorization server', () => {
  it('a token signed with the new key is accepted without a restart, and one whose key was withdrawn is refused', async () => {
    const before = await token();
    expect(await status(before)).toBe(200); // the server now holds the first key set

    // A rotation that also withdraws the old key: one refetch shows both sides.
    await stack.as.rotateKeys({ keepOld: false });
    const rotated = await token('carol');
    expect(decodeProtectedHeader(rotated).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect(await eventually(async () => (await status(rotated)) === 200, 10_000)).toBe(true);
    expect(await status(before)).toBe(401);
  }, 30_000);
});
