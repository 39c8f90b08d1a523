import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectWithOAuth, TestOAuthClient } from '../helpers/oauth-client.js';
import { registerSecret } from '../helpers/recording.js';
import { startOAuthStack, type OAuthStack } from './stack.js';

/**
 * OAuth on a `--stateless` server, the mode the Kubernetes replicas run in: no session holds the
 * person, so every request is authenticated and attributed on its own.
 */

let stack: OAuthStack;

beforeAll(async () => {
  // Also the README's MCP_OAUTH_NAME_CLAIM: people are named by their `name` claim here, not email.
  stack = await startOAuthStack({ args: ['--stateless'], env: { MCP_OAUTH_NAME_CLAIM: 'name' } });
}, 30_000);
afterAll(() => stack?.close());

describe('OAuth with --stateless', () => {
  it('the SDK client signs in and works; each write is audited under the person who made it', async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'carol' });
    const { client } = await connectWithOAuth(stack.base, oauth);
    registerSecret(oauth.tokens()!.access_token);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const r = (await client.callTool({
        name: 'guest_action',
        arguments: { vmid: 105, action: 'reboot' },
      })) as CallToolResult;
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      const lines = stack.audit().filter((l) => l.path === '/nodes/pve3/qemu/105/status/reboot');
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l.person).toMatchObject({ sub: 'carol-0003', name: 'Carol' });
    } finally {
      await client.close();
    }
  });

  it('a reader is refused a write there too, naming the role', async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'bob' });
    const { client } = await connectWithOAuth(stack.base, oauth);
    registerSecret(oauth.tokens()!.access_token);
    try {
      const before = stack.writes().length;
      const r = (await client.callTool({
        name: 'guest_action',
        arguments: { vmid: 102, action: 'start' },
      })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/reader/);
      expect(stack.writes().slice(before)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
